"""Data-subject requests through the API: the due date at month ends, on weekends and public holidays of the
organisation's country; the extension (once, with a reason, before the due date); the identity pauses; closing
(a refusal needs reasons and the right to complain); the overdue and due-soon filters; a viewer never sees the
requester; another organisation's requests are 404."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.test import Client

from accord.core import services as core_services
from accord.core.models import AuditEvent
from accord.privacy import services_requests
from tests.factories import make_member

D = dt.date


@pytest.fixture
def french(org_a):
    core_services.do_update_organization(None, org_a, country="FR", timezone="Europe/Paris")
    org_a.refresh_from_db()
    return org_a


@pytest.fixture
def today(monkeypatch):
    """Set the organisation's today (the services' and selectors' clock) to a date."""

    def set_today(day: dt.date) -> None:
        for module in ("accord.privacy.services_common", "accord.privacy.selectors_requests"):
            monkeypatch.setattr(f"{module}.org_today", lambda org: day)

    return set_today


def _url(org, tail=""):
    return f"/api/v1/orgs/{org.slug}/privacy/requests/{tail}"


def _post(persona, url, body):
    return Client().post(url, json.dumps(body), content_type="application/json", **persona.auth())


def _create(persona, **body):
    response = _post(persona, _url(persona.org), {"kind": "access", **body})
    assert response.status_code == 201, response.content
    return response.json()


@pytest.mark.parametrize(("received", "due"), [
    ("2026-01-31", "2026-03-02"),  # 28 February 2026 is a Saturday
    ("2024-01-31", "2024-02-29"),  # leap year
    ("2026-03-29", "2026-04-29"),
    ("2026-03-30", "2026-04-30"),
    ("2026-03-31", "2026-04-30"),
    ("2026-04-01", "2026-05-04"),  # Friday 1 May, Labour Day
    ("2026-06-14", "2026-07-15"),  # Tuesday 14 July
    ("2026-07-15", "2026-08-17"),  # Saturday 15 August
])
def test_a_request_answers_its_due_date_in_the_french_calendar(french, dpo, received, due):
    assert _create(dpo, received_on=received)["due_on"] == due


def test_a_bavarian_organisation_skips_corpus_christi(org_a, dpo):
    core_services.do_update_organization(None, org_a, country="DE", subdivision="BY")
    assert _create(dpo, received_on="2026-05-04")["due_on"] == "2026-06-05"


def test_a_request_needs_its_kind_and_its_receipt_date(org_a, dpo):
    response = _post(dpo, _url(org_a), {"received_on": "2026-01-05"})
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "kind"
    response = _post(dpo, _url(org_a), {"kind": "access", "received_on": "31/01/2026"})
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "received_on"


def test_any_receipt_date_is_counted_by_the_same_rule(org_a, dpo):
    assert _create(dpo, received_on="2028-01-31")["due_on"] == "2028-02-29"  # a leap year to come: Tuesday
    assert _create(dpo, received_on="2027-01-31")["due_on"] == "2027-03-01"  # Sunday 28 February 2027


