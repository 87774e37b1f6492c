"""The systems an initiative affects: set through the API and the form, answered in its output, shown on the
initiative's page and on the system's, only of the initiative's organisation, audited, let go when a system is
removed."""

from __future__ import annotations

import pytest

from accord.core.models import AuditEvent
from accord.portfolio import services, services_systems
from accord.portfolio.models import Initiative, InitiativeSystem
from tests.conftest import signed_in

pytestmark = pytest.mark.django_db


def api(org):
    return f"/api/v1/orgs/{org.slug}"


def system(actor, org, name):
    return services_systems.do_create_system(actor.user, org, {"name": name})


def test_an_initiative_is_created_and_changed_with_the_systems_it_affects(client, org_a, cio):
    erp, crm = system(cio, org_a, "Core ERP"), system(cio, org_a, "CRM")
    created = client.post(f"{api(org_a)}/initiatives/", {"title": "ERP upgrade", "kind": "modernisation",
                                                         "systems": [erp.pk]},
                          content_type="application/json", **cio.auth())
    assert created.status_code == 201, created.json()
    assert created.json()["systems"] == [erp.pk]
    initiative_id = created.json()["id"]
    changed = client.patch(f"{api(org_a)}/initiatives/{initiative_id}/", {"systems": [crm.pk, erp.pk]},
                           content_type="application/json", **cio.auth())
    assert changed.status_code == 200, changed.json()
    assert sorted(changed.json()["systems"]) == sorted([erp.pk, crm.pk])
    listed = client.get(f"{api(org_a)}/initiatives/", **cio.auth()).json()
    assert [sorted(i["systems"]) for i in listed["items"]] == [sorted([erp.pk, crm.pk])]
    event = AuditEvent.objects.for_org(org_a).filter(object_type="portfolio.initiative").order_by("-pk").first()
    assert event.changes["systems"] == [[erp.pk], sorted([erp.pk, crm.pk])]
    cleared = client.patch(f"{api(org_a)}/initiatives/{initiative_id}/", {"systems": []},
                           content_type="application/json", **cio.auth())
    assert cleared.json()["systems"] == []


def test_a_system_of_another_organisation_is_refused_and_never_linked(client, org_a, org_b, cio, outsider):
    theirs = system(outsider, org_b, "CANARYB mainframe")
    refused = client.post(f"{api(org_a)}/initiatives/", {"title": "Take over", "kind": "other",
                                                         "systems": [theirs.pk]},
                          content_type="application/json", **cio.auth())
    assert refused.status_code == 422
    assert refused.json()["errors"] == [{"field": "systems",
                                         "message": f"No system of {org_a.name} has the id {theirs.pk}."}]
    assert not Initiative.objects.for_org(org_a).exists()
    mine = services.do_create_initiative(cio.user, org_a, {"title": "Mine", "kind": "other"})
    patched = client.patch(f"{api(org_a)}/initiatives/{mine.pk}/", {"systems": [theirs.pk]},
                           content_type="application/json", **cio.auth())
    assert patched.status_code == 422
    assert not InitiativeSystem.objects.for_org(org_a).exists()
    assert not InitiativeSystem.objects.for_org(org_b).exists()


def test_the_form_sets_the_systems_and_both_pages_link_to_each_other(org_a, cio):
    erp = system(cio, org_a, "Core ERP")
    browser = signed_in(cio)
    posted = browser.post(f"/o/{org_a.slug}/initiatives/new/", {
        "title": "ERP upgrade", "kind": "modernisation", "phase": "idea", "health": "on_track", "horizon_years": 5,
        "systems": [str(erp.pk)]})
    assert posted.status_code == 302, posted.content.decode()[:2000]
    initiative = Initiative.objects.for_org(org_a).get()
    assert list(initiative.systems.all()) == [erp]
    page = browser.get(f"/o/{org_a.slug}/initiatives/{initiative.pk}/").content.decode()
    assert f'href="/o/{org_a.slug}/systems/{erp.pk}/"' in page
    system_page = browser.get(f"/o/{org_a.slug}/systems/{erp.pk}/").content.decode()
    assert "Initiatives affecting this system" in system_page
    assert f'href="/o/{org_a.slug}/initiatives/{initiative.pk}/">{initiative.ref} ERP upgrade</a>' in system_page


def test_the_system_api_names_the_initiatives_affecting_it(client, org_a, cio):
    erp = system(cio, org_a, "Core ERP")
    initiative = services.do_create_initiative(cio.user, org_a, {"title": "ERP upgrade", "kind": "modernisation",
                                                                 "systems": [erp.pk]})
    body = client.get(f"{api(org_a)}/systems/{erp.pk}/", **cio.auth()).json()
    assert body["initiatives"] == [{"id": initiative.pk, "ref": initiative.ref, "title": "ERP upgrade",
                                    "phase": "idea"}]


def test_removing_a_system_lets_its_initiatives_go_with_an_audit_event(org_a, cio):
    erp, crm = system(cio, org_a, "Core ERP"), system(cio, org_a, "CRM")
    initiative = services.do_create_initiative(cio.user, org_a, {"title": "ERP upgrade", "kind": "modernisation",
                                                                 "systems": [erp.pk, crm.pk]})
    services_systems.do_delete_system(cio.user, org_a, erp)
    assert list(initiative.systems.all()) == [crm]
    event = AuditEvent.objects.for_org(org_a).filter(object_type="portfolio.initiative").order_by("-pk").first()
    assert event.changes == {"systems": [sorted([erp.pk, crm.pk]), [crm.pk]]}


def test_the_cli_shows_the_systems_an_initiative_affects(org_a, cio, capsys):
    from accord.cli import main

    erp = system(cio, org_a, "Core ERP")
    initiative = services.do_create_initiative(cio.user, org_a, {"title": "ERP upgrade", "kind": "modernisation",
                                                                 "systems": [erp.pk]})
    assert main(["initiative", "show", org_a.slug, str(initiative.pk)]) == 0
    assert f"systems: {erp.ref} Core ERP" in capsys.readouterr().out.splitlines()


def test_past_the_list_limit_the_form_takes_system_references(org_a, cio, monkeypatch):
    from accord.core import choosers

    monkeypatch.setattr(choosers, "MANY", 2)
    erp, crm, _mail = system(cio, org_a, "Core ERP"), system(cio, org_a, "CRM"), system(cio, org_a, "Mail")
    browser = signed_in(cio)
    page = browser.get(f"/o/{org_a.slug}/initiatives/new/").content.decode()
    assert "too many to list" in page and "Core ERP" not in page  # no list of every system
    posted = browser.post(f"/o/{org_a.slug}/initiatives/new/", {
        "title": "ERP upgrade", "kind": "modernisation", "phase": "idea", "health": "on_track", "horizon_years": 5,
        "systems": f"{crm.ref}, {erp.ref}"})
    assert posted.status_code == 302, posted.content.decode()[:2000]
    initiative = Initiative.objects.for_org(org_a).get()
    assert set(initiative.systems.all()) == {erp, crm}
    edit = browser.get(f"/o/{org_a.slug}/initiatives/{initiative.pk}/edit/").content.decode()
    assert f'value="{erp.ref}, {crm.ref}"' in edit
