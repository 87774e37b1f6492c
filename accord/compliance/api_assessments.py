"""Audits over the API ("assessments": in the API "audit" is the audit trail): assessments and their results,
findings (and the risk one raises), remediation actions, and evidence (multipart uploads or links, versioned;
files downloaded only through here or the pages, as attachments)."""


import datetime as dt
from typing import Annotated, Any, Literal

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from ninja import Field, File, Form, Path, Query, Router, Schema, Status, UploadedFile
from ninja.pagination import paginate

from accord.compliance import exports_assessments, rules, services_evidence
from accord.compliance import selectors_assessments as selectors
from accord.compliance import services_assessments as services
from accord.compliance.choices import (
    AssessmentStatus,
    FindingKind,
    FindingStatus,
    RemediationStatus,
    ResultValue,
    Severity,
)
from accord.compliance.downloads import evidence_file_response
from accord.compliance.models_assessments import (
    Assessment,
    AssessmentResult,
    Evidence,
    EvidenceVersion,
    Finding,
    Remediation,
)
from accord.compliance.reports_assessments import AUDIT_REPORT_NAME
from accord.core.apikit import ERRORS, BodyIn, ErrorOut, Pagination, TextIn, org_access
from accord.core.clock import org_today
from accord.core.jobs.api import JobOut, queued
from accord.core.jobs.models import Job
from accord.core.reports.services import do_request_report

router = Router(tags=["assessments"])

MAX_PAGE = 1000
AssessmentId = Annotated[str, Path(description="The assessment's id, or its ref (`AUD-001`)", max_length=20)]
FindingId = Annotated[str, Path(description="The finding's id, or its ref (`F-001`)", max_length=20)]
EvidenceId = Annotated[str, Path(description="The evidence's id, or its ref (`E-001`)", max_length=20)]
RowId = Annotated[int, Path(ge=1, le=2**63 - 1, description="The object's id")]


# --- schemas -------------------------------------------------------------------------------------------------

class AssessmentOut(Schema):
    id: int
    ref: str = Field(description="`AUD-001`: names it in paths and on the CLI")
    title: str
    framework: str = Field(description="The framework assessed, `key@version`")
    framework_name: str
    scope: str
    starts_on: dt.date | None
    ends_on: dt.date | None
    status: AssessmentStatus
    auditors: list[str] = Field(description="The auditors' e-mail addresses")
    closed_at: dt.datetime | None
    created_at: dt.datetime
    results: dict[str, int] = Field(description="How many results of each value (not_assessed, compliant, ...)")
    result_count: int = Field(description="Requirements assessed (every assessable requirement of the framework)")
    finding_count: int
    open_finding_count: int

    @staticmethod
    def resolve_framework(obj: Assessment) -> str:
        return obj.framework.ref

    @staticmethod
    def resolve_framework_name(obj: Assessment) -> str:
        return obj.framework.name

    @staticmethod
    def resolve_auditors(obj: Assessment) -> list[str]:
        return [m.user.email for m in selectors.auditors(obj)]

    @staticmethod
    def resolve_results(obj: Assessment) -> dict[str, int]:
        return selectors.progress(obj)


class AssessmentCreate(BodyIn):
    title: str = Field(max_length=200)
    framework: str = Field(max_length=300, description="The framework's key (its newest version) or key@version")
    scope: str = ""
    starts_on: dt.date | None = None
    ends_on: dt.date | None = None
    status: AssessmentStatus = AssessmentStatus.PLANNED
    auditors: list[str] = Field([], description="Members' e-mail addresses")


class AssessmentChange(BodyIn):
    title: str | None = Field(None, max_length=200)
    scope: str | None = None
    starts_on: dt.date | None = None
    ends_on: dt.date | None = None
    status: AssessmentStatus | None = Field(None, description="closed keeps the results as they are; in_progress "
                                                              "reopens")
    auditors: list[str] | None = Field(None, description="Members' e-mail addresses (replaces the list)")


