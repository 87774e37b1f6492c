"""The data-privacy audit's one rule: what is declared (the record of processing) against what is observed (the
owners' data-inventory questionnaires, the imported data discovery, the inventory's hosting regions), as a list of
discrepancies. Pure (no Django, no app): the services read the database into the dataclasses below, and every
front shows this module's answer. docs/privacy-audit.md states the rule with examples.

The five kinds, each with the key that makes re-running the audit idempotent (a discrepancy found again is the
same discrepancy, its finding is not written twice):

- `undeclared_category` (`undeclared:S-001:email`): a system in scope holds a category that no activity naming
  the system declares;
- `unnamed_system` (`unnamed:S-001`): a system in scope holds personal data and no activity of the record names it
  (its categories are not also reported one by one: declaring the activity answers them all);
- `retention_exceeded` (`retention:S-001:email`): the retention the owner says is applied to a category on a
  system is longer than the longest declared for it by the activities naming the system;
- `undeclared_transfer` (`transfer:S-001:US`): a system holding personal data runs or stores it in a country
  outside the EEA and no activity naming the system declares a transfer to that country;
- `unobserved_category` (`unobserved:PA-001:health data`): an activity of the scope declares a category that none
  of its observed systems in scope shows (a system is observed when discovery rows or an answered questionnaire
  speak for it; an activity none of whose systems was observed is not judged).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from accord.privacy.rules_classify import BY_KEY

UNDECLARED_CATEGORY = "undeclared_category"
UNNAMED_SYSTEM = "unnamed_system"
RETENTION_EXCEEDED = "retention_exceeded"
UNDECLARED_TRANSFER = "undeclared_transfer"
UNOBSERVED_CATEGORY = "unobserved_category"
KINDS = (UNDECLARED_CATEGORY, UNNAMED_SYSTEM, RETENTION_EXCEEDED, UNDECLARED_TRANSFER, UNOBSERVED_CATEGORY)

#: A retention with no end ("indefinitely"), in days: longer than any period written in years.
UNLIMITED = 1_000_000
_UNITS = (
    (365, ("year", "years", "yr", "yrs", "y", "an", "ans", "annee", "annees", "année", "années", "jahr", "jahre",
           "jahren", "j")),
    (30, ("month", "months", "mo", "mois", "monat", "monate", "monaten")),
    (7, ("week", "weeks", "wk", "semaine", "semaines", "woche", "wochen")),
    (1, ("day", "days", "d", "jour", "jours", "tag", "tage", "tagen")),
)
_UNIT_DAYS = {word: days for days, words in _UNITS for word in words}
_DURATION = re.compile(r"(\d+(?:[.,]\d+)?)\s*([^\W\d_]+)", re.UNICODE)
_FOREVER = re.compile(r"\b(indefinite(ly)?|unlimited|forever|permanent(ly)?|no limit|illimit[ée]e?s?|"
                      r"ind[ée]fini(ment)?|sans limite|unbegrenzt|unbefristet|dauerhaft)\b", re.IGNORECASE)


def retention_days(text: str) -> int | None:
    """The longest period a retention text names, in days (a year is 365, a month 30, a week 7): "10 years after
    the last visit" → 3650, "6 mois" → 180, "30 Tage" → 30, "indefinitely" → UNLIMITED; None when it names none
    (the audit then does not compare it)."""
    found = [round(float(n.replace(",", ".")) * _UNIT_DAYS[u.lower()])
             for n, u in _DURATION.findall(text or "") if u.lower() in _UNIT_DAYS]
    if _FOREVER.search(text or ""):
        found.append(UNLIMITED)
    return max(found) if found else None


#: Cloud regions by the country they are in (the providers' published locations): AWS, Azure, Google Cloud.
REGIONS: Mapping[str, str] = {
    "us-east-1": "US", "us-east-2": "US", "us-west-1": "US", "us-west-2": "US", "ca-central-1": "CA",
    "sa-east-1": "BR", "eu-west-1": "IE", "eu-west-2": "GB", "eu-west-3": "FR", "eu-central-1": "DE",
    "eu-central-2": "CH", "eu-north-1": "SE", "eu-south-1": "IT", "eu-south-2": "ES", "ap-northeast-1": "JP",
    "ap-northeast-2": "KR", "ap-southeast-1": "SG", "ap-southeast-2": "AU", "ap-south-1": "IN", "me-south-1": "BH",
    "af-south-1": "ZA", "westeurope": "NL", "northeurope": "IE", "francecentral": "FR", "francesouth": "FR",
    "germanywestcentral": "DE", "uksouth": "GB", "ukwest": "GB", "switzerlandnorth": "CH", "swedencentral": "SE",
    "eastus": "US", "eastus2": "US", "westus": "US", "westus2": "US", "centralus": "US", "canadacentral": "CA",
    "japaneast": "JP", "australiaeast": "AU", "europe-west1": "BE", "europe-west2": "GB", "europe-west3": "DE",
    "europe-west4": "NL", "europe-west6": "CH", "europe-west9": "FR", "europe-north1": "FI",
    "europe-southwest1": "ES", "us-central1": "US", "us-east1": "US", "us-west1": "US", "asia-northeast1": "JP",
}
_COUNTRY = re.compile(r"^[A-Za-z]{2}$")


def region_country(region: str) -> str:
    """The country (ISO 3166-1 alpha-2) a hosting region is in: a known cloud region, a two-letter code, or
    "EU" for a region the provider names only as in the Union (`eu`, `europe`); "" when it cannot say."""
    text = region.strip().lower()
    if not text:
        return ""
    if text in REGIONS:
        return REGIONS[text]
    if _COUNTRY.match(text):
        return text.upper()
    if text in {"eu", "europe", "eea", "eu-only"}:
        return "EU"
    return ""


@dataclass(frozen=True)
class DeclaredCategory:
    """A category of personal data an activity declares: its name in the record, the keys of the rule set it
    names (empty: not compared) and its retention in days (None: not stated, or not readable)."""

    name: str
    keys: frozenset[str]
    retention_days: int | None = None


@dataclass(frozen=True)
class Activity:
    """A processing activity as declared: its systems (references) and the countries it declares transfers to."""

    ref: str
    name: str
    categories: tuple[DeclaredCategory, ...] = ()
    retention_days: int | None = None
    systems: frozenset[str] = frozenset()
    transfer_countries: frozenset[str] = frozenset()
    in_scope: bool = True


@dataclass(frozen=True)
class System:
    """A system of the scope: its reference, name, where it runs (the inventory's country, "" unknown), whether
    any activity of the whole record names it, and whether the audit observed it."""

    ref: str
    name: str
    country: str = ""
    named: bool = False
    observed: bool = False
    stored_in: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Observation:
    """A category seen on a system: by the discovery (`fields` the field names, `rows` their rows) or the owner's
    questionnaire (with the retention applied, in days, if they said)."""

    system: str
    category: str
    source: str
    fields: tuple[str, ...] = ()
    rows: int = 0
    retention_days: int | None = None


@dataclass(frozen=True)
class Discrepancy:
    """One discrepancy: its kind and idempotency key, what it concerns, and the facts behind it."""

    kind: str
    key: str
    system: str = ""
    activity: str = ""
    category: str = ""
    country: str = ""
    facts: Mapping[str, object] = field(default_factory=dict)

    @property
    def special(self) -> bool:
        return bool(self.category in BY_KEY and BY_KEY[self.category].special)


def _declaring(activities: Iterable[Activity], system: str, key: str) -> list[tuple[Activity, DeclaredCategory]]:
    return [(a, c) for a in activities if system in a.systems for c in a.categories if key in c.keys]


def discrepancies(activities: Iterable[Activity], systems: Iterable[System], observations: Iterable[Observation],
                  is_eea: Callable[[str], bool]) -> list[Discrepancy]:
    """Every discrepancy of the audit, in a stable order (by kind, then key). `activities` are the scope's and
    every other activity naming a scope system (`in_scope=False`: their declarations count for the system, they
    are not judged themselves); `is_eea(country)` says whether a country is in the EEA."""
    activities = list(activities)
    systems = list(systems)
    seen: dict[str, dict[str, list[Observation]]] = {}
    for o in observations:
        seen.setdefault(o.system, {}).setdefault(o.category, []).append(o)
    found: list[Discrepancy] = []
    for s in systems:
        held = seen.get(s.ref, {})
        naming = [a for a in activities if s.ref in a.systems]
        if held and not s.named:
            found.append(Discrepancy(UNNAMED_SYSTEM, f"unnamed:{s.ref}", system=s.ref,
                                     facts={"categories": sorted(held)}))
        for key, obs in sorted(held.items()):
            declaring = _declaring(naming, s.ref, key)
            if s.named and not declaring:
                found.append(Discrepancy(UNDECLARED_CATEGORY, f"undeclared:{s.ref}:{key}", system=s.ref,
                                         category=key, facts=_observed(obs)))
                continue
            applied = [o.retention_days for o in obs if o.retention_days is not None]
            limits = [c.retention_days if c.retention_days is not None else a.retention_days for a, c in declaring]
            known = [d for d in limits if d is not None]
            if applied and known and max(applied) > max(known):
                found.append(Discrepancy(RETENTION_EXCEEDED, f"retention:{s.ref}:{key}", system=s.ref, category=key,
                                         facts={"applied_days": max(applied), "declared_days": max(known),
                                                "activities": sorted({a.ref for a, _c in declaring})}))
        holds = bool(held) or any(c.keys or c.name for a in naming for c in a.categories)
        countries = ({s.country} | set(s.stored_in)) - {"", "EU"}
        declared = set().union(*(a.transfer_countries for a in naming)) if naming else set()
        for country in sorted(countries):
            if holds and not is_eea(country) and country not in declared:
                found.append(Discrepancy(UNDECLARED_TRANSFER, f"transfer:{s.ref}:{country}", system=s.ref,
                                         country=country, facts={"activities": sorted(a.ref for a in naming)}))
    observed = {s.ref for s in systems if s.observed or s.ref in seen}
    for a in activities:
        if not a.in_scope:
            continue
        looked = sorted(a.systems & observed)
        if not looked:
            continue
        shown = set().union(*(seen.get(ref, {}).keys() for ref in looked))
        for c in a.categories:
            if c.keys and not c.keys & shown:
                found.append(Discrepancy(UNOBSERVED_CATEGORY, f"unobserved:{a.ref}:{c.name.strip().casefold()}",
                                         activity=a.ref, category=",".join(sorted(c.keys)),
                                         facts={"declared": c.name, "systems": looked}))
    order = {k: n for n, k in enumerate(KINDS)}
    return sorted(found, key=lambda d: (order[d.kind], d.key))


def _observed(obs: list[Observation]) -> dict[str, object]:
    fields = sorted({f for o in obs for f in o.fields})
    return {"sources": sorted({o.source for o in obs}), "fields": fields[:10], "field_count": len(fields),
            "rows": sum(o.rows for o in obs)}
