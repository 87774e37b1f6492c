"""REST API of the record of processing, mounted under /api/v1/orgs/ by accord/api.py: processing activities
(list, add, read with what each lacks, change), an activity's DPIA screening (read the outcome, answer), the
processors (Art. 28), the transfers outside the EEA, and the whole record as XLSX or PDF.

Schemas check types; the services check meaning and name every bad field; the completeness and the screening
are the pure rules' answers (`rules_ropa`, `rules_screening`)."""

from __future__ import annotations

from typing import Any, Literal

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from accord.core.apikit import ERRORS, BodyIn, Id, Pagination, TextIn, org_access
from accord.core.clock import org_today
from accord.privacy import exports_ropa, selectors_ropa, services_processors, services_ropa
from accord.privacy.choices_ropa import (
    Approval,
    Art9Condition,
    Art35Case,
    Authorisation,
    Criterion,
    Derogation,
    LegalBasis,
    Mechanism,
    RecordKind,
    ScreeningOutcome,
)
from accord.privacy.models_processors import Processor, Transfer
from accord.privacy.models_ropa import ProcessingActivity

router = Router(tags=["privacy: record of processing"])
API = "/{org}/privacy"
MAX_PAGE = 500


# --- schemas ---------------------------------------------------------------------------------------------------

class LiaIO(BodyIn):
    """The legitimate-interests assessment (balancing test) of a purpose on Art. 6(1)(f)."""

    interest: str = Field("", max_length=10_000, description="The legitimate interest pursued")
    necessity: str = Field("", max_length=10_000, description="Why the processing is necessary for it")
    balancing: str = Field("", max_length=10_000, description="Why the data subjects' interests do not override it")


class PurposeIO(BodyIn):
    name: str = Field(min_length=1, max_length=300)
    legal_basis: LegalBasis | Literal[""] = Field("", description="Art. 6(1): a to f; empty when not decided")
    lia: LiaIO | None = Field(None, description="Where the legal basis is (f)")


class DataCategoryIO(BodyIn):
    name: str = Field(min_length=1, max_length=300)
    special: bool = Field(False, description="A special category (Art. 9(1))")
    art9_condition: Art9Condition | Literal[""] = Field("", description="Art. 9(2): a to j, for a special category")
    retention: str = Field("", max_length=300, description="This category's time limit for erasure")


class RecipientIO(BodyIn):
    name: str = Field(min_length=1, max_length=300, description="A category of recipients")
    country: str = Field("", max_length=16, description="ISO 3166-1 alpha-2 when outside the EEA; empty otherwise")


class PartyIO(BodyIn):
    name: str = Field(min_length=1, max_length=200)
    contact: str = Field("", max_length=300)


class GapOut(Schema):
    item: str = Field(description="What is missing: controller, purposes, transfers, … (docs/privacy-ropa.md)")
    article: str = Field(description="The article that asks for it: 30(1)(a), 6(1), 9(2), …")
    detail: str = Field(description="Which one of several (a purpose, a transfer); empty otherwise")
    label: str


def _links(obj: Any, name: str, attr: str) -> list[str]:
    return [getattr(link, attr).ref for link in getattr(obj, name).all()]


