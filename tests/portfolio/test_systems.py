"""The systems inventory: systems through the API (checks, filters, what breaks), the security input into TIME
and the CIO's audited decision, risks' affected assets becoming links, the handover of owners."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from accord.core import services as core_services
from accord.core.clock import org_today
from accord.core.models import AuditEvent
from accord.core.workdays import months_later
from accord.portfolio import rules, selectors_systems, services_systems
from accord.portfolio.models_systems import RiskSystem, System
from accord.risks import services as risk_services
from tests.factories import make_member

pytestmark = pytest.mark.django_db


def api(org):
    return f"/api/v1/orgs/{org.slug}"


def post(client, url, persona, body=None):
    return client.post(url, body or {}, content_type="application/json", **persona.auth())


def patch(client, url, persona, body):
    return client.patch(url, body, content_type="application/json", **persona.auth())


def add(actor, org, name, **data):
    return services_systems.do_create_system(actor.user, org, {"name": name, **data})


def in_force_appetite(org, cio, ciso, level="medium"):
    draft = risk_services.do_draft_appetite(ciso.user, org, statement="Moderate cyber risk only.",
                                            category_levels={"cyber_security": level})
    risk_services.do_sign_appetite(cio.user, org, version=draft.version)
    risk_services.do_sign_appetite(ciso.user, org, version=draft.version)


def high_risk(org, ciso, title="Ransomware on the ERP", **extra):
    return risk_services.do_create_risk(ciso.user, org, {"title": title, "category": "cyber_security",
                                                         "likelihood": 5, "impact": 5, **extra})


# --- the API ----------------------------------------------------------------------------------------

def test_a_system_is_created_read_and_changed_through_the_api_with_every_field(client, org_a, cio):
    body = {"name": "Core ERP", "kind": "application", "business_owner": cio.user.email, "it_owner": cio.user.email,
            "criticality": "critical", "rto_hours": 4, "rpo_hours": 1, "data_classification": "confidential",
            "personal_data": True, "personal_data_categories": ["employees", "customers"], "hosting": "cloud",
            "cloud_provider": "Example Cloud", "cloud_region": "eu-west", "introduced_on": "2015-03-01",
            "end_of_support_on": "2031-12-31", "licence_cost": 12_000_000, "hosting_cost": 3_000_000,
            "people_cost": 9_000_000}
    created = post(client, f"{api(org_a)}/systems/", cio, body)
    assert created.status_code == 201, created.json()
    system = created.json()
    assert system["ref"] == "S-001" and system["yearly_cost"] == 24_000_000
    assert system["personal_data_categories"] == ["employees", "customers"]
    assert system["time_class"] is None or system["time_class"] == ""
    changed = patch(client, f"{api(org_a)}/systems/{system['id']}/", cio, {"criticality": "high", "rto_hours": 8})
    assert changed.status_code == 200, changed.json()
    assert changed.json()["criticality"] == "high" and changed.json()["rto_hours"] == 8
    event = AuditEvent.objects.for_org(org_a).filter(object_type="portfolio.system").order_by("-seq").first()
    assert event.changes == {"criticality": ["critical", "high"], "rto_hours": [4, 8]}


def test_every_bad_field_is_named_at_once(client, org_a, cio):
    add(cio, org_a, "Mail")
    refused = post(client, f"{api(org_a)}/systems/", cio, {
        "name": "MAIL", "hosting": "saas", "cloud_provider": "Somewhere", "personal_data": False,
        "personal_data_categories": ["customers"], "introduced_on": "2020-01-01", "end_of_support_on": "2019-01-01",
        "business_owner": "nobody@example.test", "dependencies": ["Nothing such"]})
    assert refused.status_code == 422
    fields = {e["field"]: e["message"] for e in refused.json()["errors"]}
    assert "S-001 is already named 'Mail'" in fields["name"]
    assert "Only for Cloud hosting" in fields["cloud_provider"]
    assert "Required for SaaS hosting" in fields["saas_vendor"]
    assert "personal_data is no" in fields["personal_data_categories"]
    assert "before the introduction" in fields["end_of_support_on"]
    assert "not the e-mail address of a member" in fields["business_owner"]
    assert System.objects.for_org(org_a).count() == 1


def test_a_name_with_a_semicolon_is_refused(org_a, cio):
    with pytest.raises(ValidationError, match="semicolon"):
        add(cio, org_a, "A; B")


def test_the_list_filters_and_flags_systems_near_end_of_support(client, org_a, cio):
    today = org_today(org_a)
    add(cio, org_a, "Old CRM", end_of_support_on=(today - dt.timedelta(days=10)).isoformat(), kind="saas",
        hosting="saas", saas_vendor="CRM Vendor")
    add(cio, org_a, "Payroll", end_of_support_on=(today + dt.timedelta(days=200)).isoformat())
    add(cio, org_a, "Network core", kind="network", end_of_support_on=(today + dt.timedelta(days=800)).isoformat())
    names = lambda query: [s["name"] for s in client.get(f"{api(org_a)}/systems/?{query}", **cio.auth()).json()["items"]]  # noqa: E731, E501
    assert names("support=ended") == ["Old CRM"]
    assert names("support=ending") == ["Old CRM", "Payroll"]
    assert names("flagged=true") == ["Old CRM", "Payroll"]
    assert names("kind=network") == ["Network core"]
    assert names("q=crm vendor") == ["Old CRM"]
    assert names("time=undecided") == ["Old CRM", "Payroll", "Network core"]
    bad = client.get(f"{api(org_a)}/systems/?kind=mainframe", **cio.auth())
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "kind"


def test_what_breaks_follows_dependencies_through_other_systems_nearest_first(client, org_a, cio):
    database = add(cio, org_a, "Database")
    add(cio, org_a, "ERP", dependencies=["database"])
    add(cio, org_a, "Portal", dependencies=["ERP"])
    add(cio, org_a, "Reporting", dependencies=["Database", "Portal"])
    add(cio, org_a, "Unrelated")
    answer = client.get(f"{api(org_a)}/systems/{database.pk}/", **cio.auth()).json()
    assert [(b["name"], b["distance"]) for b in answer["breaks"]] == [("ERP", 1), ("Reporting", 1), ("Portal", 2)]
    assert answer["dependents_count"] == 2


def test_a_dependency_cycle_ends_the_walk(org_a, cio):
    a = add(cio, org_a, "A")
    b = add(cio, org_a, "B", dependencies=["A"])
    services_systems.do_update_system(cio.user, org_a, a, {"dependencies": ["B"]})
    assert [(x.system.name, x.distance) for x in selectors_systems.what_breaks(org_a, a)] == [("B", 1)]
    assert [(x.system.name, x.distance) for x in selectors_systems.what_breaks(org_a, b)] == [("A", 1)]


def test_a_system_cannot_depend_on_itself(org_a, cio):
    a = add(cio, org_a, "A")
    with pytest.raises(ValidationError, match="cannot depend on itself"):
        services_systems.do_update_system(cio.user, org_a, a, {"dependencies": ["a"]})


def test_another_organisations_systems_are_404(client, org_a, org_b, cio, outsider):
    system = add(cio, org_a, "Secret ERP")
    assert client.get(f"{api(org_b)}/systems/{system.pk}/", **outsider.auth()).status_code == 404
    assert client.get(f"{api(org_a)}/systems/{system.pk}/", **outsider.auth()).status_code in (403, 404)


# --- TIME ------------------------------------------------------------------------------------------

def test_a_system_past_end_of_support_with_a_risk_above_tolerance_gets_migrate_or_eliminate_with_both_reasons(
        client, org_a, cio, ciso):
    in_force_appetite(org_a, cio, ciso)
    risk = high_risk(org_a, ciso)
    system = add(cio, org_a, "Legacy ERP", end_of_support_on=(org_today(org_a) - dt.timedelta(days=1)).isoformat())
    linked = post(client, f"{api(org_a)}/systems/{system.pk}/risks/", cio, {"risk": risk.ref})
    assert linked.status_code == 200, linked.json()
    time_input = linked.json()["time_input"]
    assert time_input["suggested"] == ["migrate", "eliminate"]
    codes = [r["code"] for r in time_input["reasons"]]
    assert codes == ["end_of_support_passed", "risk_above_tolerance"]
    assert time_input["reasons"][1]["ref"] == risk.ref
    assert linked.json()["flagged"] is True


def test_a_risk_within_tolerance_or_closed_is_no_reason(org_a, cio, ciso):
    in_force_appetite(org_a, cio, ciso, level="critical")
    system = add(cio, org_a, "ERP")
    services_systems.do_link_risk(cio.user, org_a, system, high_risk(org_a, ciso))
    assert selectors_systems.time_input(org_a, system).suggested == ()


def test_the_cio_decides_time_and_the_decision_is_audited_with_the_suggestion(client, org_a, cio, ciso):
    system = add(cio, org_a, "Old CRM", end_of_support_on=(org_today(org_a) + dt.timedelta(days=30)).isoformat())
    url = f"{api(org_a)}/systems/{system.pk}/time"
    refused = post(client, url, cio, {"time_class": "tolerate"})
    assert refused.status_code == 422
    assert "say why you decide otherwise" in refused.json()["errors"][0]["message"]
    assert post(client, url, ciso, {"time_class": "migrate"}).status_code == 403
    decided = post(client, url, cio, {"time_class": "tolerate", "reason": "Replaced next quarter"})
    assert decided.status_code == 200, decided.json()
    assert decided.json()["time_class"] == "tolerate" and decided.json()["time_input"]["disagrees"] is True
    event = AuditEvent.objects.for_org(org_a).filter(object_type="portfolio.system").order_by("-seq").first()
    assert event.actor_id == cio.user.pk
    assert event.changes["time_class"] == ["", "tolerate"]
    assert event.changes["suggested"] == [None, ["migrate", "eliminate"]]
    assert "within 12 months" in event.changes["reasons"][1][0]


def test_the_time_rule_reads_the_twelve_months_to_the_day():
    today = dt.date(2026, 2, 28)
    assert rules.time_suggestion(today=today, end_of_support=dt.date(2027, 2, 28)).suggested == ("migrate", "eliminate")
    assert rules.time_suggestion(today=today, end_of_support=dt.date(2027, 3, 1)).suggested == ()
    failing = rules.time_suggestion(today=today, end_of_support=None, failing_controls=[("C-001", "Backups")])
    assert [r.code for r in failing.reasons] == ["failing_control"]
    assert months_later(dt.date(2024, 1, 31), 1) == dt.date(2024, 2, 29)


# --- risks' affected assets ------------------------------------------------------------------------

def test_an_affected_asset_naming_a_new_system_becomes_a_link_and_leaves_the_text(org_a, cio, ciso):
    risk = high_risk(org_a, ciso, affected_assets=["core  erp", "Customer data"])
    system = add(cio, org_a, "Core ERP")
    risk.refresh_from_db()
    assert risk.affected_assets == ["Customer data"]
    assert RiskSystem.objects.for_org(org_a).filter(risk=risk, system=system).exists()
    assert [(a.risk.pk, a.text, a.matches) for a in selectors_systems.unmatched_assets(org_a)] == [
        (risk.pk, "Customer data", None)]
    update = (AuditEvent.objects.for_org(org_a).filter(object_type="risks.risk", object_id=str(risk.pk))
              .order_by("seq").last())
    assert update.changes == {"affected_assets": [["core  erp", "Customer data"], ["Customer data"]]}


def test_an_asset_typed_after_its_system_exists_is_listed_and_linked_on_request(client, org_a, cio, ciso):
    system = add(cio, org_a, "Mail")
    risk = high_risk(org_a, ciso)
    risk_services.do_update_risk(ciso.user, org_a, risk, {"affected_assets": ["MAIL"]})
    listed = client.get(f"{api(org_a)}/systems/unmatched-assets", **cio.auth()).json()
    assert listed == [{"risk_id": risk.pk, "risk_ref": risk.ref, "text": "MAIL", "matches": system.ref}]
    assert post(client, f"{api(org_a)}/systems/unmatched-assets/link", cio).json() == {"risks": 1}
    assert client.get(f"{api(org_a)}/systems/unmatched-assets", **cio.auth()).json() == []


def test_removing_a_system_gives_its_risks_its_name_back_as_text(client, org_a, cio, ciso):
    system = add(cio, org_a, "Intranet")
    risk = high_risk(org_a, ciso)
    services_systems.do_link_risk(cio.user, org_a, system, risk)
    other = add(cio, org_a, "Wiki", dependencies=["Intranet"])
    assert client.delete(f"{api(org_a)}/systems/{system.pk}/", **cio.auth()).status_code == 204
    risk.refresh_from_db()
    assert risk.affected_assets == ["Intranet"]
    assert list(selectors_systems.dependencies_of(org_a, other)) == []


def test_the_migration_links_matching_assets_and_keeps_the_rest(org_a, cio, ciso):
    from importlib import import_module

    from django.apps import apps

    system = add(cio, org_a, "Billing")
    risk = high_risk(org_a, ciso)
    risk_services.do_update_risk(ciso.user, org_a, risk, {"affected_assets": ["billing", "Paper archive"]})
    import_module("accord.portfolio.migrations.0005_risk_assets_to_systems").assets_to_links(apps, None)
    risk.refresh_from_db()
    assert risk.affected_assets == ["Paper archive"]
    assert RiskSystem.objects.for_org(org_a).filter(risk=risk, system=system).exists()


# --- handover --------------------------------------------------------------------------------------

def test_a_leaving_members_systems_are_handed_over_with_an_audit_event_each(org_a, cio):
    leaving = make_member(org_a, "contributor")
    system = add(cio, org_a, "Laptops", kind="endpoint_group", it_owner=leaving.user.email,
                 business_owner=leaving.user.email)
    assert selectors_systems.systems_held_by(org_a, leaving.membership) == [
        "S-001 Laptops: business owner", "S-001 Laptops: IT owner"]
    assert services_systems.do_hand_over_member_systems(None, org_a, leaving.membership, cio.membership) == 1
    system.refresh_from_db()
    assert system.it_owner_id == system.business_owner_id == cio.membership.pk
    core_services.do_remove_member(None, org_a, leaving.membership)
