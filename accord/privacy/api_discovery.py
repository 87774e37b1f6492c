"""REST API of the data-privacy audit, mounted under /api/v1/orgs/ by accord/api.py: audits (list, plan, read with
their scope, imports and questionnaires), a data-discovery upload (a background job with progress), the owners'
data-inventory questionnaires (send, list, answer), the discrepancies (the comparison's answer; comparing writes
each new one as a finding of the audit) and the PDF report (a job of the reports kit).

Schemas check types; the services check meaning and name every bad field; the discrepancies are the pure rule's
answer (`rules_discrepancies`)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from ninja import Field, File, Router, Schema, Status, UploadedFile
from ninja.pagination import paginate

from accord.core.apikit import ERRORS, BodyIn, Id, Pagination, org_access
from accord.core.jobs.api import JobOut, queued
from accord.core.reports.services import do_request_report
from accord.privacy import selectors_discovery, services_discovery
from accord.privacy.choices_discovery import CATEGORY_LABELS
from accord.privacy.jobs_discovery import do_queue_discovery_import
from accord.privacy.models_discovery import DataAudit, Discrepancy, Questionnaire
from accord.privacy.reports_discovery import DATA_AUDIT_REPORT_NAME

router = Router(tags=["privacy: data-privacy audits"])
API = "/{org}/privacy/data-audits"


# --- schemas ---------------------------------------------------------------------------------------------------

class DataAuditIn(BodyIn):
    title: str = Field(min_length=1, max_length=200)
    activities: list[str] = Field([], max_length=500, description="Activities of the scope: PA-001 or names")
    systems: list[str] = Field([], max_length=500, description="Systems of the scope: S-001 or names (the systems "
                                                               "of its activities are in the scope too)")
    auditors: list[str] = Field([], max_length=50, description="Members' e-mail addresses, auditors of its audit")


class DiscoveryImportOut(Schema):
    filename: str
    fields: int
    personal: int = Field(description="How many of its fields hold personal data, by the classifier")
    created_at: dt.datetime


class DataAuditOut(Schema):
    id: int
    ref: str = Field(description="DPA-001")
    title: str
    assessment: str = Field(description="The compliance audit holding its findings (AUD-001)")
    assessment_id: int
    assessment_status: str
    activities: list[str]
    systems: list[str] = Field(description="Every system of the scope, those of its activities included")
    open_discrepancies: int
    compared_at: dt.datetime | None
    created_at: dt.datetime


class DataAuditDetailOut(DataAuditOut):
    imports: list[DiscoveryImportOut]


class DataAuditListOut(Schema):
    id: int
    ref: str
    title: str
    assessment: str
    activity_count: int
    system_count: int = Field(description="Systems the audit names (those of its activities come besides)")
    open_discrepancies: int
    compared_at: dt.datetime | None


class FieldIO(BodyIn):
    name: str = Field(min_length=1, max_length=200, description="The field's name")
    category: str = Field("", max_length=30, description="A category key (email, health, …); empty: classified "
                                                         "by its name")
    location: str = Field("", max_length=300, description="Where it is stored: table, file, bucket")
    retention: str = Field("", max_length=300, description="The retention applied to it, if not the system's")


class QuestionnaireOut(Schema):
    id: int
    system: str
    system_name: str
    recipient: str | None = Field(description="The owner it was sent to (e-mail address)")
    status: str
    fields: list[FieldIO]
    stored_in: list[str]
    retention: str
    access: str
    shared_with: str
    sent_at: dt.datetime
    answered_at: dt.datetime | None


class AnswerIn(BodyIn):
    fields: list[FieldIO] = Field([], max_length=1_000, description="The personal-data fields the system holds")
    stored_in: list[str] = Field([], max_length=50, description="Countries where it is stored (ISO 3166-1 alpha-2)")
    retention: str = Field("", max_length=300, description="The retention actually applied: 90 days, 5 years, …")
    access: str = Field("", max_length=10_000, description="Who has access")
    shared_with: str = Field("", max_length=10_000, description="With whom the data are shared")


class SentOut(Schema):
    sent: list[QuestionnaireOut]
    without_owner: list[str] = Field(description="Systems with no owner to send to (give them one, send again)")


class DiscrepancyOut(Schema):
    kind: str = Field(description="undeclared_category, unnamed_system, retention_exceeded, undeclared_transfer, "
                                  "unobserved_category")
    key: str = Field(description="What makes it the same discrepancy when compared again")
    system: str | None
    activity: str | None
    category: str = Field(description="The category key(s) of the rule set; empty for a whole system or country")
    category_label: str
    country: str
    facts: dict[str, Any]
    status: str = Field(description="open, resolved (no longer found); `pending`: found but not compared yet")
    finding: str | None = Field(description="The finding of the audit it became (F-001)")


class DiscrepanciesOut(Schema):
    audit: str
    compared_at: dt.datetime | None
    discrepancies: list[DiscrepancyOut]


class ComparedOut(DiscrepanciesOut):
    created: int = Field(description="New discrepancies, each now a finding")
    unchanged: int = Field(description="Found again: nothing written")
    resolved: int = Field(description="No longer found")
    reopened: int = Field(description="Found again after being resolved")


# --- helpers ---------------------------------------------------------------------------------------------------

def _audit_out(org: Any, a: DataAudit) -> dict[str, Any]:
    systems = selectors_discovery.scope_systems(org, a)
    return {"id": a.pk, "ref": a.ref, "title": a.title, "assessment": a.assessment.ref,
            "assessment_id": a.assessment_id, "assessment_status": a.assessment.status,
            "activities": [link.activity.ref for link in a.activity_links.all()],
            "systems": [s.ref for s in systems], "open_discrepancies": getattr(a, "open_count", 0),
            "compared_at": a.compared_at, "created_at": a.created_at,
            "imports": [{"filename": i.filename, "fields": i.fields_count, "personal": i.personal_count,
                         "created_at": i.created_at} for i in a.imports.all()]}


def _questionnaire_out(q: Questionnaire) -> dict[str, Any]:
    return {"id": q.pk, "system": q.system.ref, "system_name": q.system.name,
            "recipient": q.recipient.user.email if q.recipient else None, "status": q.status, "fields": q.fields,
            "stored_in": q.stored_in, "retention": q.retention, "access": q.access, "shared_with": q.shared_with,
            "sent_at": q.sent_at, "answered_at": q.answered_at}


def _category_label(category: str) -> str:
    return ", ".join(str(CATEGORY_LABELS.get(k, k)) for k in category.split(",") if k)


def _kept_out(d: Discrepancy) -> dict[str, Any]:
    return {"kind": d.kind, "key": d.key, "system": d.system.ref if d.system else None,
            "activity": d.activity.ref if d.activity else None, "category": d.category,
            "category_label": _category_label(d.category), "country": d.country, "facts": d.facts,
            "status": d.status, "finding": d.finding.ref if d.finding else None}


def _discrepancies(org: Any, a: DataAudit) -> dict[str, Any]:
    """The kept discrepancies, and those the rule finds now that no comparison has kept yet (`pending`)."""
    kept = list(selectors_discovery.discrepancies(org, a))
    keys = {d.key for d in kept}
    pending = [{"kind": d.kind, "key": d.key, "system": d.system or None, "activity": d.activity or None,
                "category": d.category, "category_label": _category_label(d.category), "country": d.country,
                "facts": dict(d.facts), "status": "pending", "finding": None}
               for d in selectors_discovery.comparison(org, a).found if d.key not in keys]
    return {"audit": a.ref, "compared_at": a.compared_at,
            "discrepancies": [_kept_out(d) for d in kept] + pending}


# --- routes ----------------------------------------------------------------------------------------------------

@router.get(f"{API}/", response={200: list[DataAuditListOut], **ERRORS}, summary="List the data-privacy audits",
            operation_id="accord_privacy_api_list_data_audits")
@paginate(Pagination)
def list_data_audits(request: HttpRequest, org: str) -> Any:
    m = org_access(request, org, "privacy.data_audit.view")
    return [{"id": a.pk, "ref": a.ref, "title": a.title, "assessment": a.assessment.ref,
             "activity_count": a.activity_count, "system_count": a.system_count,  # type: ignore[attr-defined]
             "open_discrepancies": a.open_count, "compared_at": a.compared_at}  # type: ignore[attr-defined]
            for a in selectors_discovery.data_audits(m.organization)]


@router.post(f"{API}/", response={201: DataAuditDetailOut, **ERRORS}, summary="Plan a data-privacy audit",
             operation_id="accord_privacy_api_create_data_audit")
def create_data_audit(request: HttpRequest, org: str, payload: DataAuditIn) -> Status[Any]:
    """Its scope is activities and systems (at least one); its findings go to a compliance audit on the GDPR
    framework, created with it and in progress (the built-in framework is installed if missing)."""
    m = org_access(request, org, "privacy.data_audit.change")
    created = services_discovery.do_create_data_audit(m.user, m.organization, payload.model_dump())
    return Status(201, _audit_out(m.organization, selectors_discovery.access_data_audit(m.organization, created.pk)))


@router.get(f"{API}/{{audit_id}}", response={200: DataAuditDetailOut, **ERRORS}, summary="Read a data-privacy audit",
            operation_id="accord_privacy_api_get_data_audit")
def get_data_audit(request: HttpRequest, org: str, audit_id: Id) -> dict[str, Any]:
    m = org_access(request, org, "privacy.data_audit.view")
    return _audit_out(m.organization, selectors_discovery.access_data_audit(m.organization, audit_id))


@router.post(f"{API}/{{audit_id}}/discovery", response={202: JobOut, **ERRORS},
             summary="Import data-discovery results (CSV or XLSX), as a background job",
             operation_id="accord_privacy_api_import_discovery")
def import_discovery(request: HttpRequest, response: HttpResponse, org: str, audit_id: Id,
                     file: File[UploadedFile | None] = None) -> Any:
    """Multipart upload with the columns `system` (S-001 or its name, in the audit's scope), `location`, `field`,
    `classification` (optional) and `rows` (optional). Each field is classified into a category of personal data
    (docs/privacy-audit.md). A background job with progress: the answer is 202 with the job; once `done` its
    `result` gives the fields, those holding personal data and the count by category. All or nothing: with any
    refused row the job `failed` and its `error` names the rows; the same file twice fails too."""
    m = org_access(request, org, "privacy.data_audit.change")
    data_audit = selectors_discovery.access_data_audit(m.organization, audit_id)
    if file is None:
        raise ValidationError({"file": "Attach the discovery as the multipart/form-data field `file` (CSV or XLSX)."})
    from accord.privacy.io_discovery import TABLE

    content = file.read(TABLE.max_bytes + 1)
    if len(content) > TABLE.max_bytes:
        raise ValidationError({"file": f"The file is larger than {TABLE.max_bytes // (1024 * 1024)} MB; split it "
                                       "into several imports."})
    return queued(response, do_queue_discovery_import(m.user, m.organization, data_audit, content, file.name or ""))


@router.get(f"{API}/{{audit_id}}/questionnaires/", response={200: list[QuestionnaireOut], **ERRORS},
            summary="The audit's data-inventory questionnaires", operation_id="accord_privacy_api_list_questionnaires")
def list_questionnaires(request: HttpRequest, org: str, audit_id: Id) -> list[dict[str, Any]]:
    m = org_access(request, org, "privacy.data_audit.view")
    data_audit = selectors_discovery.access_data_audit(m.organization, audit_id)
    return [_questionnaire_out(q) for q in selectors_discovery.questionnaires(m.organization, data_audit)]


@router.post(f"{API}/{{audit_id}}/questionnaires/", response={200: SentOut, **ERRORS},
             summary="Send the data-inventory questionnaires to the systems' owners",
             operation_id="accord_privacy_api_send_questionnaires")
def send_questionnaires(request: HttpRequest, org: str, audit_id: Id) -> dict[str, Any]:
    """One per system of the scope that has none yet, to its business owner (else its IT owner), who is told in
    Accord; systems with no owner are listed."""
    m = org_access(request, org, "privacy.data_audit.change")
    data_audit = selectors_discovery.access_data_audit(m.organization, audit_id)
    done = services_discovery.do_send_questionnaires(m.user, m.organization, data_audit)
    return {"sent": [_questionnaire_out(q) for q in done.sent], "without_owner": [s.ref for s in done.without_owner]}


@router.put(f"{API}/{{audit_id}}/questionnaires/{{questionnaire_id}}", response={200: QuestionnaireOut, **ERRORS},
            summary="Answer a data-inventory questionnaire", operation_id="accord_privacy_api_answer_questionnaire")
def answer_questionnaire(request: HttpRequest, org: str, audit_id: Id, questionnaire_id: Id,
                         payload: AnswerIn) -> dict[str, Any]:
    """By the system's owner it was sent to (or a member who plans data-privacy audits); answering again replaces
    the answer."""
    m = org_access(request, org, "privacy.data_audit.answer")
    data_audit = selectors_discovery.access_data_audit(m.organization, audit_id)
    q = selectors_discovery.access_questionnaire(m.organization, data_audit, questionnaire_id)
    data = payload.model_dump()
    return _questionnaire_out(services_discovery.do_answer_questionnaire(m.user, m.organization, q, data))


@router.get(f"{API}/{{audit_id}}/discrepancies", response={200: DiscrepanciesOut, **ERRORS},
            summary="The audit's discrepancies", operation_id="accord_privacy_api_list_discrepancies")
def list_discrepancies(request: HttpRequest, org: str, audit_id: Id) -> dict[str, Any]:
    """Those kept by the comparisons (open or resolved, each with its finding) and those the rule finds now that
    are not compared yet (`pending`)."""
    m = org_access(request, org, "privacy.data_audit.view")
    return _discrepancies(m.organization, selectors_discovery.access_data_audit(m.organization, audit_id))


@router.post(f"{API}/{{audit_id}}/discrepancies", response={200: ComparedOut, **ERRORS},
             summary="Compare declared and observed: new discrepancies become findings",
             operation_id="accord_privacy_api_compare_data_audit")
def compare_data_audit(request: HttpRequest, org: str, audit_id: Id) -> dict[str, Any]:
    """Idempotent: what is found again writes nothing; what is no longer found is resolved. 409 once the audit's
    compliance audit is no longer in progress."""
    m = org_access(request, org, "privacy.data_audit.change")
    data_audit = selectors_discovery.access_data_audit(m.organization, audit_id)
    done = services_discovery.do_compare_data_audit(m.user, m.organization, data_audit)
    fresh = selectors_discovery.access_data_audit(m.organization, audit_id)
    return {**_discrepancies(m.organization, fresh), **done.as_data()}


@router.post(f"{API}/{{audit_id}}/report", response={202: JobOut, **ERRORS},
             summary="The data-privacy audit report (PDF), as a background job",
             operation_id="accord_privacy_api_data_audit_report")
def data_audit_report(request: HttpRequest, response: HttpResponse, org: str, audit_id: Id) -> Any:
    """Scope, discrepancy matrix, discrepancies and remediation plan; the job's file is the PDF."""
    m = org_access(request, org, "privacy.data_audit.view")
    data_audit = selectors_discovery.access_data_audit(m.organization, audit_id)
    return queued(response, do_request_report(m.user, m.organization, DATA_AUDIT_REPORT_NAME, {"audit": data_audit.pk}))
