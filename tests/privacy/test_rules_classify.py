"""The data-privacy audit's classifier on a table of field names in English, French and German habits (snake_case,
camelCase, compounds, accents, plurals), the names that describe data without holding it, a discovery tool's own
classification, and the declared categories of the record it reads as groups."""

from __future__ import annotations

import pytest

from accord.privacy.rules_classify import BY_KEY, CATEGORIES, RULES, classify, declared_keys, tokens

FIELDS = [
    # e-mail
    ("email", "email"), ("customerEmail", "email"), ("E_Mail", "email"), ("courriel", "email"),
    ("adresse_mail", "email"), ("EmailAdresse", "email"), ("contact.emails", "email"),
    # telephone
    ("phone", "phone"), ("mobile_phone", "phone"), ("telephone_portable", "phone"), ("tel_fixe", "phone"),
    ("Telefonnummer", "phone"), ("Handynummer", "phone"),
    # postal address
    ("address", "postal_address"), ("billing_address", "postal_address"), ("zip_code", "postal_address"),
    ("code_postal", "postal_address"), ("rue", "postal_address"), ("Straße", "postal_address"),
    ("PLZ", "postal_address"), ("Wohnort", "postal_address"),
    # date of birth
    ("dob", "birth_date"), ("dateOfBirth", "birth_date"), ("birth_date", "birth_date"),
    ("date_naissance", "birth_date"), ("Geburtsdatum", "birth_date"), ("kunden_geburtsdatum", "birth_date"),
    # national identifiers
    ("ssn", "national_id"), ("nir", "national_id"), ("numero_securite_sociale", "national_id"),
    ("passport_number", "national_id"), ("Sozialversicherungsnummer", "national_id"), ("steuer_id", "national_id"),
    # bank and cards
    ("iban", "bank_account"), ("IBAN_Nummer", "bank_account"), ("bic", "bank_account"),
    ("Kontonummer", "bank_account"), ("card_number", "payment_card"), ("numero_carte", "payment_card"),
    # health
    ("diagnosis", "health"), ("diagnoses", "health"), ("code_diagnostic", "health"), ("ICD10_code", "health"),
    ("code_cim10", "health"), ("Diagnose", "health"), ("Befund", "health"), ("allergies", "health"),
    # online identifiers and location
    ("ip", "online_id"), ("ip_address", "online_id"), ("last_login_ip", "online_id"), ("adresse_ip", "online_id"),
    ("ipv4", "online_id"), ("user_agent", "online_id"), ("latitude", "location"), ("Standort", "location"),
    # names and others
    ("name", "name"), ("first_name", "name"), ("lastName", "name"), ("prenom", "name"), ("prénom", "name"),
    ("Vorname", "name"), ("Nachname", "name"), ("patient_name", "name"), ("sexe", "gender"),
    ("Geschlecht", "gender"), ("salaire", "financial"), ("religion", "beliefs"), ("fingerprint", "biometric"),
    # not personal data, or describing it without holding it
    ("product_name", ""), ("created_at", ""), ("id", ""), ("user_id", ""), ("order_total", ""), ("status", ""),
    ("email_verified", ""), ("phone_count", ""), ("address_type", ""), ("ship_date", ""), ("", ""),
]


@pytest.mark.parametrize(("field", "category"), FIELDS)
def test_a_field_name_is_classified_into_its_category(field, category):
    assert classify(field) == category


def test_the_tools_own_classification_wins_over_the_name_when_it_names_a_category():
    assert classify("col_7", "EMAIL_ADDRESS") == "email"
    assert classify("notes", "health") == "health"
    assert classify("email", "UNKNOWN_TYPE") == "email"


def test_a_name_is_read_without_accents_case_or_camel_humps():
    assert tokens("DateDeNaissance2") == ("date", "de", "naissance")
    assert tokens("Straße_Nr") == ("strasse", "nr")
    assert tokens("customerIBAN") == ("customer", "iban")


@pytest.mark.parametrize(("declared", "keys"), [
    ("Contact details", {"email", "phone", "postal_address"}), ("Coordonnées", {"email", "phone", "postal_address"}),
    ("Identity", {"name", "birth_date", "gender"}), ("Bank details", {"bank_account", "payment_card"}),
    ("Diagnoses", {"health"}), ("Health data", {"health"}), ("Données de santé", {"health"}),
    ("Email addresses", {"email"}), ("IP addresses", {"online_id"}), ("Care pathways", set()),
])
def test_a_declared_category_names_its_keys(declared, keys):
    assert declared_keys(declared) == keys


def test_every_rule_names_a_known_category_and_the_special_ones_are_flagged():
    assert {key for key, _phrases, _stems in RULES} == set(BY_KEY)
    assert {c.key for c in CATEGORIES if c.special} == {"national_id", "health", "biometric", "beliefs",
                                                         "ethnic_origin"}
