"""Results offered through mapping sets: a result recorded in one audit offers, by the one rule, a result on
the requirements mapped to it in another audit still to assess them; nothing changes until someone who may
record accepts one, which records it through the audits' own service with its audit event."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from accord.compliance import selectors_assessments as audits
from accord.compliance import selectors_offers, services, services_mappings, services_offers
from accord.compliance import services_assessments as svc
from accord.core.audit import verify_chain
from accord.core.conflict import Conflict
from accord.core.models import AuditEvent
from tests.compliance.routes import framework_document

API = "/api/v1/orgs/org-a"
PAIRS = [("G1.2", "G2.2", "equivalent", 1), ("G1.3", "G2.2", "subset", 0.5), ("G1.3", "G2.3", "intersects", 0.25),
         ("G2.2", "G1.3", "superset", 0.9)]


@pytest.fixture
def world(org_a, ciso, auditor):
    services.do_import_framework(None, org_a, framework_document("left", "Left"))
    services.do_import_framework(None, org_a, framework_document("right", "Right"))
    services_mappings.do_import_mapping_set(None, org_a, {
        "accord_mapping": 1, "key": "left--right", "name": "Left to right", "source_framework": "left",
        "target_framework": "right",
        "mappings": [{"source": s, "target": t, "relationship": r, "strength": w} for s, t, r, w in PAIRS]})
    left = svc.do_create_assessment(ciso.user, org_a, {"title": "Left audit", "framework": "left",
                                                      "status": "in_progress"})
    right = svc.do_create_assessment(ciso.user, org_a, {"title": "Right audit", "framework": "right",
                                                       "status": "in_progress", "auditors": [auditor.user.email]})
    return left, right


def _result(org, audit, ref):
    return next(r for r in audits.results(org, audit) if r.requirement.ref == ref)


def _record(org, actor, audit, ref, value, **extra):
    return svc.do_record_result(actor, org, _result(org, audit, ref), {"result": value, **extra})


def _offered(org, audit):
    return {item.target.requirement.ref: [(o.source.requirement.ref, o.result, o.relationship)
                                          for o in item.offers]
            for item in selectors_offers.assessment_offers(org, audit)}


def test_a_recorded_result_offers_on_the_mapped_requirements_of_another_audit_by_the_rule(org_a, ciso, world):
    left, right = world
    assert _offered(org_a, right) == {}
    _record(org_a, ciso.user, left, "G1.2", "compliant")
    _record(org_a, ciso.user, left, "G1.3", "compliant")
    assert _offered(org_a, right) == {
        # Left's G1.2 is equivalent to right's G2.2: compliant; left's G1.3 is a subset of it: at most partial.
        "G2.2": [("G1.2", "compliant", "equivalent"), ("G1.3", "partial", "subset")],
        "G2.3": [("G1.3", "partial", "intersects")]}
    # The other way round, the pair read from its target: left's G2.2 is a superset of right's G1.3, so a
    # compliant G1.3 (a part of G2.2) offers at most partial on it; a failing G2.3 says nothing of G1.3.
    _record(org_a, ciso.user, right, "G1.3", "compliant")
    _record(org_a, ciso.user, right, "G2.3", "non_compliant")
    assert _offered(org_a, left) == {"G2.2": [("G1.3", "partial", "subset")]}


def test_nothing_is_applied_until_an_offer_is_accepted_through_the_audits_service(org_a, ciso, auditor, world):
    left, right = world
    source = _record(org_a, ciso.user, left, "G1.2", "compliant")
    target = _result(org_a, right, "G2.2")
    assert target.result == "not_assessed"
    before = AuditEvent.objects.for_org(org_a).count()
    recorded = services_offers.do_accept_offer(auditor.user, org_a, right, target.pk, source.pk)
    assert recorded.result == "compliant" and recorded.assessed_by == auditor.user
    assert "Accepted from G1.2 AUD-001 (Compliant, left@1), mapped by Left to right as equivalent" in recorded.notes
    (event,) = AuditEvent.objects.for_org(org_a).filter(seq__gt=before)
    assert (event.object_type, event.action, event.changes["result"]) == (
        "compliance.assessmentresult", "update", ["not_assessed", "compliant"])
    assert verify_chain(org_a).ok
    assert "G2.2" not in _offered(org_a, right)  # assessed now: no more offers on it
    with pytest.raises(Http404, match="No such offer"):
        services_offers.do_accept_offer(auditor.user, org_a, right, target.pk, source.pk)


def test_an_offer_is_accepted_only_where_its_acceptor_may_record(org_a, ciso, auditor, world):
    left, right = world
    source = _record(org_a, ciso.user, left, "G1.2", "compliant")
    other = _record(org_a, ciso.user, right, "G2.3", "compliant")
    # The auditor is not named in the left audit: the offer G2.3 makes on its G1.3 is not theirs to accept.
    with pytest.raises(PermissionDenied, match="does not name you"):
        services_offers.do_accept_offer(auditor.user, org_a, left, _result(org_a, left, "G1.3").pk, other.pk)
    svc.do_update_assessment(ciso.user, org_a, right, {"status": "closed"})  # a closed audit takes no results
    with pytest.raises(Conflict, match="in progress"):
        services_offers.do_accept_offer(ciso.user, org_a, right, _result(org_a, right, "G2.2").pk, source.pk)


def test_the_api_lists_offers_and_accepts_one(client, org_a, ciso, auditor, viewer, world):
    left, right = world
    source = _record(org_a, ciso.user, left, "G1.2", "not_applicable", justification="No such systems")
    listed = client.get(f"{API}/assessments/{right.ref}/offers/", **viewer.auth())
    assert listed.status_code == 200
    (item,) = listed.json()
    assert (item["requirement"], item["offers"][0]["result"], item["offers"][0]["source_assessment"]) == (
        "G2.2", "not_applicable", "AUD-001")
    body = json.dumps({"result": item["result"], "source": source.pk})
    assert client.post(f"{API}/assessments/{right.ref}/offers/accept", body, content_type="application/json",
                       **viewer.auth()).status_code == 403
    accepted = client.post(f"{API}/assessments/{right.ref}/offers/accept", body, content_type="application/json",
                           **auditor.auth())
    assert accepted.status_code == 200, accepted.content
    assert (accepted.json()["result"], accepted.json()["justification"]) == ("not_applicable", "No such systems")
    again = client.post(f"{API}/assessments/{right.ref}/offers/accept", body, content_type="application/json",
                        **auditor.auth())
    assert again.status_code == 404


def test_the_audit_page_loads_its_offers_and_a_button_accepts_one(client, org_a, ciso, auditor, world):
    left, right = world
    source = _record(org_a, ciso.user, left, "G1.2", "compliant")
    client.force_login(auditor.user)
    page = client.get(f"/o/org-a/audits/{right.pk}/").content.decode()
    assert f'hx-get="/o/org-a/audits/{right.pk}/offers/"' in page
    offers = client.get(f"/o/org-a/audits/{right.pk}/offers/", HTTP_HX_REQUEST="true").content.decode()
    assert "G1.2" in offers and "Accept" in offers
    target = _result(org_a, right, "G2.2")
    response = client.post(f"/o/org-a/audits/{right.pk}/offers/accept/", {"result": target.pk, "source": source.pk})
    assert response.status_code == 302
    assert _result(org_a, right, "G2.2").result == "compliant"
