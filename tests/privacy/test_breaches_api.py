"""Personal-data breaches through the API: the 72-hour deadline across both daylight-saving changes of
Europe/Paris, answered in the organisation's zone; the notification in phases; the reasons a late first phase
needs; the documented decision not to notify; the Art. 34 decision and its exemptions; the Art. 33(3)
checklist; another organisation's breaches are 404."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.test import Client

from accord.core import services as core_services
from tests.factories import create_risk, make_member


@pytest.fixture
def paris(org_a):
    core_services.do_update_organization(None, org_a, country="FR", timezone="Europe/Paris")
    org_a.refresh_from_db()
    return org_a


def _url(org, tail=""):
    return f"/api/v1/orgs/{org.slug}/privacy/breaches/{tail}"


def _send(persona, method, url, body):
    return Client().generic(method, url, json.dumps(body), content_type="application/json", **persona.auth())


def _open(persona, **body):
    response = _send(persona, "POST", _url(persona.org), {"title": "Lost laptop", **body})
    assert response.status_code == 201, response.content
    return response.json()


@pytest.mark.parametrize(("aware", "deadline"), [
    ("2026-03-28T09:30:00+01:00", "2026-03-31T10:30:00+02:00"),  # clocks go forward on Sunday 29 March
    ("2026-10-24T09:30:00+02:00", "2026-10-27T08:30:00+01:00"),  # clocks go back on Sunday 25 October
    ("2026-03-28T08:30:00Z", "2026-03-31T10:30:00+02:00"),  # given in UTC, answered in Paris time
    ("2026-06-10T23:59:00+02:00", "2026-06-13T23:59:00+02:00"),  # no change, no roll past the weekend
])
def test_the_authority_deadline_is_72_elapsed_hours_in_the_organisation_s_zone(paris, dpo, aware, deadline):
    body = _open(dpo, became_aware_at=aware)
    assert body["notify_authority_by"] == deadline.replace("Z", "+00:00")
    assert dt.datetime.fromisoformat(body["notify_authority_by"]) - dt.datetime.fromisoformat(
        body["became_aware_at"]) == dt.timedelta(hours=72)


def test_an_instant_without_its_offset_is_read_in_the_organisation_s_zone(paris, dpo):
    body = _open(dpo, became_aware_at="2026-03-28T09:30:00")
    assert body["became_aware_at"] == "2026-03-28T09:30:00+01:00"
    assert body["notify_authority_by"] == "2026-03-31T10:30:00+02:00"
    assert (body["incident"], body["incident_ref"]) == (None, None)  # recorded on its own, not from an incident


def test_a_breach_needs_its_title_and_an_instant(paris, dpo):
    response = _send(dpo, "POST", _url(paris), {"title": "Later"})
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "became_aware_at"
    response = _send(dpo, "POST", _url(paris), {"title": "Later", "became_aware_at": "next Tuesday"})
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "became_aware_at"


def test_notifications_come_in_phases_and_a_late_first_one_needs_reasons(paris, dpo):
    made = _open(dpo, became_aware_at="2026-03-28T09:30:00+01:00")
    url = _url(paris, f"{made['id']}/notifications/")
    late = _send(dpo, "POST", url, {"sent_at": "2026-03-31T10:31:00+02:00", "content": "Initial notification"})
    assert late.status_code == 422 and late.json()["errors"][0]["field"] == "late_reasons"
    first = _send(dpo, "POST", url, {"sent_at": "2026-03-31T10:31:00+02:00", "content": "Initial notification",
                                     "late_reasons": "The processor told us on day 3"})
    assert first.status_code == 201, first.content
    second = _send(dpo, "POST", url, {"sent_at": "2026-04-03T15:00:00+02:00", "content": "Forensics report",
                                      "authority_reference": "CNIL-2026-042"})
    body = second.json()
    assert [(n["phase"], n["sent_at"]) for n in body["notifications"]] == [
        (1, "2026-03-31T10:31:00+02:00"), (2, "2026-04-03T15:00:00+02:00")]
    assert body["notified_late"] is True and body["notify_decision"] == "notify"
    assert body["late_reasons"] == "The processor told us on day 3"
    earlier = _send(dpo, "POST", url, {"sent_at": "2026-04-01T09:00:00+02:00", "content": "Out of order"})
    assert earlier.status_code == 422 and earlier.json()["errors"][0]["field"] == "sent_at"


def test_a_notification_on_time_needs_no_reasons(paris, dpo):
    made = _open(dpo, became_aware_at="2026-03-28T09:30:00+01:00")
    body = _send(dpo, "POST", _url(paris, f"{made['id']}/notifications/"), {
        "sent_at": "2026-03-31T10:30:00+02:00", "content": "Initial notification"}).json()
    assert body["notified_late"] is False and body["first_notified_at"] == "2026-03-31T10:30:00+02:00"


def test_not_notifying_is_documented_with_its_reason_and_then_refuses_a_notification(paris, dpo):
    made = _open(dpo, became_aware_at="2026-03-28T09:30:00+01:00")
    url = _url(paris, str(made["id"]))
    missing = _send(dpo, "PATCH", url, {"notify_decision": "not_required"})
    assert missing.status_code == 422 and missing.json()["errors"][0]["field"] == "not_notified_reason"
    done = _send(dpo, "PATCH", url, {"notify_decision": "not_required",
                                     "not_notified_reason": "Encrypted disk, key not lost"})
    assert done.status_code == 200 and done.json()["notify_decision"] == "not_required"
    refused = _send(dpo, "POST", _url(paris, f"{made['id']}/notifications/"), {
        "sent_at": "2026-03-29T10:00:00+02:00", "content": "Anyway"})
    assert refused.status_code == 409


def test_a_notified_breach_cannot_become_not_notified(paris, dpo):
    made = _open(dpo, became_aware_at="2026-03-28T09:30:00+01:00")
    _send(dpo, "POST", _url(paris, f"{made['id']}/notifications/"), {"sent_at": "2026-03-29T10:00:00+02:00",
                                                                    "content": "Initial"})
    response = _send(dpo, "PATCH", _url(paris, str(made["id"])), {"notify_decision": "not_required",
                                                                 "not_notified_reason": "Changed our mind"})
    assert response.status_code == 409


def test_not_informing_the_people_needs_its_reason_or_exemption(paris, dpo):
    made = _open(dpo, became_aware_at="2026-03-28T09:30:00+01:00")
    url = _url(paris, str(made["id"]))
    missing = _send(dpo, "PATCH", url, {"subjects_decision": "exempt_protected"})
    assert missing.status_code == 422 and missing.json()["errors"][0]["field"] == "subjects_decision_reason"
    body = _send(dpo, "PATCH", url, {"subjects_decision": "exempt_protected",
                                     "subjects_decision_reason": "AES-256 full-disk encryption"}).json()
    assert body["subjects_decision"] == "exempt_protected"
    early = _send(dpo, "PATCH", url, {"subjects_decision": "inform",
                                      "subjects_informed_at": "2026-03-28T09:00:00+01:00"})
    assert early.status_code == 422 and early.json()["errors"][0]["field"] == "subjects_informed_at"
    informed = _send(dpo, "PATCH", url, {"subjects_decision": "inform",
                                         "subjects_informed_at": "2026-03-30T12:00:00+02:00"}).json()
    assert informed["subjects_informed_at"] == "2026-03-30T12:00:00+02:00"


def test_the_content_checklist_names_what_is_missing(paris, dpo):
    made = _open(dpo, became_aware_at="2026-03-28T09:30:00+01:00", nature="Laptop stolen from a car")
    assert made["missing_content"] == ["subject_categories", "subjects_approx", "record_categories",
                                       "records_approx", "dpo_contact", "likely_consequences", "measures"]
    body = _send(dpo, "PATCH", _url(paris, str(made["id"])), {
        "subject_categories": "Patients", "subjects_approx": 1200, "record_categories": "Health records",
        "records_approx": 5400, "dpo_contact": "dpo@hospital.test", "likely_consequences": "Disclosure",
        "measures": "Remote wipe"}).json()
    assert body["missing_content"] == []


def test_a_breach_links_to_a_risk_of_its_organisation_only(paris, org_b, dpo, ciso):
    mine = create_risk(ciso.user, paris, {"title": "Device theft", "category": "cyber_security", "likelihood": 2,
                                          "impact": 3, "owner": ciso.user.email})
    b_ciso = make_member(org_b, "ciso")
    theirs = create_risk(b_ciso.user, org_b, {"title": "B", "category": "cyber_security", "likelihood": 2,
                                              "impact": 3, "owner": b_ciso.user.email})
    made = _open(dpo, became_aware_at="2026-03-28T09:30:00+01:00", risk=mine.pk)
    assert made["risk"] == mine.pk
    refused = _send(dpo, "PATCH", _url(paris, str(made["id"])), {"risk": theirs.pk})
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "risk"


def test_the_ciso_records_breaches_and_a_viewer_reads_them(paris, ciso, viewer):
    made = _open(ciso, became_aware_at="2026-03-28T09:30:00+01:00")
    assert Client().get(_url(paris, str(made["id"])), **viewer.auth()).status_code == 200
    assert _send(viewer, "PATCH", _url(paris, str(made["id"])), {"title": "Mine"}).status_code == 403


def test_another_organisation_s_breach_is_404(paris, org_b, dpo):
    other = make_member(org_b, "dpo")
    made = _open(other, became_aware_at="2026-03-28T09:30:00+01:00")
    assert Client().get(_url(paris, str(made["id"])), **dpo.auth()).status_code == 404
    assert _send(dpo, "POST", _url(paris, f"{made['id']}/notifications/"), {
        "sent_at": "2026-03-29T10:00:00+02:00", "content": "Mine"}).status_code == 404