class ActivityOut(Schema):
    id: int
    ref: str = Field(description="PA-001, PA-002, … in the order activities were added")
    name: str
    description: str
    record_kind: RecordKind
    controller_name: str = Field(description="The controller's (for a processor's record: the processor's) name")
    controller_contact: str
    joint_controllership: bool
    joint_controller_name: str
    joint_controller_contact: str
    representative_required: bool
    representative_name: str
    representative_contact: str
    dpo_designated: bool
    dpo_name: str
    dpo_contact: str
    controllers: list[PartyIO] = Field(description="A processor's record: the controllers it acts for")
    processing_categories: list[str]
    purposes: list[PurposeIO]
    data_subjects: list[str]
    data_categories: list[DataCategoryIO]
    recipients: list[RecipientIO]
    no_recipients: bool
    retention: str
    security_measures: str
    systems: list[str] = Field(description="References of the systems that carry it")
    processors: list[str] = Field(description="References of its processors")
    transfers: list[str] = Field(description="References of its transfers outside the EEA")
    complete: bool = Field(description="No Art. 30 item is missing")
    missing: list[GapOut] = Field(description="The Art. 30 items it lacks, in the article's order")
    gaps: list[GapOut] = Field(description="Art. 6 and 9 gaps: a legal basis, an assessment, an Art. 9(2) condition")
    screening_outcome: ScreeningOutcome | None = Field(description="null until screened")

    @staticmethod
    def resolve_systems(obj: Any) -> list[str]:
        return _links(obj, "system_links", "system")

    @staticmethod
    def resolve_processors(obj: Any) -> list[str]:
        return _links(obj, "processor_links", "processor")

    @staticmethod
    def resolve_transfers(obj: Any) -> list[str]:
        return [t.ref for t in obj.transfers.all()]

    @staticmethod
    def resolve_complete(obj: Any) -> bool:
        return _completeness(obj).complete

    @staticmethod
    def resolve_missing(obj: Any) -> list[Any]:
        return selectors_ropa.gap_rows(_completeness(obj).missing)

    @staticmethod
    def resolve_gaps(obj: Any) -> list[Any]:
        return selectors_ropa.gap_rows(_completeness(obj).gaps)

    @staticmethod
    def resolve_screening_outcome(obj: Any) -> str | None:
        return obj.screening_outcome or None


def _completeness(activity: ProcessingActivity) -> Any:
    cached = getattr(activity, "_completeness", None)
    if cached is None:
        cached = selectors_ropa.completeness(activity, org_today(activity.organization))
        activity._completeness = cached  # type: ignore[attr-defined]
    return cached


class ActivityPatch(BodyIn):
    """Any of the fields; a list given replaces the list. Systems by reference (S-001) or name, processors by
    reference (PR-001) or name."""

    name: str | None = Field(None, max_length=200)
    description: str | None = Field(None, max_length=10_000)
    record_kind: RecordKind | None = None
    controller_name: str | None = Field(None, max_length=200)
    controller_contact: str | None = Field(None, max_length=300)
    joint_controllership: bool | None = None
    joint_controller_name: str | None = Field(None, max_length=200)
    joint_controller_contact: str | None = Field(None, max_length=300)
    representative_required: bool | None = None
    representative_name: str | None = Field(None, max_length=200)
    representative_contact: str | None = Field(None, max_length=300)
    dpo_designated: bool | None = None
    dpo_name: str | None = Field(None, max_length=200)
    dpo_contact: str | None = Field(None, max_length=300)
    controllers: list[PartyIO] | None = None
    processing_categories: list[str] | None = None
    purposes: list[PurposeIO] | None = None
    data_subjects: list[str] | None = None
    data_categories: list[DataCategoryIO] | None = None
    recipients: list[RecipientIO] | None = None
    no_recipients: bool | None = None
    retention: str | None = Field(None, max_length=10_000)
    security_measures: str | None = Field(None, max_length=10_000)
    systems: list[str] | None = None
    processors: list[str] | None = None


class ActivityCreate(ActivityPatch):
    name: str = Field(min_length=1, max_length=200)


def _input(payload: BodyIn) -> dict[str, Any]:
    return dict(payload.model_dump(exclude_unset=True, mode="json"))


class ScreeningIn(BodyIn):
    criteria: list[Criterion] = Field(default_factory=list, description="The WP248 criteria the activity meets")
    cases: list[Art35Case] = Field(default_factory=list, description="The Art. 35(3) cases that apply")
    exception: str = Field("", max_length=10_000,
                           description="The DPO's justified reason for not carrying out a required DPIA")


