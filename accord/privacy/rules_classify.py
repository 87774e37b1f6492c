"""The data-privacy audit's classifier: a field name found by a data-discovery tool (a column, a JSON key, a file
header) or a category of personal data written in the record of processing, read as the categories of personal
data it names. Pure (no Django, no app): the rule set is data below, documented in docs/privacy-audit.md and
tested on a table of field names (tests/privacy/test_rules_classify.py).

How a name is read:

1. **Normalised**: accents dropped (`prénom` → `prenom`, `straße` → `strasse`), camelCase and digits split
   (`dateOfBirth2` → `date of birth`), every other character a separator, lower case: a list of tokens.
2. **Ignored** when a token says the field describes data rather than holds it (`email_verified`,
   `phone_count`, `address_type`: the `NOT_DATA` tokens).
3. **Matched** against the rules in order; the first rule that matches gives the category. A rule is a phrase
   (consecutive tokens: `date of birth`, `adresse ip`; `=name` only as the whole name, so `product_name` is not a
   person's), or, for the German compounds, a stem found inside one
   token (`geburtsdatum` in `kundengeburtsdatum`). A token's plural (`diagnoses`, `emails`) matches its singular.
   More specific rules come first, so `email_address` is an e-mail, `ip_address` an online identifier and
   `billing_address` a postal address.

A discovery tool's own sample classification (`EMAIL_ADDRESS`, `iban`, `health`) is read the same way and, when it
names a category, wins over the field name (the tool looked at the values).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache


@dataclass(frozen=True)
class Category:
    """A category of personal data the audit compares: its key, English label and whether it is a special category
    (Art. 9(1)) or otherwise highly sensitive (a national identifier, Art. 87)."""

    key: str
    label: str
    special: bool = False


CATEGORIES: tuple[Category, ...] = (
    Category("name", "Name"),
    Category("email", "E-mail address"),
    Category("phone", "Telephone number"),
    Category("postal_address", "Postal address"),
    Category("birth_date", "Date of birth"),
    Category("gender", "Gender"),
    Category("national_id", "National identification number", special=True),
    Category("bank_account", "Bank account (IBAN)"),
    Category("payment_card", "Payment card"),
    Category("financial", "Income and financial situation"),
    Category("online_id", "Online identifier (IP address, device, cookie)"),
    Category("location", "Location data"),
    Category("health", "Health data", special=True),
    Category("biometric", "Biometric data", special=True),
    Category("beliefs", "Religious or philosophical beliefs, political opinions, union membership", special=True),
    Category("ethnic_origin", "Racial or ethnic origin", special=True),
)
BY_KEY = {c.key: c for c in CATEGORIES}

#: (category, phrases, stems): phrases are token sequences written with spaces; stems are found inside one token
#: (German compounds). In order: the first rule that matches wins.
RULES: tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...] = (
    ("online_id", ("ip", "ip address", "ip addr", "ipv", "adresse ip", "ip adresse", "remote addr",
                   "mac address", "adresse mac", "device id", "device identifier", "imei", "cookie id",
                   "user agent", "advertising id", "idfa", "session ip"), ("ipadresse",)),
    ("email", ("email", "e mail", "mail", "courriel", "mel", "adresse mail", "mail address", "email address"),
     ("emailadresse", "mailadresse")),
    ("phone", ("phone", "telephone", "tel", "mobile", "cell", "portable", "fax", "telefon", "handy", "mobil",
               "msisdn", "phone number", "numero telephone"), ("telefon", "handynummer", "mobilnummer")),
    ("national_id", ("ssn", "social security", "social security number", "national id", "national identifier",
                     "nino", "nir", "insee", "numero securite sociale", "secu", "securite sociale", "passport",
                     "passeport", "id card", "identity card", "carte identite", "cni", "tax id", "tin",
                     "numero fiscal", "steuer id", "steuernummer", "personalausweis", "reisepass", "ahv",
                     "driving licence", "driver license", "permis conduire"),
     ("sozialversicherungsnummer", "steueridentifikationsnummer", "ausweisnummer", "personalausweis")),
    ("bank_account", ("iban", "bic", "swift", "rib", "bank account", "account number", "compte bancaire",
                      "numero compte", "kontonummer", "bankverbindung", "blz", "sort code"),
     ("kontonummer", "bankverbindung", "bankkonto")),
    ("payment_card", ("card number", "credit card", "debit card", "cc number", "pan", "cvv", "cvc",
                      "carte bancaire", "numero carte", "kreditkarte", "kartennummer", "card expiry"),
     ("kreditkarte", "kartennummer")),
    ("birth_date", ("dob", "date of birth", "birth date", "birthdate", "birthday", "born on", "date naissance",
                    "naissance", "ddn", "geburtsdatum", "geburtstag", "geb datum", "birth year", "age"),
     ("geburtsdatum", "geburtstag")),
    ("health", ("diagnosis", "diagnostic", "diagnose", "icd", "cim", "medical", "medication",
                "prescription", "ordonnance", "traitement", "treatment", "allergy", "allergie", "pathologie",
                "pathology", "symptom", "symptome", "blood type", "groupe sanguin", "blutgruppe", "disability",
                "handicap", "health", "sante", "gesundheit", "befund", "krankheit", "medikament", "lab result",
                "clinical note", "antecedent", "antecedents"),
     ("diagnose", "befund", "krankheit", "medikament", "gesundheit", "behinderung")),
    ("biometric", ("fingerprint", "face template", "faceprint", "iris", "biometric", "biometrie",
                   "empreinte", "fingerabdruck", "voiceprint"), ("fingerabdruck", "biometrie")),
    ("beliefs", ("religion", "religious", "confession", "konfession", "political", "politique", "union member",
                 "syndicat", "trade union", "gewerkschaft"), ("konfession", "gewerkschaft")),
    ("ethnic_origin", ("ethnicity", "ethnic", "ethnie", "ethnique", "race", "origine ethnique"), ()),
    ("financial", ("salary", "salaire", "income", "revenu", "revenus", "wage", "gehalt", "einkommen", "lohn",
                   "credit score", "net worth"), ("gehalt", "einkommen")),
    ("location", ("gps", "latitude", "longitude", "lat", "lng", "lon", "geolocation", "geoloc", "coordinates",
                  "standort"), ("standort", "geokoordinate")),
    ("gender", ("gender", "sex", "sexe", "genre", "geschlecht", "civilite", "anrede"),
     ("geschlecht",)),
    ("postal_address", ("address", "addr", "street", "street address", "zip", "zipcode", "zip code",
                        "postcode", "postal code", "post code", "city", "town", "adresse", "rue", "voie",
                        "code postal", "cp", "ville", "commune", "strasse", "str", "hausnummer", "plz", "ort",
                        "wohnort", "anschrift", "postleitzahl"),
     ("strasse", "anschrift", "postleitzahl", "wohnort", "adresse")),
    ("name", ("=name", "=nom", "=names", "customer name", "patient name", "client name", "employee name",
              "contact name", "person name", "holder name", "account holder", "nom client", "nom patient",
              "first name", "firstname", "last name", "lastname", "surname", "given name", "family name",
              "full name", "fullname", "maiden name", "nom", "prenom", "nom famille", "nom naissance", "vorname",
              "nachname", "familienname", "geburtsname"), ("vorname", "nachname", "familienname")),
)

#: Tokens that make a field describe data rather than hold it: a flag, a count, a kind, a setting.
NOT_DATA = frozenset({
    "verified", "confirmed", "valid", "enabled", "disabled", "flag", "count", "counter", "nb", "nombre", "anzahl",
    "type", "kind", "format", "template", "server", "host", "domain", "opt", "optin", "optout", "consent",
    "bounce", "bounced", "sent", "status", "preference", "preferences", "policy", "version", "provider", "is",
    "has", "length", "checked",
})

#: The categories a declared category of the record may name as a group (declared "Contact details" covers an
#: e-mail address, a telephone number and a postal address).
GROUPS: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...] = (
    (("contact", "contact details", "contact data", "coordonnees", "kontaktdaten", "kontakt"),
     ("email", "phone", "postal_address")),
    (("identity", "identification", "identification data", "civil status", "etat civil", "identite",
      "personalien", "stammdaten"), ("name", "birth_date", "gender")),
    (("bank details", "banking", "payment", "payment data", "coordonnees bancaires", "bankdaten", "zahlungsdaten"),
     ("bank_account", "payment_card")),
    (("connection data", "connection logs", "logs", "traffic data", "donnees connexion", "verbindungsdaten"),
     ("online_id",)),
)

_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])|(?<=[A-Za-z])(?=\d)|(?<=\d)(?=[A-Za-z])")
_SEPARATOR = re.compile(r"[^a-z0-9]+")
# The rules indexed for speed (a discovery file has tens of thousands of names): phrases by their first token,
# whole names, stems in rule order; a name's category is the earliest rule that matches it in any of these ways.
_FIRST: dict[str, list[tuple[int, tuple[str, ...]]]] = {}
_WHOLE: dict[tuple[str, ...], int] = {}
_STEMS: list[tuple[int, str]] = []
for _index, (_key, _phrases, _stems) in enumerate(RULES):
    for _phrase in _phrases:
        if _phrase.startswith("="):
            _WHOLE.setdefault(tuple(_phrase[1:].split()), _index)
        else:
            _words = tuple(_phrase.split())
            _FIRST.setdefault(_words[0], []).append((_index, _words))
    _STEMS.extend((_index, _stem) for _stem in _stems)
_GROUPS = tuple((tuple(tuple(n.split()) for n in names), keys) for names, keys in GROUPS)


def tokens(name: str) -> tuple[str, ...]:
    """The name's tokens: accents dropped, `ß` as `ss`, camelCase and digits split, lower case."""
    text = unicodedata.normalize("NFKD", name.replace("ß", "ss").replace("ẞ", "SS"))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = _CAMEL.sub(" ", text).lower()
    return tuple(t for t in _SEPARATOR.split(text) if t and not t.isdigit())


