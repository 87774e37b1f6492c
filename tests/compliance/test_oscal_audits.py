"""OSCAL out and back for audits, over the API: an audit as assessment-results and the open findings as a
plan of action and milestones, both valid against the OSCAL models (compliance-trestle's); Accord's own
assessment-results read back into a new audit with the same results and findings (a round trip); another
organisation's audit answers 404; a document Accord did not write, or of a framework the organisation lacks,
is refused and writes nothing."""

from __future__ import annotations

import json

import pytest
from trestle.oscal.assessment_results import AssessmentResults
from trestle.oscal.poam import PlanOfActionAndMilestones

from accord.compliance import services
from accord.compliance import services_assessments as svc
from accord.compliance.models_assessments import Assessment, AssessmentResult
from tests.compliance.routes import framework_document

pytestmark = pytest.mark.django_db


def _send(client, method, url, persona, body=None):
    data = json.dumps(body) if body is not None else ""
    return getattr(client, method)(url, data, content_type="application/json", **persona.auth())


@pytest.fixture
def audited(org_a, org_b, ciso, auditor):
    services.do_import_framework(None, org_a, framework_document("probe", "Probe"))
    audit = svc.do_create_assessment(ciso.user, org_a, {
        "title": "Probe audit", "framework": "probe", "status": "in_progress", "auditors": [auditor.user.email],
        "scope": "Head office", "starts_on": "2026-11-01", "ends_on": "2026-12-15"})
    results = {r.requirement.ref: r for r in AssessmentResult.objects.for_org(org_a).filter(assessment=audit)
               .select_related("requirement", "assessment")}
    svc.do_record_result(auditor.user, org_a, results["G1.2"], {"result": "compliant", "notes": "Seen the logs"})
    svc.do_record_result(auditor.user, org_a, results["G1.3"], {"result": "non_compliant"})
    svc.do_record_result(auditor.user, org_a, results["G2.2"], {"result": "not_applicable",
                                                                "justification": "No such site"})
    gap = svc.do_create_finding(auditor.user, org_a, audit, {"title": "Logs kept a week", "requirement": "G1.3",
                                                             "severity": "high", "description": "Not 90 days"})
    svc.do_create_finding(auditor.user, org_a, audit, {"kind": "observation", "title": "Tidy server room",
                                                       "severity": "low"})
    svc.do_create_remediation(ciso.user, org_a, gap, {"title": "Keep logs 90 days", "due_on": "2027-02-01"})
    services.do_import_framework(None, org_b, framework_document("probe", "Probe"))
    other = svc.do_create_assessment(None, org_b, {"title": "B canary audit", "framework": "probe",
                                                   "status": "in_progress"})
    return {"audit": audit, "other": other}


def test_an_audit_exports_as_valid_assessment_results_and_reads_back_the_same(client, org_a, ciso, audited):
    url = f"/api/v1/orgs/{org_a.slug}/assessments/{audited['audit'].pk}/oscal/assessment-results"
    exported = _send(client, "get", url, ciso)
    assert exported.status_code == 200
    document = exported.json()
    AssessmentResults.model_validate(document["assessment-results"])
    imported = _send(client, "post", f"/api/v1/orgs/{org_a.slug}/oscal/assessment-results", ciso, document)
    assert imported.status_code == 201, imported.json()
    body = imported.json()
    assert (body["ref"], body["title"], body["results_recorded"], body["findings"]) == ("AUD-002", "Probe audit", 3, 2)
    again = _send(client, "get", f"/api/v1/orgs/{org_a.slug}/assessments/{body['id']}/oscal/assessment-results",
                  ciso).json()

    def content(doc):
        (result,) = doc["assessment-results"]["results"]
        strip = [{k: v for k, v in o.items() if k not in ("uuid", "related-observations", "collected")}
                 for o in result["observations"] + result["findings"]]
        return [{**o, "props": [p for p in o.get("props", []) if p["name"] not in ("finding-ref",)]} for o in strip]

    def titles_without_refs(items):
        return [{**o, "title": o["title"].split(" ", 1)[-1] if o["title"].startswith("F-") else o["title"]}
                for o in items]

    assert titles_without_refs(content(again)) == titles_without_refs(content(document))
    new = Assessment.objects.for_org(org_a).get(pk=body["id"])
    assert (new.scope, str(new.starts_on), str(new.ends_on)) == ("Head office", "2026-11-01", "2026-12-15")


def test_the_open_findings_export_as_a_valid_plan_of_action(client, org_a, ciso, audited):
    response = _send(client, "get", f"/api/v1/orgs/{org_a.slug}/oscal/poam", ciso)
    assert response.status_code == 200
    body = response.json()["plan-of-action-and-milestones"]
    PlanOfActionAndMilestones.model_validate(body)
    assert [i["title"] for i in body["poam-items"]] == ["F-001 Logs kept a week"]
    assert body["risks"][0]["remediations"][0]["title"] == "Keep logs 90 days"
    assert "canary" not in response.content.decode()


def test_no_open_finding_is_no_plan_to_read(client, org_a, ciso):
    response = _send(client, "get", f"/api/v1/orgs/{org_a.slug}/oscal/poam", ciso)
    assert response.status_code == 404, response.content


def test_another_organisations_audit_answers_404(client, org_a, ciso, audited):
    url = f"/api/v1/orgs/{org_a.slug}/assessments/{audited['other'].pk}/oscal/assessment-results"
    assert _send(client, "get", url, ciso).status_code == 404


def test_a_document_of_a_missing_framework_or_not_accords_writes_nothing(client, org_a, ciso, audited):
    url = f"/api/v1/orgs/{org_a.slug}/assessments/{audited['audit'].pk}/oscal/assessment-results"
    document = _send(client, "get", url, ciso).json()
    before = Assessment.objects.for_org(org_a).count()
    result = document["assessment-results"]["results"][0]
    for prop in result["props"]:
        if prop["name"] == "framework-version":
            prop["value"] = "9"
    refused = _send(client, "post", f"/api/v1/orgs/{org_a.slug}/oscal/assessment-results", ciso, document)
    assert refused.status_code == 422 and "probe version 9" in refused.content.decode()
    foreign = _send(client, "post", f"/api/v1/orgs/{org_a.slug}/oscal/assessment-results", ciso,
                    {"assessment-results": {"results": [{"start": "2026-01-01T00:00:00+00:00"}]}})
    assert foreign.status_code == 422 and "only documents Accord exported" in foreign.content.decode()
    assert Assessment.objects.for_org(org_a).count() == before


def test_the_cli_and_the_export_route_write_the_same_document(client, org_a, ciso, audited, tmp_path):
    from accord.cli import main

    out = tmp_path / "audit.json"
    assert main(["assessment", "export", org_a.slug, audited["audit"].ref, "--format", "oscal", "--out", str(out)]) == 0
    written = json.loads(out.read_text())
    AssessmentResults.model_validate(written["assessment-results"])
    served = _send(client, "get", f"/api/v1/orgs/{org_a.slug}/assessments/{audited['audit'].pk}/export?format=oscal",
                   ciso)
    assert served.status_code == 200 and served["Content-Type"].startswith("application/json")
    assert json.loads(served.content)["assessment-results"]["results"] == written["assessment-results"]["results"]