class ScreeningOut(Schema):
    activity: str = Field(description="The activity's reference")
    screened: bool
    criteria: list[Criterion]
    cases: list[Art35Case]
    criteria_met: int
    basis: Literal["art35_3", "criteria", "one_criterion", "no_criterion"] | None = Field(
        description="Why the rule answers so: an Art. 35(3) case, two criteria or more, one, none")
    outcome: ScreeningOutcome | None = Field(description="required, excepted, document, not_required; null until "
                                                         "screened")
    dpia_required: bool | None
    document_reasons: bool | None = Field(description="The reasons for carrying out no DPIA are to be written down")
    exception: str
    screened_at: Any = None
    screened_by: str | None = None


def _screening(activity: ProcessingActivity) -> dict[str, Any]:
    result = selectors_ropa.screening_of(activity)
    base = {"activity": activity.ref, "screened": result is not None, "screened_at": activity.screened_at,
            "screened_by": activity.screened_by.email if activity.screened_by else None}
    if result is None:
        return {**base, "criteria": [], "cases": [], "criteria_met": 0, "basis": None, "outcome": None,
                "dpia_required": None, "document_reasons": None, "exception": ""}
    return {**base, "criteria": list(result.criteria), "cases": list(result.cases),
            "criteria_met": len(result.criteria), "basis": result.basis.value, "outcome": result.outcome.value,
            "dpia_required": result.dpia_required, "document_reasons": result.document_reasons,
            "exception": result.exception}


class SubProcessorIO(BodyIn):
    name: str = Field(min_length=1, max_length=200)
    country: str = Field("", max_length=2)
    service: str = Field("", max_length=300)
    approval: Approval = Approval.PENDING
    approved_on: Any = Field(None, description="YYYY-MM-DD")


class ProcessorOut(Schema):
    id: int
    ref: str = Field(description="PR-001, PR-002, …")
    name: str
    contact: str
    country: str
    services: str
    clause_a: bool
    clause_b: bool
    clause_c: bool
    clause_d: bool
    clause_e: bool
    clause_f: bool
    clause_g: bool
    clause_h: bool
    missing_clauses: list[str] = Field(description="The Art. 28(3) clauses the contract lacks (clause_a …)")
    authorisation: Authorisation
    sub_processors: list[SubProcessorIO]
    contract_signed_on: Any
    last_reviewed_on: Any
    next_review_on: Any
    systems: list[str]
    activities: list[str] = Field(description="References of the activities it serves")
    transfers: list[str]

    @staticmethod
    def resolve_missing_clauses(obj: Any) -> list[str]:
        return selectors_ropa.missing_clauses(obj)

    @staticmethod
    def resolve_systems(obj: Any) -> list[str]:
        return _links(obj, "system_links", "system")

    @staticmethod
    def resolve_activities(obj: Any) -> list[str]:
        return _links(obj, "activity_links", "activity")

    @staticmethod
    def resolve_transfers(obj: Any) -> list[str]:
        return [t.ref for t in obj.transfers.all()]


class ProcessorPatch(BodyIn):
    name: str | None = Field(None, max_length=200)
    contact: str | None = Field(None, max_length=300)
    country: str | None = Field(None, max_length=2, description="ISO 3166-1 alpha-2")
    services: str | None = Field(None, max_length=10_000)
    clause_a: bool | None = Field(None, description="Art. 28(3)(a): documented instructions")
    clause_b: bool | None = Field(None, description="(b) confidentiality")
    clause_c: bool | None = Field(None, description="(c) Art. 32 security")
    clause_d: bool | None = Field(None, description="(d) conditions for sub-processors")
    clause_e: bool | None = Field(None, description="(e) assistance with data subjects' requests")
    clause_f: bool | None = Field(None, description="(f) assistance with Art. 32 to 36")
    clause_g: bool | None = Field(None, description="(g) deletion or return at the end")
    clause_h: bool | None = Field(None, description="(h) information and audits")
    authorisation: Authorisation | None = None
    sub_processors: list[SubProcessorIO] | None = None
    contract_signed_on: Any = Field(None, description="YYYY-MM-DD")
    last_reviewed_on: Any = Field(None, description="YYYY-MM-DD")
    next_review_on: Any = Field(None, description="YYYY-MM-DD")
    systems: list[str] | None = None