class ResultOut(Schema):
    id: int
    requirement: str = Field(description="The requirement's id in its framework (`A.5.1`)")
    requirement_title: str
    group: str
    result: ResultValue
    justification: str
    notes: str
    controls: list[str] = Field(description="Refs of the controls linked to this result")
    evidence: list[str] = Field(description="Refs of the evidence attached to this result")
    finding_count: int
    assessed_at: dt.datetime | None
    assessed_by: str | None

    @staticmethod
    def resolve_requirement(obj: AssessmentResult) -> str:
        return obj.requirement.ref

    @staticmethod
    def resolve_requirement_title(obj: AssessmentResult) -> str:
        return obj.requirement.title

    @staticmethod
    def resolve_group(obj: AssessmentResult) -> str:
        return obj.requirement.group.ref

    @staticmethod
    def resolve_controls(obj: AssessmentResult) -> list[str]:
        return [link.control.ref for link in obj.control_links.all()]

    @staticmethod
    def resolve_evidence(obj: AssessmentResult) -> list[str]:
        return [item.ref for item in obj.evidence.all()]

    @staticmethod
    def resolve_finding_count(obj: Any) -> int:
        return obj.finding_count or 0

    @staticmethod
    def resolve_assessed_by(obj: AssessmentResult) -> str | None:
        return obj.assessed_by.email if obj.assessed_by else None


class ResultChange(BodyIn):
    result: ResultValue | None = None
    justification: str | None = Field(None, description="Required when the result is not_applicable")
    notes: str | None = None
    controls: list[str] | None = Field(None, description="Refs of the controls that serve it (replaces the list)")


class ResultQuery(TextIn):
    result: str = Field("", max_length=20, description="Only results of this value")
    q: str = Field("", max_length=300, description="Text in the requirement's id or title, or in the notes")
    group: str = Field("", max_length=100, description="Only the requirements under this group")


class AssessmentQuery(TextIn):
    status: str = Field("", max_length=20)
    framework: str = Field("", max_length=300, description="A framework's key")


class FindingOut(Schema):
    id: int
    ref: str
    assessment: str = Field(description="The assessment's ref")
    requirement: str | None
    kind: FindingKind
    severity: Severity
    title: str
    description: str
    status: FindingStatus
    risk: str | None = Field(description="The ref of the risk it raised in the register")
    risk_id: int | None
    remediation_count: int
    open_remediation_count: int
    overdue_count: int
    created_at: dt.datetime

    @staticmethod
    def resolve_assessment(obj: Finding) -> str:
        return obj.assessment.ref

    @staticmethod
    def resolve_requirement(obj: Finding) -> str | None:
        return obj.requirement.ref if obj.requirement else None

    @staticmethod
    def resolve_risk(obj: Finding) -> str | None:
        return obj.risk.ref if obj.risk else None


class FindingCreate(BodyIn):
    assessment: str = Field(max_length=20, description="The assessment's id or ref (`AUD-001`)")
    kind: FindingKind = FindingKind.FINDING
    severity: Severity = Severity.MEDIUM
    requirement: str | None = Field(None, max_length=100, description="The requirement's id (`A.5.1`)")
    title: str = Field(max_length=200)
    description: str = ""


class FindingChange(BodyIn):
    kind: FindingKind | None = None
    severity: Severity | None = None
    requirement: str | None = Field(None, max_length=100)
    title: str | None = Field(None, max_length=200)
    description: str | None = None
    status: FindingStatus | None = None


class FindingQuery(TextIn):
    assessment: str = Field("", max_length=20, description="An assessment's id or ref")
    status: str = Field("", max_length=20)
    severity: str = Field("", max_length=20)
    kind: str = Field("", max_length=20)


class RaiseRiskIn(BodyIn):
    title: str | None = Field(None, max_length=200, description="By default the finding's title")
    description: str | None = None
    category: str | None = Field(None, max_length=100, description="A risk category's key (default compliance)")
    likelihood: int | None = Field(None, ge=1, le=9, description="By default from the finding's severity")
    impact: int | None = Field(None, ge=1, le=9, description="By default from the finding's severity")
    owner: str | None = Field(None, max_length=254, description="A member's e-mail address")


class RiskRaisedOut(Schema):
    finding: str
    risk: str
    risk_id: int


class RemediationOut(Schema):
    id: int
    finding: str
    title: str
    description: str
    owner: str | None
    due_on: dt.date | None
    status: RemediationStatus
    overdue: bool = Field(description="Due before today (the organisation's date) and neither done nor cancelled")

    @staticmethod
    def resolve_finding(obj: Remediation) -> str:
        return obj.finding.ref

    @staticmethod
    def resolve_owner(obj: Remediation) -> str | None:
        return obj.owner.user.email if obj.owner else None


