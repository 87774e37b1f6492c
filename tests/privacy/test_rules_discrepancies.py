"""The data-privacy audit's rule on plain data: each kind of discrepancy alone, what is not one (a declared group
observed through one member, a system in the EEA, a category not compared), and the retention periods it reads."""

from __future__ import annotations

import pytest

from accord.privacy import rules_discrepancies as r


def eea(code):
    return code in {"FR", "DE", "IE", "NL"}


CONTACT = r.DeclaredCategory("Contact details", frozenset({"email", "phone", "postal_address"}), 365)
HEALTH = r.DeclaredCategory("Diagnoses", frozenset({"health"}))
CARE = r.DeclaredCategory("Care pathways", frozenset())


def keys(activities, systems, observations):
    return [d.key for d in r.discrepancies(activities, systems, observations, eea)]


def test_a_declared_group_seen_through_one_member_is_no_discrepancy():
    a = r.Activity("PA-001", "Care", (CONTACT,), systems=frozenset({"S-001"}))
    s = r.System("S-001", "EPR", "FR", named=True, observed=True)
    assert keys([a], [s], [r.Observation("S-001", "email", "discovery")]) == []


def test_each_kind_alone():
    a = r.Activity("PA-001", "Care", (CONTACT, HEALTH, CARE), retention_days=7300,
                   systems=frozenset({"S-001", "S-002"}))
    systems = [r.System("S-001", "EPR", "FR", named=True, observed=True),
               r.System("S-002", "Lab", "US", named=True), r.System("S-003", "Leads")]
    seen = [r.Observation("S-001", "email", "questionnaire", retention_days=400),
            r.Observation("S-001", "birth_date", "discovery"), r.Observation("S-002", "health", "discovery"),
            r.Observation("S-003", "email", "discovery")]
    found = r.discrepancies([a], systems, seen, eea)
    assert [(d.kind, d.key) for d in found] == [
        ("undeclared_category", "undeclared:S-001:birth_date"), ("unnamed_system", "unnamed:S-003"),
        ("retention_exceeded", "retention:S-001:email"), ("undeclared_transfer", "transfer:S-002:US")]
    # Health is observed on S-002 and contact details on S-001: no unobserved category, and "Care pathways" is not
    # compared.


def test_a_declared_category_never_observed_needs_an_observed_system():
    a = r.Activity("PA-001", "Care", (HEALTH,), systems=frozenset({"S-001"}))
    unseen = r.System("S-001", "EPR", named=True)
    assert keys([a], [unseen], []) == []
    looked = r.System("S-001", "EPR", named=True, observed=True)
    assert keys([a], [looked], []) == ["unobserved:PA-001:diagnoses"]
    outside = r.Activity("PA-002", "Other", (HEALTH,), systems=frozenset({"S-001"}), in_scope=False)
    assert keys([outside], [looked], []) == []


def test_a_declared_transfer_or_a_country_in_the_eea_is_no_discrepancy():
    a = r.Activity("PA-001", "Care", (HEALTH,), systems=frozenset({"S-002"}), transfer_countries=frozenset({"US"}))
    assert keys([a], [r.System("S-002", "Lab", "US", named=True, observed=True)],
                [r.Observation("S-002", "health", "discovery")]) == []
    b = r.Activity("PA-001", "Care", (HEALTH,), systems=frozenset({"S-002"}))
    assert keys([b], [r.System("S-002", "Lab", "DE", named=True, stored_in=frozenset({"CH"}))],
                [r.Observation("S-002", "health", "discovery")]) == ["transfer:S-002:CH"]


@pytest.mark.parametrize(("text", "days"), [
    ("10 years after the last visit", 3650), ("6 mois", 180), ("30 Tage", 30), ("2 Jahre", 730),
    ("3 ans puis archivage 10 ans", 3650), ("90 days", 90), ("1.5 years", 548), ("indefinitely", r.UNLIMITED),
    ("illimitée", r.UNLIMITED), ("as long as needed", None), ("", None),
])
def test_a_retention_text_reads_as_its_longest_period_in_days(text, days):
    assert r.retention_days(text) == days


@pytest.mark.parametrize(("region", "country"), [
    ("eu-west-3", "FR"), ("us-east-1", "US"), ("eu-west-2", "GB"), ("westeurope", "NL"), ("europe-west9", "FR"),
    ("FR", "FR"), ("eu", "EU"), ("on the moon", ""), ("", ""),
])
def test_a_hosting_region_reads_as_its_country(region, country):
    assert r.region_country(region) == country
