"""Incidents through the API: a personal-data incident opens a linked breach whose deadline is 72 elapsed hours
after awareness (across a daylight-saving change too), and later when personal data becomes "yes"; the DPO's own
awareness instant moves it; the NIS2 24 h / 72 h / one-month clocks of an essential entity; the timeline is
append-only; the playbook's tasks and the recovery tasks with their RTO countdown; the phases; isolation and the
viewer's refusal."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from accord.core import services as core_services
from accord.incidents import services
from accord.incidents.forms import TaskForm
from accord.incidents.models import TimelineEntry
from accord.incidents.playbooks import SHIPPED
from accord.portfolio import services_systems as portfolio_services
from accord.privacy.models_breaches import Breach


def _url(org, tail=""):
    return f"/api/v1/orgs/{org.slug}/incidents/{tail}"


def _send(persona, method, url, body=None):
    return Client().generic(method, url, json.dumps(body) if body is not None else "",
                            content_type="application/json", **persona.auth())


def _open(persona, **body):
    response = _send(persona, "POST", _url(persona.org), {"title": "Stolen laptop", "kind": "lost_device",
                                                          "became_aware_at": "2026-05-04T10:00:00+00:00", **body})
    assert response.status_code == 201, response.content
    return response.json()


@pytest.fixture
def paris(org_a):
    core_services.do_update_organization(None, org_a, timezone="Europe/Paris")
    org_a.refresh_from_db()
    return org_a


@pytest.mark.parametrize(("aware", "deadline"), [
    ("2026-03-28T09:30:00+01:00", "2026-03-31T10:30:00+02:00"),  # clocks go forward on Sunday 29 March
    ("2026-10-24T09:30:00+02:00", "2026-10-27T08:30:00+01:00"),  # and back on Sunday 25 October
    ("2026-06-10T09:30:00+02:00", "2026-06-13T09:30:00+02:00"),
])
def test_personal_data_opens_a_linked_breach_due_72_elapsed_hours_after_awareness(paris, ciso, aware, deadline):
    made = _open(ciso, title="Customer file e-mailed out", kind="data_leak", personal_data="yes",
                 became_aware_at=aware)
    assert made["breach_id"] is not None
    assert made["notify_authority_by"] == deadline
    breach = Breach.objects.for_org(paris).get(pk=made["breach_id"])
    assert breach.incident.pk == made["id"]
    body = _send(ciso, "GET", f"/api/v1/orgs/{paris.slug}/privacy/breaches/{made['breach_id']}").json()
    assert (body["incident"], body["incident_ref"]) == (made["id"], made["ref"])  # linked both ways
    assert body["notify_authority_by"] == deadline
    assert body["became_aware_at"] == aware


def test_a_local_time_the_clocks_skip_is_refused_and_a_timeline_entry_cannot_be_in_the_future(paris, ciso):
    """02:30 on 29 March 2026 never happened in Paris (the clocks went from 02:00 to 03:00): refused, naming the
    field, rather than moved an hour; a timeline entry records what has happened, so not after now."""
    skipped = _send(ciso, "POST", _url(paris), {"title": "Night outage", "kind": "outage",
                                                "became_aware_at": "2026-03-29T02:30:00"})
    assert skipped.status_code == 422
    assert [(e["field"], "does not exist in Europe/Paris" in e["message"]) for e in skipped.json()["errors"]] == [
        ("became_aware_at", True)]
    made = _open(ciso, became_aware_at="2026-03-29T03:30:00")
    assert made["became_aware_at"] in ("2026-03-29T01:30:00Z", "2026-03-29T03:30:00+02:00")
    ahead = _send(ciso, "POST", _url(paris, f"{made['id']}/timeline/"),
                  {"text": "Will have happened", "happened_at": "2099-01-01T00:00:00+00:00"})
    assert ahead.status_code == 422 and "in the future" in ahead.json()["errors"][0]["message"]


def test_correcting_the_incident_instants_corrects_the_breach_with_them(paris, ciso):
    """A mistyped awareness instant is corrected through the incident, its occurrence first or both at once:
    the breach follows, and its 72-hour deadline with it."""
    made = _open(ciso, title="Customer file e-mailed out", kind="data_leak", personal_data="yes",
                 became_aware_at="2026-11-27T09:45:00+01:00", occurred_at="2026-11-26T18:00:00+01:00")
    url, breach = _url(paris, f"{made['id']}/"), f"/api/v1/orgs/{paris.slug}/privacy/breaches/{made['breach_id']}"
    assert _send(ciso, "PATCH", url, {"occurred_at": "2026-11-01T23:00:00+01:00"}).status_code == 200
    assert _send(ciso, "GET", breach).json()["occurred_at"] == "2026-11-01T23:00:00+01:00"
    fixed = _send(ciso, "PATCH", url, {"became_aware_at": "2026-11-02T09:45:00+01:00"})
    assert fixed.status_code == 200, fixed.content
    both = _send(ciso, "PATCH", url, {"occurred_at": "2026-10-30T08:00:00+01:00",
                                      "became_aware_at": "2026-10-31T09:00:00+01:00"})
    assert both.status_code == 200, both.content
    after = _send(ciso, "GET", breach).json()
    assert (after["occurred_at"], after["became_aware_at"], after["notify_authority_by"]) == (
        "2026-10-30T08:00:00+01:00", "2026-10-31T09:00:00+01:00", "2026-11-03T09:00:00+01:00")


def test_no_breach_without_personal_data_and_one_when_it_becomes_yes(org_a, ciso):
    made = _open(ciso, personal_data="unknown")
    assert made["breach_id"] is None and made["notify_authority_by"] is None
    assert Breach.objects.for_org(org_a).count() == 0
    changed = _send(ciso, "PATCH", _url(org_a, f"{made['id']}/"), {"personal_data": "yes"}).json()
    assert changed["breach_id"] is not None
    assert changed["notify_authority_by"] == "2026-05-07T10:00:00Z"
    again = _send(ciso, "PATCH", _url(org_a, f"{made['id']}/"), {"title": "Stolen laptop, encrypted?"}).json()
    assert again["breach_id"] == changed["breach_id"]
    assert Breach.objects.for_org(org_a).count() == 1


def test_the_dpo_records_the_breach_own_awareness_with_a_reason(org_a, ciso, dpo):
    made = _open(ciso, personal_data="yes")
    url = _url(org_a, f"{made['id']}/breach-awareness")
    assert _send(ciso, "POST", url, {"became_aware_at": "2026-05-05T08:00:00+00:00", "reason": "x"}).status_code \
        == 403
    answer = _send(dpo, "POST", url, {"became_aware_at": "2026-05-05T08:00:00+00:00",
                                      "reason": "The laptop held personal data: known the next morning"})
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert body["breach_became_aware_at"] == "2026-05-05T08:00:00Z"
    assert body["notify_authority_by"] == "2026-05-08T08:00:00Z"
    assert body["became_aware_at"] == "2026-05-04T10:00:00Z"
    assert body["breach_awareness_reason"].startswith("The laptop")


def test_an_essential_entity_shows_the_nis2_24h_72h_and_one_month_clocks(org_a, ciso):
    core_services.do_update_organization(None, org_a, nis2="essential")
    made = _open(ciso, became_aware_at="2026-01-28T22:15:00+00:00")
    clocks = {c["report"]: c for c in made["clocks"]}
    assert clocks["early_warning"]["due_at"] == "2026-01-29T22:15:00Z"
    assert clocks["notification"]["due_at"] == "2026-01-31T22:15:00Z"
    assert clocks["final_report"]["due_at"] == "2026-02-28T22:15:00Z"  # one month after 31 January: 28 February
    early = _url(org_a, f"{made['id']}/nis2/early_warning")
    first = _send(ciso, "POST", _url(org_a, f"{made['id']}/nis2/notification"), {"at": "2026-01-30T09:00:00+00:00"})
    assert first.status_code == 409 and "early warning first" in first.json()["errors"][0]["message"]
    assert _send(ciso, "POST", early, {"at": "2026-01-29T08:00:00+00:00"}).status_code == 200
    before = _send(ciso, "POST", _url(org_a, f"{made['id']}/nis2/notification"), {"at": "2026-01-29T07:00:00+00:00"})
    assert before.status_code == 409  # not before the early warning
    sent = _send(ciso, "POST", _url(org_a, f"{made['id']}/nis2/notification"),
                 {"at": "2026-01-30T09:00:00+00:00"}).json()
    assert _send(ciso, "POST", early, {"at": "2026-01-30T10:00:00+00:00"}).status_code == 409  # not after it
    clocks = {c["report"]: c for c in sent["clocks"]}
    assert clocks["notification"]["done_at"] == "2026-01-30T09:00:00Z"
    assert clocks["notification"]["late"] is False
    assert clocks["final_report"]["due_at"] == "2026-02-28T09:00:00Z"  # one month after it was sent


def test_an_entity_outside_nis2_has_no_clocks_and_cannot_record_a_report(org_a, ciso):
    made = _open(ciso)
    assert made["clocks"] == []
    assert _send(ciso, "POST", _url(org_a, f"{made['id']}/nis2/early_warning")).status_code == 409


def test_the_timeline_is_append_only_and_keeps_both_times(org_a, ciso):
    made = _open(ciso)
    url = _url(org_a, f"{made['id']}/timeline/")
    added = _send(ciso, "POST", url, {"text": "Laptop reported stolen at the station", "kind": "observation",
                                      "happened_at": "2026-05-04T09:40:00+00:00"})
    assert added.status_code == 201, added.content
    entry = added.json()
    assert entry["happened_at"] == "2026-05-04T09:40:00Z"
    assert entry["written_at"] != entry["happened_at"]
    assert entry["author"] == ciso.user.email
    for method in ("PUT", "PATCH", "DELETE"):
        assert _send(ciso, method, url, {"text": "rewritten"}).status_code == 405
        assert _send(ciso, method, f"{url}{entry['id']}/", {"text": "rewritten"}).status_code == 404
    assert list(TimelineEntry.objects.for_org(org_a).values_list("text", flat=True)) == [
        "Laptop reported stolen at the station"]
    assert not [name for name in dir(services) if "timeline" in name and not name.startswith("do_add")]


def test_a_viewer_reads_but_cannot_add_to_the_timeline(org_a, ciso, viewer):
    made = _open(ciso)
    url = _url(org_a, f"{made['id']}/timeline/")
    assert _send(viewer, "GET", url).status_code == 200
    assert _send(viewer, "POST", url, {"text": "Seen"}).status_code == 403
    assert TimelineEntry.objects.for_org(org_a).count() == 0


def test_another_organisation_incidents_are_404(org_a, ciso, outsider):
    made = _open(ciso)
    for tail in (f"{made['id']}/", f"{made['id']}/timeline/", f"{made['id']}/tasks/"):
        assert _send(outsider, "GET", f"/api/v1/orgs/{outsider.org.slug}/incidents/{tail}").status_code == 404
    assert _send(outsider, "POST", f"/api/v1/orgs/{outsider.org.slug}/incidents/{made['id']}/timeline/",
                 {"text": "x"}).status_code == 404
    assert _send(outsider, "GET", _url(org_a)).status_code in (403, 404)


def test_opening_instantiates_the_kind_playbook_and_a_recovery_task_per_system(org_a, ciso, cio):
    system = portfolio_services.do_create_system(cio.user, org_a, {"name": "Payroll", "rto_hours": 8,
                                                                   "criticality": "high"})
    made = _open(ciso, kind="ransomware", systems=[system.pk], recovery_lead=cio.user.email,
                 response_lead=ciso.user.email)
    assert made["systems"][0]["rto_hours"] == 8
    assert made["systems"][0]["recovery_due"] == "2026-05-04T18:00:00Z"
    tasks = _send(ciso, "GET", _url(org_a, f"{made['id']}/tasks/")).json()["items"]
    titles = [t["title"] for t in tasks]
    assert titles[:len(SHIPPED["ransomware"])] == [str(step.title) for step in SHIPPED["ransomware"]]
    isolate = tasks[1]
    assert isolate["owner"] == ciso.user.email and isolate["due_at"] == "2026-05-04T11:00:00Z"
    assert isolate["checklist"][0]["text"] == "Network ports or VLANs cut"
    recovery = tasks[-1]
    assert recovery["kind"] == "recovery" and recovery["system"] == system.pk
    assert recovery["owner"] == cio.user.email and recovery["due_at"] == "2026-05-04T18:00:00Z"


def test_an_edited_playbook_seeds_the_next_incident(org_a, ciso, admin):
    url = f"/api/v1/orgs/{org_a.slug}/playbooks/outage/"
    body = {"tasks": [{"title": "Call the hosting partner", "role": "recovery_lead", "due_hours": 1,
                       "checklist": ["Ticket number noted"]}]}
    assert _send(ciso, "PUT", url, body).status_code == 200
    listed = {p["kind"]: p for p in _send(ciso, "GET", f"/api/v1/orgs/{org_a.slug}/playbooks/").json()}
    assert listed["outage"]["customised"] is True and listed["ransomware"]["customised"] is False
    made = _open(ciso, kind="outage")
    tasks = _send(ciso, "GET", _url(org_a, f"{made['id']}/tasks/")).json()["items"]
    assert [t["title"] for t in tasks] == ["Call the hosting partner"]


def test_advance_walks_the_phases_stamping_each_and_stops_when_closed(org_a, ciso):
    made = _open(ciso)
    url = _url(org_a, f"{made['id']}/advance")
    seen = []
    for k in range(5):
        body = _send(ciso, "POST", url, {"at": f"2026-05-0{5 + k}T10:00:00+00:00"}).json()
        seen.append(body["status"])
    assert seen == ["analysed", "contained", "eradicated", "recovered", "closed"]
    assert body["contained_at"] == "2026-05-06T10:00:00Z" and body["closed_at"] == "2026-05-09T10:00:00Z"
    assert body["next_status"] is None
    assert _send(ciso, "POST", url).status_code == 409


def test_the_severity_comes_from_the_editable_matrix(org_a, ciso):
    made = _open(ciso, impact=4, urgency=4)
    assert made["severity"] == "critical"
    matrix = {"impacts": ["Small", "Large"], "urgencies": ["Later", "Now"],
              "levels": [["low", "medium"], ["medium", "high"]]}
    assert _send(ciso, "PUT", f"/api/v1/orgs/{org_a.slug}/incident-matrix/", matrix).status_code == 200
    again = _send(ciso, "GET", _url(org_a, f"{made['id']}/")).json()
    assert (again["impact"], again["urgency"], again["severity"]) == (2, 2, "high")


def test_the_nis2_designation_is_read_and_set_through_the_api_and_the_settings_page(org_a, admin, ciso):
    url = f"/api/v1/orgs/{org_a.slug}/"
    assert _send(admin, "GET", url).json()["nis2"] == "none"
    assert _send(admin, "PATCH", url, {"nis2": "essential"}).json()["nis2"] == "essential"
    assert _send(admin, "PATCH", url, {"nis2": "vital"}).status_code == 422
    client = Client()
    client.force_login(admin.user)
    page = client.post(f"/o/{org_a.slug}/governance/calendar/", {"country": "", "subdivision": "",
                                                                  "nis2": "important"})
    assert page.status_code == 302
    org_a.refresh_from_db()
    assert org_a.nis2 == "important"
    assert _open(ciso)["clocks"] != []


def test_a_task_goes_to_a_member_who_can_update_it(org_a, ciso, cio, viewer):
    """A viewer cannot update a task, so a task cannot be theirs (through the API, and the web form does not
    offer them); the CIO's recovery side can."""
    made = _open(ciso)
    url = _url(org_a, f"{made['id']}/tasks/")
    refused = _send(ciso, "POST", url, {"title": "Wipe the laptop remotely", "owner": viewer.user.email})
    assert refused.status_code == 422
    assert [e["field"] for e in refused.json()["errors"]] == ["owner"]
    given = _send(ciso, "POST", url, {"title": "Wipe the laptop remotely", "owner": cio.user.email})
    assert given.status_code == 201, given.content
    offered = [value for value, _label in TaskForm(org_a).fields["owner"].choices]
    assert cio.user.email in offered and viewer.user.email not in offered


def test_every_instant_of_an_incident_is_answered_in_the_organisations_zone(paris, ciso):
    made = _open(ciso, became_aware_at="2026-05-04T10:00:00+02:00", occurred_at="2026-05-04T07:00:00+00:00")
    advanced = _send(ciso, "POST", _url(paris, f"{made['id']}/advance"), {"at": "2026-05-04T12:00:00+02:00"}).json()
    for name in ("became_aware_at", "occurred_at", "analysed_at"):
        assert advanced[name].endswith("+02:00"), (name, advanced[name])  # summer in Paris
    for name in ("created_at", "updated_at"):
        assert advanced[name][-6:] in ("+01:00", "+02:00"), (name, advanced[name])
    assert (advanced["became_aware_at"], advanced["occurred_at"]) == ("2026-05-04T10:00:00+02:00",
                                                                       "2026-05-04T09:00:00+02:00")