class RemediationCreate(BodyIn):
    title: str = Field(max_length=200)
    description: str = ""
    owner: str | None = Field(None, max_length=254, description="A member's e-mail address")
    due_on: dt.date | None = None
    status: RemediationStatus = RemediationStatus.OPEN


class RemediationChange(BodyIn):
    title: str | None = Field(None, max_length=200)
    description: str | None = None
    owner: str | None = Field(None, max_length=254)
    due_on: dt.date | None = None
    status: RemediationStatus | None = None


class RemediationQuery(TextIn):
    finding: str = Field("", max_length=20, description="A finding's id or ref")
    status: str = Field("", max_length=20)
    overdue: bool | None = Field(None, description="Only the overdue actions (true) or the others (false)")


class VersionOut(Schema):
    number: int
    kind: str
    url: str
    filename: str
    content_type: str
    size: int
    sha256: str
    expires_on: dt.date | None
    note: str
    created_at: dt.datetime
    created_by: str | None
    download: str | None = Field(description="Where the file is downloaded (files only)")

    @staticmethod
    def resolve_created_by(obj: EvidenceVersion) -> str | None:
        return obj.created_by.email if obj.created_by else None

    @staticmethod
    def resolve_download(obj: EvidenceVersion) -> str | None:
        if not obj.stored:
            return None
        # The organisation is the one the list was read for (`_stamped`): no query per version.
        return f"/api/v1/orgs/{obj.organization.slug}/evidence/{obj.evidence_id}/versions/{obj.number}/file"


class EvidenceOut(Schema):
    id: int
    ref: str
    title: str
    description: str
    assessment: str | None = Field(description="The ref of the assessment whose result it is attached to")
    requirement: str | None = Field(description="That result's requirement")
    result_id: int | None
    control: str | None = Field(description="The ref of the control it is attached to")
    version: int
    expires_on: dt.date | None
    state: str = Field(description="current, expiring (within 30 days) or expired")
    versions: list[VersionOut] = Field(description="Newest first")

    @staticmethod
    def resolve_assessment(obj: Evidence) -> str | None:
        return obj.result.assessment.ref if obj.result else None

    @staticmethod
    def resolve_requirement(obj: Evidence) -> str | None:
        return obj.result.requirement.ref if obj.result else None

    @staticmethod
    def resolve_control(obj: Evidence) -> str | None:
        return obj.control.ref if obj.control else None

    @staticmethod
    def resolve_state(obj: Evidence) -> str:
        return rules.evidence_state(obj.expires_on, obj.today)  # type: ignore[attr-defined]

    @staticmethod
    def resolve_versions(obj: Evidence) -> list[EvidenceVersion]:
        return list(obj.versions.all())


class EvidenceForm(TextIn):
    title: str = Field(max_length=200)
    description: str = ""
    result: int | None = Field(None, ge=1, le=2**63 - 1, description="The id of the assessment result it supports")
    control: str | None = Field(None, max_length=20, description="The ref (`C-001`) or id of the control it supports")
    url: str | None = Field(None, max_length=2000, description="A link, instead of a file")
    expires_on: dt.date | None = Field(None, description="When it wants refreshing")
    note: str = ""


class VersionForm(TextIn):
    url: str | None = Field(None, max_length=2000, description="A link, instead of a file")
    expires_on: dt.date | None = None
    note: str = ""


class EvidenceQuery(TextIn):
    assessment: str = Field("", max_length=20, description="An assessment's id or ref: its results' evidence")
    control: str = Field("", max_length=20, description="A control's ref or id")
    expiring: bool = Field(default=False, description="Only what is expired or wants refreshing within 30 days")


class AssessmentExportQuery(TextIn):
    format: str = Field("xlsx", description="xlsx (the workbook) or oscal (assessment-results); pdf is asked for "
                                            "with POST (a background job)")


class ReportIn(BodyIn):
    format: Literal["pdf"] = Field("pdf", description="pdf: the audit report, printed as a background job")


def _given(payload: Schema) -> dict[str, Any]:
    return payload.model_dump(exclude_unset=True)


def _stamped(org: Any, items: Any) -> Any:
    today = org_today(org)
    for item in items:
        item.today = today
        for version in item.versions.all():
            version.organization = org
    return items


# --- assessments ---------------------------------------------------------------------------------------------

@router.get("/{org}/assessments/", response={200: list[AssessmentOut], **ERRORS}, summary="Assessments (audits)",
            operation_id="accord_compliance_api_list_assessments")