class ProcessorCreate(ProcessorPatch):
    name: str = Field(min_length=1, max_length=200)


class IssueOut(Schema):
    code: str
    text: str


class TransferOut(Schema):
    id: int
    ref: str = Field(description="TR-001, TR-002, …")
    activity: str | None = Field(description="The activity's reference")
    processor: str | None = Field(description="The processor's reference")
    destination: str
    recipient: str
    mechanism: Mechanism | Literal[""]
    scc_module: int | None
    derogation: Derogation | Literal[""]
    safeguards: str
    in_scope: bool
    tia_done_on: Any
    tia_conclusion: str
    adequacy: str | None = Field(description="The adequacy decision for the destination, when there is one")
    issues: list[IssueOut] = Field(description="What it still needs (docs/privacy-ropa.md, Transfers)")

    @staticmethod
    def resolve_activity(obj: Any) -> str | None:
        return obj.activity.ref if obj.activity else None

    @staticmethod
    def resolve_processor(obj: Any) -> str | None:
        return obj.processor.ref if obj.processor else None

    @staticmethod
    def resolve_adequacy(obj: Any) -> str | None:
        return selectors_ropa.adequacy_of(obj)

    @staticmethod
    def resolve_issues(obj: Any) -> list[dict[str, str]]:
        return [{"code": code, "text": text}
                for code, text in selectors_ropa.transfer_issues(obj, org_today(obj.organization))]


class TransferPatch(BodyIn):
    activity: int | None = Field(None, ge=1, description="The activity's id")
    processor: int | None = Field(None, ge=1, description="The processor's id")
    destination: str | None = Field(None, max_length=16, description="ISO 3166-1 alpha-2, or EPORG")
    recipient: str | None = Field(None, max_length=200)
    mechanism: Mechanism | Literal[""] | None = None
    scc_module: int | None = Field(None, ge=1, le=4, description="1 to 4, for SCCs")
    derogation: Derogation | Literal[""] | None = None
    safeguards: str | None = Field(None, max_length=10_000)
    in_scope: bool | None = Field(None, description="A limited adequacy decision covers the recipient")
    tia_done_on: Any = Field(None, description="When the transfer impact assessment was made, YYYY-MM-DD")
    tia_conclusion: str | None = Field(None, max_length=10_000)


class TransferCreate(TransferPatch):
    destination: str = Field(min_length=1, max_length=16)


class RopaExportQuery(TextIn):
    format: Literal["xlsx", "pdf"] = "xlsx"


# --- activities ------------------------------------------------------------------------------------------------

@router.get(f"{API}/activities/", response={200: list[ActivityOut], **ERRORS}, summary="The record of processing",
            operation_id="accord_privacy_api_list_activities")
@paginate(Pagination, max_limit=MAX_PAGE)
def list_activities(request: HttpRequest, org: str) -> QuerySet[ProcessingActivity]:
    """By reference, each with the Art. 30 items it lacks; paginated (`limit` up to 500, `offset`)."""
    m = org_access(request, org, "privacy.ropa.view")
    return selectors_ropa.activities(m.organization)


@router.post(f"{API}/activities/", response={201: ActivityOut, **ERRORS}, summary="Add a processing activity",
             operation_id="accord_privacy_api_create_activity")
def create_activity(request: HttpRequest, org: str, payload: ActivityCreate) -> Status[Any]:
    m = org_access(request, org, "privacy.ropa.change")
    activity = services_ropa.do_create_activity(m.user, m.organization, _input(payload))
    return Status(201, selectors_ropa.access_activity(m.organization, activity.pk))


@router.get(f"{API}/activities/{{activity_id}}/", response={200: ActivityOut, **ERRORS},
            summary="A processing activity", operation_id="accord_privacy_api_get_activity")
