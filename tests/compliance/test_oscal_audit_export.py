"""OSCAL out for audits, the pure part: an audit as assessment-results and its open findings as a plan of
action and milestones, both valid against the OSCAL models (compliance-trestle's), and Accord's own
assessment-results read back as the audit they describe."""

from __future__ import annotations

import datetime as dt

import pytest
from trestle.oscal.assessment_results import AssessmentResults
from trestle.oscal.poam import PlanOfActionAndMilestones

from accord.compliance.oscal import OscalError
from accord.compliance.oscal.export import (
    AssessedRequirement,
    Audit,
    AuditFinding,
    AuditRemediation,
    assessment_results,
    poam,
    read_assessment_results,
)

NOW = dt.datetime(2026, 12, 3, 8, 0, tzinfo=dt.UTC)


def _audit() -> Audit:
    return Audit(
        "A-001", "ISO audit", "Head office", "in_progress", "iso27001-2022", "ISO/IEC 27001", "2022", NOW,
        results=(AssessedRequirement("A.5.1", "", "Policies", "compliant", notes="Signed off", assessed_at=NOW),
                 AssessedRequirement("A.5.2", "", "Roles", "non_compliant", assessed_at=NOW),
                 AssessedRequirement("ac-2", "ac-2", "Account management", "partial", assessed_at=NOW),
                 AssessedRequirement("A.5.3", "", "Segregation", "not_applicable", justification="A team of two",
                                     assessed_at=NOW)),
        findings=(AuditFinding("F-001", "finding", "high", "No roles", "Nobody owns security roles", "open", "A.5.2",
                               created_at=NOW,
                               remediations=(AuditRemediation("1", "Define roles", "", "open", dt.date(2027, 1, 15)),
                                             AuditRemediation("2", "Train owners", "Half a day", "done"))),
                  AuditFinding("F-002", "observation", "low", "Tidy desks", "Papers left out", "open", created_at=NOW),
                  AuditFinding("F-003", "finding", "medium", "Old", "Fixed already", "closed", "A.5.1",
                               created_at=NOW)))


def test_an_audit_is_valid_assessment_results_with_each_result_as_a_target_state():
    document = assessment_results("acme", _audit(), now=NOW)
    AssessmentResults.model_validate(document["assessment-results"])
    (result,) = document["assessment-results"]["results"]
    states = {f["target"]["target-id"]: f["target"]["status"]["state"] for f in result["findings"]
              if not f["title"].startswith("F-")}
    assert states == {"A.5.1": "satisfied", "A.5.2": "not-satisfied", "ac-2": "not-satisfied"}  # n/a: no target
    reviewed = result["reviewed-controls"]["control-selections"][0]["include-controls"]
    assert [c["control-id"] for c in reviewed] == ["A.5.1", "A.5.2", "ac-2", "A.5.3"]
    titles = [o["title"] for o in result["observations"]]
    assert titles[-3:] == ["F-001 No roles", "F-002 Tidy desks", "F-003 Old"]
    # A finding that names no requirement is an observation only: an OSCAL finding needs a target.
    assert [f["title"] for f in result["findings"] if f["title"].startswith("F-")] == ["F-001 No roles", "F-003 Old"]


def test_accords_own_assessment_results_read_back_as_the_same_audit():
    audit = _audit()
    back = read_assessment_results(assessment_results("acme", audit, now=NOW))
    assert (back.ref, back.title, back.scope, back.status, back.framework_key, back.framework_version) == (
        "A-001", "ISO audit", "Head office", "in_progress", "iso27001-2022", "2022")
    assert [(r.ref, r.result, r.notes, r.justification) for r in back.results] == [
        ("A.5.1", "compliant", "Signed off", ""), ("A.5.2", "non_compliant", "", ""), ("ac-2", "partial", "", ""),
        ("A.5.3", "not_applicable", "", "A team of two")]
    assert [(f.ref, f.kind, f.severity, f.title, f.status, f.requirement_ref) for f in back.findings] == [
        ("F-001", "finding", "high", "No roles", "open", "A.5.2"),
        ("F-002", "observation", "low", "Tidy desks", "open", ""),
        ("F-003", "finding", "medium", "Old", "closed", "A.5.1")]
    again = assessment_results("acme", back, now=NOW)["assessment-results"]["results"][0]
    first = assessment_results("acme", audit, now=NOW)["assessment-results"]["results"][0]
    assert again["observations"] == first["observations"] and again["findings"] == first["findings"]


def test_a_document_accord_did_not_write_is_refused_saying_where():
    with pytest.raises(OscalError, match=r"results\[0\]\.props: no Accord property assessment-ref"):
        read_assessment_results({"assessment-results": {"results": [{"start": "2026-01-01T00:00:00+00:00"}]}})
    with pytest.raises(OscalError, match="exactly one result"):
        read_assessment_results({"assessment-results": {"results": []}})


def test_the_open_findings_are_a_valid_plan_of_action_with_their_remediations_as_milestones():
    document = poam("acme", "Plan of action", [_audit()], now=NOW)
    PlanOfActionAndMilestones.model_validate(document["plan-of-action-and-milestones"])
    body = document["plan-of-action-and-milestones"]
    assert [i["title"] for i in body["poam-items"]] == ["F-001 No roles"]  # not the observation, not the closed one
    (risk,) = body["risks"]
    assert [(r["title"], r["lifecycle"]) for r in risk["remediations"]] == [("Define roles", "planned"),
                                                                          ("Train owners", "completed")]
    assert risk["remediations"][0]["tasks"][0]["timing"]["on-date"]["date"].startswith("2027-01-15")
    with pytest.raises(OscalError, match="no open finding to plan"):
        poam("acme", "Plan of action", [], now=NOW)