@paginate(Pagination)
def list_assessments(request: HttpRequest, org: str, filters: Query[AssessmentQuery]) -> QuerySet[Assessment]:
    """Newest first, with each one's counts of results by value and of findings."""
    m = org_access(request, org, "assessment.view")
    return selectors.assessments(m.organization, selectors.AssessmentFilter(status=filters.status,
                                                                            framework=filters.framework))


@router.post("/{org}/assessments/", response={201: AssessmentOut, **ERRORS}, summary="Plan an assessment",
             operation_id="accord_compliance_api_create_assessment")
def create_assessment(request: HttpRequest, org: str, payload: AssessmentCreate) -> Status[Assessment]:
    """One result (not assessed) is made for every assessable requirement of the framework."""
    m = org_access(request, org, "assessment.manage")
    assessment = services.do_create_assessment(m.user, m.organization, payload.model_dump())
    return Status(201, selectors.access_assessment(m.organization, assessment.pk))


@router.get("/{org}/assessments/{assessment_id}/", response={200: AssessmentOut, **ERRORS},
            summary="One assessment", operation_id="accord_compliance_api_get_assessment")
def get_assessment(request: HttpRequest, org: str, assessment_id: AssessmentId) -> Assessment:
    m = org_access(request, org, "assessment.view")
    return selectors.access_assessment(m.organization, assessment_id)


@router.patch("/{org}/assessments/{assessment_id}/", response={200: AssessmentOut, **ERRORS},
              summary="Change an assessment", operation_id="accord_compliance_api_update_assessment")
def update_assessment(request: HttpRequest, org: str, assessment_id: AssessmentId,
                      payload: AssessmentChange) -> Assessment:
    """Only the fields sent change; `status` starts (in_progress), closes or reopens it."""
    m = org_access(request, org, "assessment.view")
    assessment = selectors.access_assessment(m.organization, assessment_id)
    org_access(request, org, "assessment.manage")
    services.do_update_assessment(m.user, m.organization, assessment, _given(payload))
    return selectors.access_assessment(m.organization, assessment.pk)


@router.get("/{org}/assessments/{assessment_id}/results/", response={200: list[ResultOut], **ERRORS},
            summary="An assessment's results", operation_id="accord_compliance_api_list_results")
@paginate(Pagination, max_limit=MAX_PAGE)
def list_results(request: HttpRequest, org: str, assessment_id: AssessmentId,
                 filters: Query[ResultQuery]) -> QuerySet[AssessmentResult]:
    """One per assessable requirement, in the framework's order; paginated (`limit` up to 1,000)."""
    m = org_access(request, org, "assessment.view")
    assessment = selectors.access_assessment(m.organization, assessment_id)
    return selectors.results(m.organization, assessment, selectors.ResultFilter(
        result=filters.result, q=filters.q, group=filters.group))


@router.patch("/{org}/assessments/{assessment_id}/results/{result_id}/", response={200: ResultOut, 409: ErrorOut,
              **ERRORS}, summary="Record a result", operation_id="accord_compliance_api_record_result")
def record_result(request: HttpRequest, org: str, assessment_id: AssessmentId, result_id: RowId,
                  payload: ResultChange) -> AssessmentResult:
    """While the assessment is in progress (409 otherwise); an auditor records only in the assessments that name
    them (403 otherwise). `not_applicable` needs a `justification`."""
    m = org_access(request, org, "assessment.view")
    assessment = selectors.access_assessment(m.organization, assessment_id)
    result = selectors.access_result(m.organization, assessment, result_id)
    org_access(request, org, "assessment.record")
    services.do_record_result(m.user, m.organization, result, _given(payload))
    return selectors.access_result(m.organization, assessment, result.pk)


@router.get("/{org}/assessments/{assessment_id}/export", response={200: None, **ERRORS},
            summary="Export an assessment (XLSX or OSCAL)", operation_id="accord_compliance_api_export_assessment",
            openapi_extra={"responses": {"200": {"description": "The workbook", "content": {
                exports_assessments.XLSX: {"schema": {"type": "string", "format": "binary"}}}}}})
