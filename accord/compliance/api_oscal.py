"""OSCAL over the API: `oscal/component-definition` (the controls library),
`assessments/{id}/oscal/assessment-results` (an audit), `oscal/poam` (the open findings), and
`POST oscal/assessment-results` (an audit read back from Accord's own assessment-results). The documents are
built by the pure `accord.compliance.oscal.export` from the selectors' data; every export validates against
the OSCAL models in the tests."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema, Status

from accord.compliance import frameworkfile, selectors_assessments
from accord.compliance.models_assessments import AssessmentResult
from accord.compliance.oscal import OscalError
from accord.compliance.oscal.export import assessment_results, component_definition, poam
from accord.compliance.selectors_oscal import audit_document, library_controls, open_findings
from accord.compliance.services_oscal import do_import_assessment_results
from accord.core.apikit import ERRORS, org_access

router = Router(tags=["oscal"])


@router.get("/{org}/oscal/component-definition", response={200: dict[str, Any], **ERRORS},
            summary="The controls library as an OSCAL component-definition",
            operation_id="accord_compliance_api_oscal_component_definition")
def oscal_component_definition(request: HttpRequest, org: str) -> dict[str, Any]:
    """Every control that is not retired as an OSCAL 1.1.2 component (its kind as the component type, its
    status as `implementation-status`), implementing the requirements it is linked to, one control
    implementation per framework. Requirements imported from OSCAL keep their catalog ids."""
    m = org_access(request, org, "control.view")
    organization = m.organization
    return component_definition(organization.slug, f"Controls library of {organization.name}",
                                library_controls(organization), now=timezone.now())


class ImportedAuditOut(Schema):
    id: int
    ref: str = Field(description="The new audit's reference (AUD-001, ...)")
    title: str
    status: str
    results_recorded: int = Field(description="Results read from the document and recorded")
    findings: int = Field(description="Findings and observations read from the document")


@router.get("/{org}/assessments/{assessment_id}/oscal/assessment-results", response={200: dict[str, Any], **ERRORS},
            summary="An audit as OSCAL assessment-results",
            operation_id="accord_compliance_api_oscal_assessment_results")
def oscal_assessment_results(request: HttpRequest, org: str, assessment_id: str) -> dict[str, Any]:
    """The audit (by id or reference, AUD-001) as OSCAL 1.1.2 assessment-results: one result; each
    requirement it assessed an observation and, but for the not applicable ones, a finding whose target
    state is satisfied (compliant) or not satisfied; its findings and observations as observations (and
    findings when they name a requirement). `POST oscal/assessment-results` reads it back."""
    m = org_access(request, org, "assessment.view")
    assessment = selectors_assessments.access_assessment(m.organization, assessment_id)
    return assessment_results(m.organization.slug, audit_document(m.organization, assessment), now=timezone.now())


@router.get("/{org}/oscal/poam", response={200: dict[str, Any], **ERRORS},
            summary="The open findings as an OSCAL plan of action and milestones",
            operation_id="accord_compliance_api_oscal_poam")
def oscal_poam(request: HttpRequest, org: str) -> dict[str, Any]:
    """Every open finding of every audit (observations are not planned) as OSCAL 1.1.2 POA&M items, each
    with a risk whose remediations are the finding's remediation actions (a milestone on each due date).
    404 while no finding is open: there is no plan to give, the model asks for at least one item (a read
    never answers 409)."""
    m = org_access(request, org, "assessment.view")
    try:
        return poam(m.organization.slug, f"Plan of action and milestones of {m.organization.name}",
                    open_findings(m.organization), now=timezone.now())
    except OscalError:
        raise Http404("No finding is open.") from None


@router.post("/{org}/oscal/assessment-results", response={201: ImportedAuditOut, **ERRORS},
             summary="Read an audit back from Accord's OSCAL assessment-results",
             operation_id="accord_compliance_api_import_assessment_results",
             openapi_extra={"requestBody": {"required": True, "content": {"application/json": {"schema": {
                 "type": "object", "description": "{\"assessment-results\": ...} as Accord exported it",
                 "additionalProperties": True}}}}})
def import_assessment_results(request: HttpRequest, org: str) -> Status[dict[str, Any]]:
    """A new audit from assessment-results Accord exported (of a framework the organisation has, same key
    and version): its results and findings recorded through the audit services, all or nothing."""
    m = org_access(request, org, "assessment.manage")
    try:
        document = frameworkfile.read_json(request.body or b"null")
    except frameworkfile.FileInvalid as exc:
        raise ValidationError({"body": str(exc).removeprefix("(file): ")}) from None
    if not isinstance(document, dict):
        raise ValidationError({"body": "Send a JSON object: {\"assessment-results\": ...}."})
    unknown = sorted(set(document) - {"assessment-results", "$schema"})
    if unknown:
        raise ValidationError(dict.fromkeys(
            unknown, "Unknown member: the document holds `assessment-results` (and `$schema`)."))
    assessment = do_import_assessment_results(m.user, m.organization, document)
    recorded = AssessmentResult.objects.for_org(m.organization).filter(assessment=assessment).exclude(
        result="not_assessed").count()
    return Status(201, {"id": assessment.pk, "ref": assessment.ref, "title": assessment.title,
                        "status": assessment.status, "results_recorded": recorded,
                        "findings": assessment.findings.count()})
