"""Audits (assessments in the API): planning one makes a result per assessable requirement; results, findings
and remediation actions are recorded through the services and the API with their audit events; a finding
raises a risk in one step, linked both ways; overdue is one rule."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accord.compliance import rules, services
from accord.compliance import selectors_assessments as selectors
from accord.compliance import services_assessments as svc
from accord.compliance.choices import RemediationStatus
from accord.compliance.models import Requirement
from accord.compliance.models_assessments import AssessmentResult
from accord.core.clock import org_today
from accord.core.conflict import Conflict
from accord.core.models import AuditEvent
from accord.risks import selectors as risk_selectors
from tests.compliance.routes import framework_document

API = "/api/v1/orgs/org-a"


@pytest.fixture
def framework(org_a):
    return services.do_import_framework(None, org_a, framework_document("probe", "Probe"))


@pytest.fixture
def audit(org_a, ciso, auditor, framework):
    return svc.do_create_assessment(ciso.user, org_a, {
        "title": "ISO audit", "framework": "probe", "status": "in_progress", "auditors": [auditor.user.email],
        "starts_on": "2026-11-01", "ends_on": "2026-12-15"})


def _results(org, audit):
    return list(selectors.results(org, audit))


def test_planning_an_audit_makes_one_result_per_assessable_requirement_in_the_framework_order(org_a, audit, framework):
    assessable = list(Requirement.objects.for_org(org_a).filter(framework=framework, assessable=True)
                      .order_by("position").values_list("ref", flat=True))
    results = _results(org_a, audit)
    assert [r.requirement.ref for r in results] == assessable
    assert {r.result for r in results} == {"not_assessed"}
    assert audit.ref == "AUD-001"
    event = AuditEvent.objects.for_org(org_a).filter(object_type="compliance.assessment").get()
    assert event.changes["auditors"] == [None, ["auditor@a.test"]]
    assert event.changes["requirements"] == [None, len(assessable)]


def test_an_audit_ending_before_it_starts_is_refused_on_ends_on(org_a, ciso, framework):
    with pytest.raises(ValidationError, match="before it starts") as caught:
        svc.do_create_assessment(ciso.user, org_a, {"title": "Bad", "framework": "probe",
                                                    "starts_on": "2026-05-02", "ends_on": "2026-05-01"})
    assert "ends_on" in caught.value.message_dict


def test_an_unknown_framework_and_an_unknown_auditor_are_named(org_a, ciso, framework):
    with pytest.raises(ValidationError, match="not a framework") as caught:
        svc.do_create_assessment(ciso.user, org_a, {"title": "X", "framework": "nope", "auditors": ["x@y.test"]})
    assert set(caught.value.message_dict) == {"framework", "auditors"}


def test_a_named_auditor_records_a_result_with_its_controls_and_one_audit_event(org_a, audit, auditor):
    from accord.compliance import services_controls

    control = services_controls.do_create_control(None, org_a, {"name": "Backups"})
    result = _results(org_a, audit)[0]
    svc.do_record_result(auditor.user, org_a, result, {"result": "partial", "notes": "Half done",
                                                       "controls": [control.ref]})
    again = selectors.access_result(org_a, audit, result.pk)
    assert (again.result, again.notes, again.assessed_by) == ("partial", "Half done", auditor.user)
    assert [link.control.ref for link in again.control_links.all()] == ["C-001"]
    event = AuditEvent.objects.for_org(org_a).filter(object_type="compliance.assessmentresult").get()
    assert event.changes["result"] == ["not_assessed", "partial"]
    assert event.changes["controls"] == [[], ["C-001"]]


def test_not_applicable_needs_a_justification(org_a, audit, ciso):
    result = _results(org_a, audit)[0]
    with pytest.raises(ValidationError, match="justification") as caught:
        svc.do_record_result(ciso.user, org_a, result, {"result": "not_applicable"})
    assert "justification" in caught.value.message_dict
    svc.do_record_result(ciso.user, org_a, result, {"result": "not_applicable", "justification": "No such site"})
    assert AssessmentResult.objects.for_org(org_a).get(pk=result.pk).result == "not_applicable"


def test_an_auditor_the_audit_does_not_name_may_not_record_in_it(org_a, audit):
    from tests.factories import make_member

    other = make_member(org_a, "auditor", email="other-auditor@a.test")
    with pytest.raises(PermissionDenied, match="does not name you"):
        svc.do_record_result(other.user, org_a, _results(org_a, audit)[0], {"result": "compliant"})
    with pytest.raises(PermissionDenied, match="does not name you"):
        svc.do_create_finding(other.user, org_a, audit, {"title": "Nope"})


def test_results_are_recorded_only_while_the_audit_is_in_progress(org_a, audit, ciso, auditor):
    svc.do_update_assessment(ciso.user, org_a, audit, {"status": "closed"})
    assert audit.closed_at is not None
    with pytest.raises(Conflict, match="in progress"):
        svc.do_record_result(auditor.user, org_a, _results(org_a, audit)[0], {"result": "compliant"})
    svc.do_update_assessment(ciso.user, org_a, audit, {"status": "in_progress"})
    assert audit.closed_at is None
    svc.do_record_result(auditor.user, org_a, _results(org_a, audit)[0], {"result": "compliant"})


def test_a_finding_names_a_requirement_of_the_audits_framework_only(org_a, audit, auditor):
    with pytest.raises(ValidationError, match=r"has no requirement 'Z\.9'"):
        svc.do_create_finding(auditor.user, org_a, audit, {"title": "Gap", "requirement": "Z.9"})
    finding = svc.do_create_finding(auditor.user, org_a, audit, {"title": "Gap", "requirement": "G1.2",
                                                                 "severity": "critical"})
    assert (finding.ref, finding.requirement.ref, finding.severity) == ("F-001", "G1.2", "critical")


def test_a_finding_raises_a_risk_in_one_step_linked_both_ways_and_only_once(org_a, audit, auditor, ciso):
    finding = svc.do_create_finding(auditor.user, org_a, audit, {"title": "No backup test", "requirement": "G1.2",
                                                                 "severity": "high", "description": "Never tested"})
    risk = svc.do_raise_finding_risk(ciso.user, org_a, finding)
    finding.refresh_from_db()
    assert finding.risk == risk
    assert selectors.findings_of_risk(org_a, risk) == [finding]
    stored = risk_selectors.access_risk(org_a, risk.pk)
    assert (stored.title, stored.category.key) == ("No backup test", "compliance")
    assert (stored.inherent_likelihood, stored.inherent_impact) == rules.SEVERITY_LEVELS["high"]
    assert "F-001" in stored.description and "G1.2" in stored.description
    with pytest.raises(Conflict, match="already raised"):
        svc.do_raise_finding_risk(ciso.user, org_a, finding)


def test_an_observation_needs_no_remediation(org_a, audit, auditor, ciso):
    observation = svc.do_create_finding(auditor.user, org_a, audit, {"title": "Noted", "kind": "observation"})
    with pytest.raises(ValidationError, match="observation"):
        svc.do_create_remediation(ciso.user, org_a, observation, {"title": "Nothing"})


@pytest.mark.parametrize(("status", "days", "overdue"), [
    *((s, d, d < 0 and s not in rules.REMEDIATION_ENDED)
      for s, d in itertools.product(RemediationStatus.values, (-5, -1, 0, 3))),
])
def test_overdue_is_one_rule_in_sql_and_in_python(org_a, audit, auditor, ciso, status, days, overdue):
    finding = svc.do_create_finding(auditor.user, org_a, audit, {"title": "Gap"})
    today = org_today(org_a)
    remediation = svc.do_create_remediation(ciso.user, org_a, finding, {
        "title": "Fix", "status": status, "due_on": today + dt.timedelta(days=days), "owner": ciso.user.email})
    assert rules.remediation_overdue(status, remediation.due_on, today) is overdue
    assert selectors.access_remediation(org_a, remediation.pk).overdue is overdue
    assert selectors.access_finding(org_a, finding.pk).overdue_count == int(overdue)


def test_a_leaving_member_hands_over_remediations_and_their_place_among_auditors(org_a, audit, auditor, ciso):
    from accord.core import handover

    finding = svc.do_create_finding(auditor.user, org_a, audit, {"title": "Gap"})
    svc.do_create_remediation(ciso.user, org_a, finding, {"title": "Fix", "owner": auditor.user.email})
    held = {h.noun: h.items for h in handover.holdings(org_a, auditor.membership)}
    assert held["audit task"] == ["F-001 Fix: owner", "AUD-001 ISO audit: auditor"]
    assert handover.hand_over(ciso.user, org_a, auditor.membership, ciso.membership) >= 2
    assert [m.user.email for m in selectors.auditors(selectors.access_assessment(org_a, audit.pk))] == ["ciso@a.test"]
    assert selectors.remediations(org_a).get().owner == ciso.membership


# --- the API ---------------------------------------------------------------------------------------------------

def test_the_api_plans_an_audit_records_results_and_lists_them_with_counts(client, org_a, ciso, auditor, framework):
    made = client.post(f"{API}/assessments/", {"title": "API audit", "framework": "probe", "status": "in_progress",
                                              "auditors": ["auditor@a.test"]}, content_type="application/json",
                       **ciso.auth())
    assert made.status_code == 201, made.content
    body = made.json()
    assert (body["ref"], body["framework"], body["auditors"]) == ("AUD-001", "probe@1", ["auditor@a.test"])
    results = client.get(f"{API}/assessments/AUD-001/results/?limit=1000", **auditor.auth()).json()
    first = results["items"][0]
    recorded = client.patch(f"{API}/assessments/AUD-001/results/{first['id']}/",
                            {"result": "non_compliant", "notes": "Missing"}, content_type="application/json",
                            **auditor.auth())
    assert recorded.status_code == 200, recorded.content
    assert recorded.json()["result"] == "non_compliant"
    listed = client.get(f"{API}/assessments/?status=in_progress", **auditor.auth()).json()["items"][0]
    assert listed["results"]["non_compliant"] == 1
    assert listed["result_count"] == results["count"]
    refused = client.patch(f"{API}/assessments/AUD-001/results/{first['id']}/", {"result": "not_applicable"},
                           content_type="application/json", **auditor.auth())
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "justification"


def test_the_api_records_a_finding_its_remediation_and_raises_its_risk(client, org_a, audit, ciso, auditor):
    made = client.post(f"{API}/findings/", {"assessment": "AUD-001", "title": "No MFA", "requirement": "G1.2",
                                           "severity": "high"}, content_type="application/json", **auditor.auth())
    assert made.status_code == 201, made.content
    remediation = client.post(f"{API}/findings/F-001/remediations/", {
        "title": "Turn MFA on", "owner": "ciso@a.test", "due_on": "2020-01-01"}, content_type="application/json",
        **ciso.auth())
    assert remediation.status_code == 201, remediation.content
    assert remediation.json()["overdue"] is True
    overdue = client.get(f"{API}/remediations/?overdue=true", **ciso.auth()).json()
    assert [r["title"] for r in overdue["items"]] == ["Turn MFA on"]
    raised = client.post(f"{API}/findings/F-001/risk", {}, content_type="application/json", **ciso.auth())
    assert raised.status_code == 201, raised.content
    finding = client.get(f"{API}/findings/F-001/", **ciso.auth()).json()
    assert finding["risk"] == raised.json()["risk"]
    assert client.post(f"{API}/findings/F-001/risk", {}, content_type="application/json",
                       **ciso.auth()).status_code == 409


def test_the_auditor_records_but_changes_nothing_else(client, org_a, audit, auditor):
    from accord.compliance import services_controls

    control = services_controls.do_create_control(None, org_a, {"name": "Backups"})
    finding = client.post(f"{API}/findings/", {"assessment": "AUD-001", "title": "Gap"},
                          content_type="application/json", **auditor.auth())
    assert finding.status_code == 201
    refused = {
        "plan an audit": client.post(f"{API}/assessments/", {"title": "Mine", "framework": "probe"},
                                     content_type="application/json", **auditor.auth()),
        "close the audit": client.patch(f"{API}/assessments/AUD-001/", {"status": "closed"},
                                        content_type="application/json", **auditor.auth()),
        "plan a remediation": client.post(f"{API}/findings/F-001/remediations/", {"title": "Fix"},
                                          content_type="application/json", **auditor.auth()),
        "raise a risk": client.post(f"{API}/findings/F-001/risk", {}, content_type="application/json",
                                    **auditor.auth()),
        "edit a control": client.patch(f"/api/v1/orgs/org-a/controls/{control.pk}/", {"name": "Mine"},
                                       content_type="application/json", **auditor.auth()),
    }
    # The controls API may not exist yet on this branch (404); where it exists the auditor's role refuses (403).
    assert {what: r.status_code for what, r in refused.items()} == {
        "plan an audit": 403, "close the audit": 403, "plan a remediation": 403, "raise a risk": 403,
        "edit a control": refused["edit a control"].status_code}
    assert refused["edit a control"].status_code in (403, 404, 405)
    control.refresh_from_db()
    assert control.name == "Backups"