def export_assessment(request: HttpRequest, org: str, assessment_id: AssessmentId,
                      options: Query[AssessmentExportQuery]) -> HttpResponse:
    """The audit's scope, its results by requirement, its findings and the remediation plan, as an XLSX
    workbook (`format=xlsx`), or the audit as OSCAL assessment-results (`format=oscal`). The PDF report is a
    background job: `POST` to this address (`format=pdf` answers 422 saying so)."""
    m = org_access(request, org, "assessment.view")
    assessment = selectors.access_assessment(m.organization, assessment_id)
    content, content_type, filename = exports_assessments.export(m.organization, assessment, options.format)
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@router.post("/{org}/assessments/{assessment_id}/export", response={202: JobOut, **ERRORS},
             summary="Ask for an assessment's PDF report", operation_id="accord_compliance_api_request_audit_report")
def request_audit_report(request: HttpRequest, response: HttpResponse, org: str, assessment_id: AssessmentId,
                         payload: ReportIn) -> Status[Job]:
    """Queue the audit report (scope, executive summary, results by group with a chart, findings, remediation
    plan) as a background job and answer it (202, its address in `Location`); asked again while that job is
    queued or running, the same job. Follow it at `GET .../jobs/{id}/`; once `done`, `GET .../jobs/{id}/file/`
    is the PDF (decision 0058). Whoever may export the audit may ask for it (`assessment.view`)."""
    m = org_access(request, org, "assessment.view")
    assessment = selectors.access_assessment(m.organization, assessment_id)
    return queued(response, do_request_report(m.user, m.organization, AUDIT_REPORT_NAME,
                                              {"assessment": assessment.pk}))


# --- findings ------------------------------------------------------------------------------------------------

def _finding_out(org: Any, finding: Finding) -> Finding:
    return selectors.access_finding(org, finding.pk)


@router.get("/{org}/findings/", response={200: list[FindingOut], **ERRORS}, summary="Findings",
            operation_id="accord_compliance_api_list_findings")
@paginate(Pagination)
def list_findings(request: HttpRequest, org: str, filters: Query[FindingQuery]) -> QuerySet[Finding]:
    m = org_access(request, org, "assessment.view")
    assessment = selectors.access_assessment(m.organization, filters.assessment).pk if filters.assessment else None
    return selectors.findings(m.organization, selectors.FindingFilter(
        assessment=assessment, status=filters.status, severity=filters.severity, kind=filters.kind))


@router.post("/{org}/findings/", response={201: FindingOut, 409: ErrorOut, **ERRORS},
             summary="Record a finding or an observation", operation_id="accord_compliance_api_create_finding")
def create_finding(request: HttpRequest, org: str, payload: FindingCreate) -> Status[Finding]:
    """In an assessment in progress (409 otherwise), as one of its auditors or a governor."""
    m = org_access(request, org, "assessment.record")
    try:
        assessment = selectors.access_assessment(m.organization, payload.assessment)
    except Http404:  # an unknown assessment is a field error of the body, not a 404 of the path
        raise ValidationError({"assessment": f"No assessment '{payload.assessment}' in this organisation."}) from None
    data = payload.model_dump(exclude={"assessment"})
    finding = services.do_create_finding(m.user, m.organization, assessment, data)
    return Status(201, _finding_out(m.organization, finding))


@router.get("/{org}/findings/{finding_id}/", response={200: FindingOut, **ERRORS}, summary="One finding",
            operation_id="accord_compliance_api_get_finding")
def get_finding(request: HttpRequest, org: str, finding_id: FindingId) -> Finding:
    m = org_access(request, org, "assessment.view")
    return selectors.access_finding(m.organization, finding_id)


@router.patch("/{org}/findings/{finding_id}/", response={200: FindingOut, 409: ErrorOut, **ERRORS},
              summary="Change a finding", operation_id="accord_compliance_api_update_finding")
def update_finding(request: HttpRequest, org: str, finding_id: FindingId, payload: FindingChange) -> Finding:
    """Texts, severity and requirement while its assessment is in progress; `status` (open, closed) at any time."""
    m = org_access(request, org, "assessment.view")
    finding = selectors.access_finding(m.organization, finding_id)
    org_access(request, org, "assessment.record")
    services.do_update_finding(m.user, m.organization, finding, _given(payload))
    return _finding_out(m.organization, finding)


@router.post("/{org}/findings/{finding_id}/risk", response={201: RiskRaisedOut, 409: ErrorOut, **ERRORS},
             summary="Raise a risk from a finding", operation_id="accord_compliance_api_raise_finding_risk")