def test_extending_moves_the_due_date_to_three_months_after_receipt(french, dpo, today):
    today(D(2026, 2, 10))
    made = _create(dpo, received_on="2026-01-31")
    response = _post(dpo, _url(french, f"{made['id']}/extend"), {"reason": "Many records across five hospitals"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["due_on"] == "2026-04-30" and body["extended"] and body["extended_on"] == "2026-02-10"
    assert body["extension_reason"] == "Many records across five hospitals"


def test_an_extension_is_refused_twice_or_without_a_reason_and_said_late_after_the_due_date(french, dpo, today):
    today(D(2026, 3, 2))  # the due date itself: still in time
    made = _create(dpo, received_on="2026-01-31")
    assert _post(dpo, _url(french, f"{made['id']}/extend"), {"reason": " "}).status_code == 422
    assert _post(dpo, _url(french, f"{made['id']}/extend"), {}).status_code == 422
    assert _post(dpo, _url(french, f"{made['id']}/extend"), {"reason": "Complex"}).status_code == 200
    again = _post(dpo, _url(french, f"{made['id']}/extend"), {"reason": "Again"})
    assert again.status_code == 409 and "already extended" in again.json()["errors"][0]["message"]
    late = _create(dpo, received_on="2026-01-30")  # due Monday 2 March... received 30 Jan: due 2 March too
    today(D(2026, 3, 3))
    recorded = _post(dpo, _url(french, f"{late['id']}/extend"), {"reason": "Too late"})
    assert recorded.status_code == 200 and recorded.json()["due_on"] == "2026-04-30"
    from accord.core.models import AuditEvent

    said = [e.changes for e in AuditEvent.objects.for_org(french).filter(action="update")
            if "extension_late" in e.changes]
    assert said == [{"extension_late": [None, "2026-03-02"]}]


def test_a_paused_clock_pushes_the_due_date_by_its_whole_days(french, dpo, today):
    today(D(2026, 3, 5))
    made = _create(dpo, received_on="2026-03-02")  # due Thursday 2 April
    assert made["due_on"] == "2026-04-02"
    paused = _post(dpo, _url(french, f"{made['id']}/pause"), {"reason": "Asked for a copy of an ID"})
    assert paused.status_code == 200 and paused.json()["clock_paused"] and paused.json()["status"] == "identity_pending"
    assert _post(dpo, _url(french, f"{made['id']}/pause"), {"reason": "Twice"}).status_code == 409
    today(D(2026, 3, 7))
    resumed = _post(dpo, _url(french, f"{made['id']}/resume"), {}).json()
    # 2 days paused: Saturday 4 April → Monday 6 April (Easter Monday) → Tuesday 7 April.
    assert resumed["due_on"] == "2026-04-07" and resumed["paused_days"] == 2 and resumed["status"] == "in_progress"
    assert resumed["pauses"] == [{"paused_on": "2026-03-05", "reason": "Asked for a copy of an ID",
                                  "resumed_on": "2026-03-07", "days": 2}]
    assert _post(dpo, _url(french, f"{made['id']}/resume"), {}).status_code == 409


def test_a_pause_cannot_start_before_receipt_or_in_the_future(org_a, dpo, today):
    today(D(2026, 3, 5))
    made = _create(dpo, received_on="2026-03-02")
    early = _post(dpo, _url(org_a, f"{made['id']}/pause"), {"reason": "ID", "paused_on": "2026-03-01"})
    assert early.status_code == 422 and early.json()["errors"][0]["field"] == "paused_on"
    future = _post(dpo, _url(org_a, f"{made['id']}/pause"), {"reason": "ID", "paused_on": "2026-03-06"})
    assert future.status_code == 422


def test_a_refusal_needs_its_reasons_and_the_right_to_complain(org_a, dpo, today):
    today(D(2026, 3, 5))
    made = _create(dpo, received_on="2026-03-02")
    response = _post(dpo, _url(org_a, f"{made['id']}/close"), {"outcome": "refused"})
    assert response.status_code == 422
    assert {e["field"] for e in response.json()["errors"]} == {"refusal_reasons", "complaint_right_given"}
    done = _post(dpo, _url(org_a, f"{made['id']}/close"), {
        "outcome": "refused", "refusal_reasons": "Manifestly excessive", "complaint_right_given": True})
    assert done.status_code == 200 and done.json()["status"] == "refused" and not done.json()["answered_late"]
    assert _post(dpo, _url(org_a, f"{made['id']}/close"), {"outcome": "answered"}).status_code == 409
    patched = Client().patch(_url(org_a, str(made["id"])), json.dumps({"channel": "letter"}),
                             content_type="application/json", **dpo.auth())
    assert patched.status_code == 409


def test_answered_after_the_due_date_is_answered_late(org_a, dpo, today):
    today(D(2026, 4, 10))
    made = _create(dpo, received_on="2026-03-02")
    body = _post(dpo, _url(org_a, f"{made['id']}/close"), {"outcome": "answered", "response": "Copy sent"}).json()
    assert body["answered_late"] and body["closed_on"] == "2026-04-10" and not body["overdue"]


def test_the_overdue_and_due_within_filters(org_a, dpo, today):
    today(D(2026, 3, 20))
    overdue = _create(dpo, received_on="2026-02-10")  # due Tuesday 10 March
    soon = _create(dpo, received_on="2026-02-24")  # due Tuesday 24 March
    later = _create(dpo, received_on="2026-03-19")  # due Monday 20 April
    paused = _create(dpo, received_on="2026-02-11")
    _post(dpo, _url(org_a, f"{paused['id']}/pause"), {"reason": "ID", "paused_on": "2026-03-01"})
    client = Client()

    def refs(query):
        response = client.get(_url(org_a) + query, **dpo.auth())
        assert response.status_code == 200, response.content
        return [item["ref"] for item in response.json()["items"]]

    assert refs("?overdue=true") == [overdue["ref"]]
    assert refs("?due_within=7") == [soon["ref"]]
    assert refs("?due_within=31") == [soon["ref"], later["ref"]]
    assert set(refs("")) == {overdue["ref"], soon["ref"], later["ref"], paused["ref"]}
    listed = client.get(_url(org_a) + "?overdue=true", **dpo.auth()).json()["items"][0]
    assert listed["overdue"] is True
    assert client.get(_url(org_a) + "?due_within=-1", **dpo.auth()).status_code == 422


def test_a_viewer_lists_requests_without_the_requester(org_a, dpo, viewer):
    made = _create(dpo, received_on="2026-01-05", subject_name="Jane Patient", subject_contact="jane@mail.test",
                   details="All my records")
    client = Client()
    listed = client.get(_url(org_a), **viewer.auth())
    assert listed.status_code == 200
    item = listed.json()["items"][0]
    assert item["personal_hidden"] is True
    assert item["subject_name"] is None and item["subject_contact"] is None and item["details"] is None
    one = client.get(_url(org_a, str(made["id"])), **viewer.auth())
    assert "Jane Patient" not in one.content.decode() and "jane@mail.test" not in one.content.decode()
    mine = client.get(_url(org_a, str(made["id"])), **dpo.auth()).json()
    assert mine["subject_name"] == "Jane Patient" and mine["personal_hidden"] is False
    assert _post(viewer, _url(org_a), {"kind": "access", "received_on": "2026-01-05"}).status_code == 403


def test_the_audit_trail_records_no_personal_details(org_a, dpo):
    made = _create(dpo, received_on="2026-01-05", subject_name="Jane Patient", details="All my records")
    Client().patch(_url(org_a, str(made["id"])), json.dumps({"subject_name": "Jane Doe"}),
                   content_type="application/json", **dpo.auth())
    events = AuditEvent.objects.for_org(org_a).filter(object_type="privacy.datasubjectrequest")
    text = json.dumps([e.changes for e in events])
    assert "Jane" not in text and "All my records" not in text
    assert events.order_by("seq").last().changes["subject_name"] == [services_requests.WITHHELD,
                                                                       services_requests.WITHHELD]


def test_another_organisation_s_request_is_404(org_a, org_b, dpo):
    other = make_member(org_b, "dpo")
    made = _create(other, received_on="2026-01-05")
    client = Client()
    assert client.get(_url(org_a, str(made["id"])), **dpo.auth()).status_code == 404
    assert _post(dpo, _url(org_a, f"{made['id']}/extend"), {"reason": "Mine"}).status_code == 404
    assert client.get(_url(org_b, str(made["id"])), **dpo.auth()).status_code == 404
