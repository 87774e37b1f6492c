"""The audits' routes for the generic suites (see tests/routes.py), added to the compliance app's lists by
tests/compliance/routes.py."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from accord.compliance import selectors, services_assessments, services_controls, services_evidence
from accord.compliance.models_assessments import AssessmentResult
from accord.core.choices import Role
from accord.core.clock import org_today
from accord.core.models import Membership, Organization
from tests.factories import Persona
from tests.routes import Route, Seed

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def pdf_upload(name: str = "evidence.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def _auditors(org: Organization) -> list[Membership]:
    return list(Membership.objects.for_org(org).filter(role=Role.AUDITOR).select_related("user"))


def _start(org: Organization, title: str, framework: str) -> Any:
    assessment = services_assessments.do_create_assessment(None, org, {
        "title": title, "framework": framework, "scope": f"{org.name} canary scope", "status": "in_progress",
        "auditors": [m.user.email for m in _auditors(org)]})
    return selectors.access_framework(org, framework), assessment


def seed_assessments(org: Organization) -> Seed:
    """An audit in progress of the organisation's seeded framework (every auditor-role member named), a result
    recorded with a control, a finding with an overdue remediation action, and evidence: a file on the result
    and a link on the control (B's texts carry the canary)."""
    _framework, assessment = _start(org, f"{org.name} audit", f"seed-{org.slug}")
    control = services_controls.do_create_control(None, org, {"name": f"{org.name} audited control"})
    result = AssessmentResult.objects.for_org(org).filter(assessment=assessment).order_by("requirement__position")[0]
    services_assessments.do_record_result(None, org, result, {
        "result": "compliant", "notes": f"{org.name} canary notes", "controls": [control.ref]})
    finding = services_assessments.do_create_finding(None, org, assessment, {
        "title": f"{org.name} finding", "severity": "high", "requirement": result.requirement.ref,
        "description": f"{org.name} canary finding"})
    owner = Membership.objects.for_org(org).select_related("user").order_by("pk").first()
    remediation = services_assessments.do_create_remediation(None, org, finding, {
        "title": f"{org.name} remediation", "owner": owner.user.email if owner else None,
        "due_on": org_today(org) - dt.timedelta(days=3)})
    evidence = services_evidence.do_add_evidence(None, org, {"title": f"{org.name} evidence file"}, result=result,
                                                 upload=pdf_upload(), filename="evidence.pdf")
    link = services_evidence.do_add_evidence(None, org, {"title": f"{org.name} evidence link",
                                                         "url": "https://example.org/policy"}, control=control)
    version = evidence.versions.order_by("-number").first()  # type: ignore[attr-defined]
    return {"assessment": assessment, "result": result, "finding": finding, "remediation": remediation,
            "evidence": evidence, "evidence_link": link, "evidence_file": version.stored.rsplit("/", 1)[-1],
            "audited_control": control}


SEEDERS: list[Callable[[Organization], Seed]] = [seed_assessments]


def grow_assessments(seed: Seed, n: int) -> None:
    """`n` more audits, and an audit of the newest version of the seeded framework (which the frameworks'
    grower made larger) in place of the seeded one, with results recorded, `n` findings with remediation
    actions, and `n` pieces of evidence."""
    org = seed["org"]
    for k in range(n):
        services_assessments.do_create_assessment(None, org, {"title": f"Grown audit {k}",
                                                              "framework": f"seed-{org.slug}@1"})
    _framework, assessment = _start(org, f"{org.name} grown audit", f"seed-{org.slug}")
    control = seed["audited_control"]
    results = list(AssessmentResult.objects.for_org(org).filter(assessment=assessment).select_related("requirement")
                   .order_by("requirement__position"))
    for k, result in enumerate(results):
        services_assessments.do_record_result(None, org, result, {
            "result": ["compliant", "partial", "non_compliant"][k % 3], "notes": f"Grown {k}",
            "controls": [control.ref]})
    members = list(Membership.objects.for_org(org).select_related("user").order_by("pk"))
    for k in range(n):
        result = results[k % len(results)]
        finding = services_assessments.do_create_finding(None, org, assessment, {
            "title": f"Grown finding {k}", "requirement": result.requirement.ref, "severity": "medium"})
        services_assessments.do_create_remediation(None, org, finding, {
            "title": f"Grown remediation {k}", "owner": members[k % len(members)].user.email,
            "due_on": org_today(org) + dt.timedelta(days=k - n // 2)})
        services_evidence.do_add_evidence(None, org, {"title": f"Grown evidence {k}",
                                                      "url": f"https://example.org/{k}"}, result=result)
    seed.update(assessment=assessment, result=results[0])


GROWERS = [grow_assessments]


def _assessment(seed: Seed, persona: Persona) -> dict[str, Any]:
    return {"assessment_id": seed["assessment"].pk}


def _result(seed: Seed, persona: Persona) -> dict[str, Any]:
    return {"assessment_id": seed["assessment"].pk, "result_id": seed["result"].pk}


def _finding(seed: Seed, persona: Persona) -> dict[str, Any]:
    return {"finding_id": seed["finding"].pk}


def _remediation(seed: Seed, persona: Persona) -> dict[str, Any]:
    return {"remediation_id": seed["remediation"].pk}


def _evidence(seed: Seed, persona: Persona) -> dict[str, Any]:
    return {"evidence_id": seed["evidence"].pk}


def _evidence_version(seed: Seed, persona: Persona) -> dict[str, Any]:
    return {"evidence_id": seed["evidence"].pk, "number": 1}


def _new_evidence(seed: Seed, persona: Persona) -> dict[str, Any]:
    return {"title": "Probe evidence", "result": seed["result"].pk, "file": pdf_upload()}


API = "/api/v1/orgs/{org}"

ROUTES: list[Route] = [
    Route(f"GET {API}/assessments/", "GET", "assessment.view", lists_data=True),
    Route(f"POST {API}/assessments/", "POST", "assessment.manage",
          body=lambda s, p: {"title": "Probe audit", "framework": f"seed-{s['org'].slug}"}),
    Route(f"GET {API}/assessments/{{assessment_id}}/", "GET", "assessment.view", kwargs=_assessment,
          lists_data=True),
    Route(f"PATCH {API}/assessments/{{assessment_id}}/", "PATCH", "assessment.manage", kwargs=_assessment,
          body=lambda s, p: {"title": "Probe audit, renamed"}),
    Route(f"GET {API}/assessments/{{assessment_id}}/results/", "GET", "assessment.view", kwargs=_assessment,
          lists_data=True),
    Route(f"PATCH {API}/assessments/{{assessment_id}}/results/{{result_id}}/", "PATCH", "assessment.record",
          kwargs=_result, body=lambda s, p: {"result": "partial", "notes": "Probe notes"}),
    Route(f"GET {API}/assessments/{{assessment_id}}/export", "GET", "assessment.view", kwargs=_assessment),
    # The audit report, queued as a job (immediate in tests: printed within the request).
    Route(f"POST {API}/assessments/{{assessment_id}}/export", "POST", "assessment.view", kwargs=_assessment,
          body=lambda s, p: {"format": "pdf"}),
    Route(f"GET {API}/findings/", "GET", "assessment.view", lists_data=True),
    Route(f"POST {API}/findings/", "POST", "assessment.record",
          body=lambda s, p: {"assessment": s["assessment"].ref, "title": "Probe finding", "severity": "low"}),
    Route(f"GET {API}/findings/{{finding_id}}/", "GET", "assessment.view", kwargs=_finding, lists_data=True),
    Route(f"PATCH {API}/findings/{{finding_id}}/", "PATCH", "assessment.record", kwargs=_finding,
          body=lambda s, p: {"title": "Probe finding, renamed"}),
    Route(f"POST {API}/findings/{{finding_id}}/risk", "POST", "finding.raise_risk", kwargs=_finding,
          body=lambda s, p: {}),
    Route(f"GET {API}/remediations/", "GET", "assessment.view", lists_data=True),
    Route(f"POST {API}/findings/{{finding_id}}/remediations/", "POST", "remediation.change", kwargs=_finding,
          body=lambda s, p: {"title": "Probe remediation"}),
    Route(f"PATCH {API}/remediations/{{remediation_id}}/", "PATCH", "remediation.change", kwargs=_remediation,
          body=lambda s, p: {"status": "in_progress"}),
    Route(f"GET {API}/evidence/", "GET", "assessment.view", lists_data=True),
    Route(f"POST {API}/evidence/", "POST", "evidence.add", body=_new_evidence),
    Route(f"GET {API}/evidence/{{evidence_id}}/", "GET", "assessment.view", kwargs=_evidence, lists_data=True),
    Route(f"POST {API}/evidence/{{evidence_id}}/versions", "POST", "evidence.add", kwargs=_evidence,
          body=lambda s, p: {"file": pdf_upload(), "note": "Probe version"}),
    Route(f"GET {API}/evidence/{{evidence_id}}/file", "GET", "assessment.view", kwargs=_evidence),
    Route(f"GET {API}/evidence/{{evidence_id}}/versions/{{number}}/file", "GET", "assessment.view",
          kwargs=_evidence_version),
]


def _ui_result(seed: Seed, persona: Persona) -> dict[str, Any]:
    return {"assessment_id": seed["assessment"].pk, "result_id": seed["result"].pk}


def _evidence_file(seed: Seed, persona: Persona) -> dict[str, Any]:
    return {"name": seed["evidence_file"]}


ROUTES += [
    Route("audits:list", "GET", "assessment.view", lists_data=True),
    Route("audits:create", "GET", "assessment.manage"),
    Route("audits:create", "POST", "assessment.manage",
          body=lambda s, p: {"title": "Probe audit", "framework": f"seed-{s['org'].slug}@1", "status": "planned"}),
    Route("audits:detail", "GET", "assessment.view", kwargs=_assessment, lists_data=True),
    Route("audits:edit", "GET", "assessment.manage", kwargs=_assessment),
    Route("audits:edit", "POST", "assessment.manage", kwargs=_assessment,
          body=lambda s, p: {"title": "Probe audit, renamed", "status": "in_progress",
                             "auditors": [m.user.email for m in _auditors(s["org"])]}),
    Route("audits:export", "GET", "assessment.view", kwargs=_assessment),
    Route("audits:report", "POST", "assessment.view", kwargs=_assessment),
    Route("audits:finding_create", "POST", "assessment.record", kwargs=_assessment,
          body=lambda s, p: {"kind": "finding", "severity": "low", "title": "Probe finding"}),
    Route("audits:result", "GET", "assessment.view", kwargs=_ui_result),
    Route("audits:result_record", "GET", "assessment.record", kwargs=_ui_result),
    Route("audits:result_record", "POST", "assessment.record", kwargs=_ui_result,
          body=lambda s, p: {"result": "non_compliant", "notes": "Probe notes", "next": "1"}),
    Route("audits:result_evidence", "GET", "assessment.view", kwargs=_ui_result, lists_data=True),
    Route("audits:evidence_add", "POST", "evidence.add", kwargs=_ui_result,
          body=lambda s, p: {"title": "Probe evidence", "file": pdf_upload()}),
    Route("audits:findings", "GET", "assessment.view", lists_data=True),
    Route("audits:finding", "GET", "assessment.view", kwargs=_finding, lists_data=True),
    Route("audits:finding_edit", "GET", "assessment.record", kwargs=_finding),
    Route("audits:finding_edit", "POST", "assessment.record", kwargs=_finding,
          body=lambda s, p: {"kind": "finding", "severity": "high", "title": "Probe finding, renamed",
                             "status": "open", "requirement": s["finding"].requirement.ref}),
    Route("audits:finding_risk", "POST", "finding.raise_risk", kwargs=_finding),
    Route("audits:remediation_create", "POST", "remediation.change", kwargs=_finding,
          body=lambda s, p: {"title": "Probe remediation", "status": "open"}),
    Route("audits:remediations", "GET", "assessment.view", lists_data=True),
    Route("audits:remediation_edit", "GET", "remediation.change", kwargs=_remediation),
    Route("audits:remediation_edit", "POST", "remediation.change", kwargs=_remediation,
          body=lambda s, p: {"title": "Probe remediation, renamed", "status": "in_progress"}),
    Route("audits:evidence_version", "POST", "evidence.add", kwargs=_evidence,
          body=lambda s, p: {"file": pdf_upload(), "note": "Probe version"}),
    Route("audits:evidence_download", "GET", "assessment.view", kwargs=_evidence),
    Route("audits:evidence_version_download", "GET", "assessment.view", kwargs=_evidence_version),
    Route("audits:evidence_file", "GET", "assessment.view", kwargs=_evidence_file),
]