def raise_finding_risk(request: HttpRequest, org: str, finding_id: FindingId,
                       payload: RaiseRiskIn) -> Status[dict[str, Any]]:
    """A new risk in the register, linked both ways; a finding raises one risk (409 the second time)."""
    m = org_access(request, org, "assessment.view")
    finding = selectors.access_finding(m.organization, finding_id)
    org_access(request, org, "finding.raise_risk")
    risk = services.do_raise_finding_risk(m.user, m.organization, finding,
                                          {k: v for k, v in _given(payload).items() if v is not None})
    return Status(201, {"finding": finding.ref, "risk": risk.ref, "risk_id": risk.pk})


# --- remediations --------------------------------------------------------------------------------------------

@router.get("/{org}/remediations/", response={200: list[RemediationOut], **ERRORS},
            summary="Remediation actions", operation_id="accord_compliance_api_list_remediations")
@paginate(Pagination)
def list_remediations(request: HttpRequest, org: str, filters: Query[RemediationQuery]) -> QuerySet[Remediation]:
    """By due date (undated last), each with `overdue`."""
    m = org_access(request, org, "assessment.view")
    finding = selectors.access_finding(m.organization, filters.finding).pk if filters.finding else None
    return selectors.remediations(m.organization, selectors.RemediationFilter(
        finding=finding, status=filters.status, overdue=filters.overdue))


@router.post("/{org}/findings/{finding_id}/remediations/", response={201: RemediationOut, **ERRORS},
             summary="Plan a remediation action", operation_id="accord_compliance_api_create_remediation")
def create_remediation(request: HttpRequest, org: str, finding_id: FindingId,
                       payload: RemediationCreate) -> Status[Remediation]:
    m = org_access(request, org, "assessment.view")
    finding = selectors.access_finding(m.organization, finding_id)
    org_access(request, org, "remediation.change")
    remediation = services.do_create_remediation(m.user, m.organization, finding, payload.model_dump())
    return Status(201, selectors.access_remediation(m.organization, remediation.pk))


@router.patch("/{org}/remediations/{remediation_id}/", response={200: RemediationOut, **ERRORS},
              summary="Change a remediation action", operation_id="accord_compliance_api_update_remediation")
def update_remediation(request: HttpRequest, org: str, remediation_id: RowId,
                       payload: RemediationChange) -> Remediation:
    m = org_access(request, org, "assessment.view")
    remediation = selectors.access_remediation(m.organization, remediation_id)
    org_access(request, org, "remediation.change")
    services.do_update_remediation(m.user, m.organization, remediation, _given(payload))
    return selectors.access_remediation(m.organization, remediation.pk)


# --- evidence ------------------------------------------------------------------------------------------------

@router.get("/{org}/evidence/", response={200: list[EvidenceOut], **ERRORS}, summary="Evidence",
            operation_id="accord_compliance_api_list_evidence")
@paginate(Pagination)
def list_evidence(request: HttpRequest, org: str, filters: Query[EvidenceQuery]) -> Any:
    m = org_access(request, org, "assessment.view")
    org_ = m.organization
    assessment = selectors.access_assessment(org_, filters.assessment).pk if filters.assessment else None
    control = None
    if filters.control:
        from accord.compliance.selectors_controls import access_control

        control = access_control(org_, filters.control).pk
    found = selectors.evidence(org_, selectors.EvidenceFilter(assessment=assessment, control=control,
                                                              expiring=filters.expiring))
    return _Stamped(org_, found)


class _Stamped:
    """A list of evidence that stamps each page's items with the organisation's date (for `state`)."""

    def __init__(self, org: Any, queryset: QuerySet[Evidence]) -> None:
        self.org, self.queryset = org, queryset

    def __getitem__(self, index: slice) -> list[Evidence]:
        return list(_stamped(self.org, list(self.queryset[index])))

    def count(self) -> int:
        return self.queryset.count()

    def __len__(self) -> int:
        return self.count()


def _refuse_unknown_fields(request: HttpRequest, form: type[Schema]) -> None:
    """A multipart form's fields beside the declared ones and `file` are refused, as a JSON body's are."""
    unknown = sorted(set(request.POST) - set(form.model_fields))
    unknown += sorted(name for name in request.FILES if name != "file")
    if unknown:
        raise ValidationError(dict.fromkeys(unknown, "Unknown field; the fields are: "
                                            + ", ".join([*form.model_fields, "file"]) + "."))