def _singular(token: str) -> str:
    if len(token) > 3 and token.endswith("es") and token[:-2].endswith(("ss", "sh", "ch", "x", "s")):
        return token[:-2]
    if len(token) > 3 and token.endswith("s") and not token.endswith("ss"):
        return token[:-1]
    return token


def _match(words: tuple[str, ...]) -> str:
    if not words or NOT_DATA.intersection(words):
        return ""
    singular = tuple(_singular(w) for w in words)
    best = min(_WHOLE.get(words, len(RULES)), _WHOLE.get(singular, len(RULES)))
    for seq in (words, singular):
        for i, word in enumerate(seq):
            for index, phrase in _FIRST.get(word, ()):
                if index < best and seq[i:i + len(phrase)] == phrase:
                    best = index
    joined = "".join(words)
    for index, stem in _STEMS:
        if index >= best:
            break
        if any(stem in w for w in words) or (len(words) > 1 and stem in joined):
            best = index
            break
    return RULES[best][0] if best < len(RULES) else ""


@lru_cache(maxsize=65_536)
def classify(field_name: str, sample: str = "") -> str:
    """The category key a discovered field holds, or "" for none: the discovery tool's sample classification when
    it names a category, else the field name's (the rules above)."""
    if sample.strip():
        found = _match(tokens(sample))
        if found:
            return found
    return _match(tokens(field_name))


def declared_keys(category_name: str) -> frozenset[str]:
    """The category keys a category of the record (its free-text name) names: a group's members ("Contact
    details"), else the one category its name classifies as ("Diagnoses" → health); empty when the rule set does
    not know it (the audit shows it as not compared)."""
    words = tokens(category_name)
    singular = tuple(_singular(w) for w in words)
    for names, keys in _GROUPS:
        if any(words == n or singular == n for n in names):
            return frozenset(keys)
    found = _match(words)
    return frozenset({found}) if found else frozenset()


def labels(keys: Iterable[str]) -> list[str]:
    """The English labels of category keys, in the rule set's order."""
    wanted = set(keys)
    return [c.label for c in CATEGORIES if c.key in wanted]