def get_activity(request: HttpRequest, org: str, activity_id: Id) -> ProcessingActivity:
    m = org_access(request, org, "privacy.ropa.view")
    return selectors_ropa.access_activity(m.organization, activity_id)


@router.patch(f"{API}/activities/{{activity_id}}/", response={200: ActivityOut, **ERRORS},
              summary="Change a processing activity", operation_id="accord_privacy_api_update_activity")
def update_activity(request: HttpRequest, org: str, activity_id: Id, payload: ActivityPatch) -> ProcessingActivity:
    m = org_access(request, org, "privacy.ropa.change")
    activity = selectors_ropa.access_activity(m.organization, activity_id)
    services_ropa.do_update_activity(m.user, m.organization, activity, _input(payload))
    return selectors_ropa.access_activity(m.organization, activity_id)


@router.get(f"{API}/activities/{{activity_id}}/screening", response={200: ScreeningOut, **ERRORS},
            summary="The activity's DPIA screening", operation_id="accord_privacy_api_get_screening")
def get_screening(request: HttpRequest, org: str, activity_id: Id) -> dict[str, Any]:
    """The outcome of the rule on the stored answers (docs/privacy-ropa.md, DPIA screening)."""
    m = org_access(request, org, "privacy.ropa.view")
    return _screening(selectors_ropa.access_activity(m.organization, activity_id))


def _screen(request: HttpRequest, org: str, activity_id: int, payload: ScreeningIn) -> dict[str, Any]:
    m = org_access(request, org, "privacy.ropa.screen")
    activity = selectors_ropa.access_activity(m.organization, activity_id)
    services_ropa.do_screen_activity(m.user, m.organization, activity, criteria=[c.value for c in payload.criteria],
                                     cases=[c.value for c in payload.cases], exception=payload.exception)
    return _screening(selectors_ropa.access_activity(m.organization, activity_id))


@router.put(f"{API}/activities/{{activity_id}}/screening", response={200: ScreeningOut, **ERRORS},
            summary="Answer the activity's DPIA screening", operation_id="accord_privacy_api_put_screening")
def put_screening(request: HttpRequest, org: str, activity_id: Id, payload: ScreeningIn) -> dict[str, Any]:
    """Replace the answers: the criteria met, the Art. 35(3) cases, the DPO's exception (only where the rule
    requires a DPIA: 422 otherwise). Answers the outcome."""
    return _screen(request, org, activity_id, payload)


@router.post(f"{API}/activities/{{activity_id}}/screening", response={200: ScreeningOut, **ERRORS},
             summary="Answer the activity's DPIA screening (as PUT)", operation_id="accord_privacy_api_post_screening")
def post_screening(request: HttpRequest, org: str, activity_id: Id, payload: ScreeningIn) -> dict[str, Any]:
    """The same as PUT."""
    return _screen(request, org, activity_id, payload)


# --- processors ------------------------------------------------------------------------------------------------

@router.get(f"{API}/processors/", response={200: list[ProcessorOut], **ERRORS}, summary="The processors",
            operation_id="accord_privacy_api_list_processors")
@paginate(Pagination, max_limit=MAX_PAGE)
def list_processors(request: HttpRequest, org: str) -> QuerySet[Processor]:
    m = org_access(request, org, "privacy.ropa.view")
    return selectors_ropa.processors(m.organization)


@router.post(f"{API}/processors/", response={201: ProcessorOut, **ERRORS}, summary="Add a processor",
             operation_id="accord_privacy_api_create_processor")
def create_processor(request: HttpRequest, org: str, payload: ProcessorCreate) -> Status[Any]:
    m = org_access(request, org, "privacy.ropa.change")
    processor = services_processors.do_create_processor(m.user, m.organization, _input(payload))
    return Status(201, selectors_ropa.access_processor(m.organization, processor.pk))