def _attached(org: Any, form: EvidenceForm) -> tuple[AssessmentResult | None, Any]:
    from accord.compliance.models_assessments import AssessmentResult as Result
    from accord.compliance.selectors_controls import access_control

    result = control = None
    errors = {}
    if form.result is not None:
        result = (Result.objects.for_org(org).select_related("assessment", "requirement")
                  .filter(pk=form.result).first())
        if result is None:
            errors["result"] = f"No assessment result {form.result} in this organisation."
    if form.control:
        try:
            control = access_control(org, form.control)
        except Http404:  # an unknown control is a field error of the form
            errors["control"] = f"No control '{form.control}' in this organisation."
    if errors:
        raise ValidationError(errors)
    return result, control


@router.post("/{org}/evidence/", response={201: EvidenceOut, **ERRORS}, summary="Add evidence (upload or link)",
             operation_id="accord_compliance_api_add_evidence")
def add_evidence(request: HttpRequest, org: str, form: Form[EvidenceForm],
                 file: File[UploadedFile | None] = None) -> Status[Evidence]:
    """Multipart: the fields, and the file as `file` (or a link as `url`). The file's type is read from its
    content (PDF, PNG, JPEG, Word, Excel, PowerPoint, text, CSV, JSON) and must agree with its name; larger
    than `ACCORD_MAX_EVIDENCE_BYTES` (8 MB by default), another type or a disagreeing name is refused on
    `file` and nothing is stored."""
    m = org_access(request, org, "evidence.add")
    _refuse_unknown_fields(request, EvidenceForm)
    result, control = _attached(m.organization, form)
    data = {k: v for k, v in form.model_dump(exclude={"result", "control"}).items() if v is not None}
    item = services_evidence.do_add_evidence(m.user, m.organization, data, result=result, control=control,
                                             upload=file, filename=(file.name or "") if file else "")
    return Status(201, _stamped(m.organization, [selectors.access_evidence(m.organization, item.pk)])[0])


@router.get("/{org}/evidence/{evidence_id}/", response={200: EvidenceOut, **ERRORS}, summary="One piece of evidence",
            operation_id="accord_compliance_api_get_evidence")
def get_evidence(request: HttpRequest, org: str, evidence_id: EvidenceId) -> Evidence:
    m = org_access(request, org, "assessment.view")
    return _stamped(m.organization, [selectors.access_evidence(m.organization, evidence_id)])[0]


@router.post("/{org}/evidence/{evidence_id}/versions", response={201: EvidenceOut, **ERRORS},
             summary="Add a version of evidence", operation_id="accord_compliance_api_add_evidence_version")
def add_evidence_version(request: HttpRequest, org: str, evidence_id: EvidenceId, form: Form[VersionForm],
                         file: File[UploadedFile | None] = None) -> Status[Evidence]:
    """Multipart, as on `evidence/`: a new file or link, its refresh date; earlier versions stay."""
    m = org_access(request, org, "assessment.view")
    item = selectors.access_evidence(m.organization, evidence_id)
    org_access(request, org, "evidence.add")
    _refuse_unknown_fields(request, VersionForm)
    data = {k: v for k, v in form.model_dump().items() if v is not None}
    services_evidence.do_add_evidence_version(m.user, m.organization, item, data, upload=file,
                                              filename=(file.name or "") if file else "")
    return Status(201, _stamped(m.organization, [selectors.access_evidence(m.organization, item.pk)])[0])


@router.get("/{org}/evidence/{evidence_id}/file", response={200: None, **ERRORS},
            summary="Download evidence (newest version)", operation_id="accord_compliance_api_download_evidence")
def download_evidence(request: HttpRequest, org: str, evidence_id: EvidenceId) -> HttpResponse:
    """As an attachment, with its checked content type and `X-Content-Type-Options: nosniff`; a link answers 404."""
    m = org_access(request, org, "assessment.view")
    item = selectors.access_evidence(m.organization, evidence_id)
    return evidence_file_response(selectors.evidence_version(m.organization, item))


@router.get("/{org}/evidence/{evidence_id}/versions/{number}/file", response={200: None, **ERRORS},
            summary="Download a version of evidence", operation_id="accord_compliance_api_download_evidence_version")
def download_evidence_version(request: HttpRequest, org: str, evidence_id: EvidenceId,
                              number: RowId) -> HttpResponse:
    m = org_access(request, org, "assessment.view")
    item = selectors.access_evidence(m.organization, evidence_id)
    return evidence_file_response(selectors.evidence_version(m.organization, item, number))
