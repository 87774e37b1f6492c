"""The compliance posture: a framework's compliance from its latest closed audit by one rule (partially
compliant counts half, not applicable left out, not assessed counted as not compliant), its trend from every
closed audit, the audit in progress, controls by status, overdue remediations and evidence to refresh; the
page and the API give the same answer; another organisation's audits never count."""

from __future__ import annotations

import datetime as dt

import pytest

from accord.compliance import rules, services, services_controls, services_evidence
from accord.compliance import services_assessments as svc
from accord.compliance.models_assessments import AssessmentResult
from accord.core.clock import org_today
from tests.compliance.routes import framework_document
from tests.conftest import signed_in

pytestmark = pytest.mark.django_db


def test_partially_compliant_counts_half_and_not_applicable_is_left_out():
    assert rules.compliance_share(compliant=2, partial=1, non_compliant=1, not_assessed=4) == 2.5 / 8
    assert rules.compliance_share(compliant=0, partial=0, non_compliant=0, not_assessed=0) is None


def _audit(org, ciso, title, verdicts, *, close):
    audit = svc.do_create_assessment(ciso.user, org, {"title": title, "framework": "probe", "status": "in_progress"})
    results = {r.requirement.ref: r for r in AssessmentResult.objects.for_org(org).filter(assessment=audit)
               .select_related("requirement", "assessment")}
    for ref, verdict in verdicts.items():
        svc.do_record_result(ciso.user, org, results[ref], {"result": verdict, "justification": "n/a" if
                                                            verdict == "not_applicable" else ""})
    if close:
        svc.do_update_assessment(ciso.user, org, audit, {"status": "closed"})
    return audit


@pytest.fixture
def audited(org_a, org_b, ciso):
    services.do_import_framework(None, org_a, framework_document("probe", "Probe"))
    first = _audit(org_a, ciso, "First", {"G1.2": "compliant", "G1.3": "compliant", "G2.2": "partial",
                                          "G2.3": "non_compliant", "G1.X.1": "not_applicable"}, close=True)
    everything = dict.fromkeys(["G1.1(a)", "G1.1(b)", "G1.2", "G1.3", "G2.1(a)", "G2.1(b)", "G2.2", "G2.3"],
                               "compliant")
    second = _audit(org_a, ciso, "Second", {**everything, "G1.X.1": "not_applicable"}, close=True)
    third = _audit(org_a, ciso, "Third", {}, close=False)
    finding = svc.do_create_finding(ciso.user, org_a, third, {"title": "Gap", "requirement": "G1.2"})
    svc.do_create_remediation(ciso.user, org_a, finding, {"title": "Late fix",
                                                          "due_on": org_today(org_a) - dt.timedelta(days=2)})
    svc.do_create_remediation(ciso.user, org_a, finding, {"title": "Future fix",
                                                          "due_on": org_today(org_a) + dt.timedelta(days=9)})
    controls = [services_controls.do_create_control(None, org_a, {"name": f"A {status}", "status": status})
                for status in ("implemented", "implemented", "planned")]
    for title, days in (("Soon stale", 10), ("Fresh for long", 200)):
        services_evidence.do_add_evidence(None, org_a, {
            "title": title, "url": "https://example.org/policy",
            "expires_on": (org_today(org_a) + dt.timedelta(days=days)).isoformat()}, control=controls[0])
    services.do_import_framework(None, org_b, framework_document("probe", "Probe"))
    return {"first": first, "second": second, "third": third}


def test_the_api_gives_each_frameworks_compliance_its_trend_and_the_rest(client, org_a, ciso, audited):
    body = client.get(f"/api/v1/orgs/{org_a.slug}/posture/", **ciso.auth()).json()
    (probe,) = body["frameworks"]
    assert probe["current"]["assessment_ref"] == audited["second"].ref and probe["current"]["share"] == 1.0
    assert [s["share"] for s in probe["trend"]] == [0.3125, 1.0]  # oldest first
    assert probe["in_progress"]["share"] == 0.0 and probe["in_progress"]["counts"]["not_assessed"] == 9
    assert body["controls_by_status"] == {"planned": 1, "in_progress": 0, "implemented": 2, "retired": 0}
    assert body["overdue_remediations"] == 1 and body["evidence_to_refresh"] == 1


def test_the_page_shows_the_same_posture(org_a, ciso, audited):
    page = signed_in(ciso).get(f"/o/{org_a.slug}/compliance/posture/").content.decode()
    assert 'class="bars"' in page or "<svg" in page
    assert "100%" in page and "31%" in page and "Late fix" in page and "Future fix" not in page
    assert "Soon stale" in page and "Fresh for long" not in page


def test_another_organisation_counts_nothing(client, org_b, audited):
    from tests.factories import make_member

    ciso_b = make_member(org_b, "ciso")
    body = client.get(f"/api/v1/orgs/{org_b.slug}/posture/", **ciso_b.auth()).json()
    assert [f["current"] for f in body["frameworks"]] == [None] and body["overdue_remediations"] == 0