@router.get(f"{API}/processors/{{processor_id}}/", response={200: ProcessorOut, **ERRORS}, summary="A processor",
            operation_id="accord_privacy_api_get_processor")
def get_processor(request: HttpRequest, org: str, processor_id: Id) -> Processor:
    m = org_access(request, org, "privacy.ropa.view")
    return selectors_ropa.access_processor(m.organization, processor_id)


@router.patch(f"{API}/processors/{{processor_id}}/", response={200: ProcessorOut, **ERRORS},
              summary="Change a processor", operation_id="accord_privacy_api_update_processor")
def update_processor(request: HttpRequest, org: str, processor_id: Id, payload: ProcessorPatch) -> Processor:
    m = org_access(request, org, "privacy.ropa.change")
    processor = selectors_ropa.access_processor(m.organization, processor_id)
    services_processors.do_update_processor(m.user, m.organization, processor, _input(payload))
    return selectors_ropa.access_processor(m.organization, processor_id)


# --- transfers -------------------------------------------------------------------------------------------------

@router.get(f"{API}/transfers/", response={200: list[TransferOut], **ERRORS}, summary="Transfers outside the EEA",
            operation_id="accord_privacy_api_list_transfers")
@paginate(Pagination, max_limit=MAX_PAGE)
def list_transfers(request: HttpRequest, org: str) -> QuerySet[Transfer]:
    """By reference, each with what it still needs."""
    m = org_access(request, org, "privacy.ropa.view")
    return selectors_ropa.transfers(m.organization)


@router.post(f"{API}/transfers/", response={201: TransferOut, **ERRORS}, summary="Record a transfer",
             operation_id="accord_privacy_api_create_transfer")
def create_transfer(request: HttpRequest, org: str, payload: TransferCreate) -> Status[Any]:
    m = org_access(request, org, "privacy.ropa.change")
    transfer = services_processors.do_create_transfer(m.user, m.organization, _input(payload))
    return Status(201, selectors_ropa.access_transfer(m.organization, transfer.pk))


@router.get(f"{API}/transfers/{{transfer_id}}/", response={200: TransferOut, **ERRORS}, summary="A transfer",
            operation_id="accord_privacy_api_get_transfer")
def get_transfer(request: HttpRequest, org: str, transfer_id: Id) -> Transfer:
    m = org_access(request, org, "privacy.ropa.view")
    return selectors_ropa.access_transfer(m.organization, transfer_id)


@router.patch(f"{API}/transfers/{{transfer_id}}/", response={200: TransferOut, **ERRORS},
              summary="Change a transfer", operation_id="accord_privacy_api_update_transfer")
def update_transfer(request: HttpRequest, org: str, transfer_id: Id, payload: TransferPatch) -> Transfer:
    m = org_access(request, org, "privacy.ropa.change")
    transfer = selectors_ropa.access_transfer(m.organization, transfer_id)
    services_processors.do_update_transfer(m.user, m.organization, transfer, _input(payload))
    return selectors_ropa.access_transfer(m.organization, transfer_id)


# --- the whole record --------------------------------------------------------------------------------------------

@router.get(f"{API}/ropa/export", response=ERRORS, summary="The record of processing as XLSX or PDF",
            openapi_extra={"responses": {"200": {"description": "The file", "content": {
                exports_ropa.XLSX: {"schema": {"type": "string", "format": "binary"}},
                "application/pdf": {"schema": {"type": "string", "format": "binary"}}}}}},
            operation_id="accord_privacy_api_export_ropa")
def export_ropa(request: HttpRequest, org: str, query: Query[RopaExportQuery]) -> HttpResponse:
    """Every activity with every Art. 30 item and what it lacks, its screening, the processors and transfers.
    The PDF is the `ropa` report of the reports kit (also `POST .../reports/ropa/` as a background job)."""
    m = org_access(request, org, "privacy.ropa.export")
    content, content_type, filename = exports_ropa.export(m.organization, query.format)
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
