"""REST API of the data-subject requests, mounted under /api/v1/orgs/ by accord/api.py: the register (list with
filters, record), one request (read, change), and its actions: pause the clock while identity is checked,
resume it, extend it once, close it (answer, refuse, withdraw).

`due_on` is `rules_deadlines.request_due_on` (docs/privacy.md). Who asked and what they wrote (`subject_name`,
`subject_contact`, `details`) are answered only to roles holding `privacy.request.personal`; to the others they
are null and `personal_hidden` is true.
"""

import datetime as dt
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from accord.core.apikit import ERRORS, BodyIn, Id, Pagination, TextIn, org_access
from accord.core.models import Membership
from accord.core.permissions import allows
from accord.privacy import selectors_requests, services_requests
from accord.privacy.choices import CLOSING_STATUSES, RequestKind, RequestStatus
from accord.privacy.models_requests import DataSubjectRequest, IdentityPause

router = Router(tags=["privacy"])

_BASE = "/{org}/privacy/requests"
#: What the handler leaves on the request for the resolvers: may the caller read personal details.
_PERSONAL = "_privacy_personal"


def _viewer(request: HttpRequest, m: Membership) -> Membership:
    setattr(request, _PERSONAL, allows(m.role, "privacy.request.personal"))
    return m


def _may_read_personal(context: Any) -> bool:
    return bool(getattr(context["request"], _PERSONAL, False))


class PauseOut(Schema):
    paused_on: dt.date
    reason: str
    resumed_on: dt.date | None = Field(description="Empty while the clock is still paused")
    days: int = Field(description="Whole days paused (from the day of the pause to the day it resumed)")


class RequestOut(Schema):
    id: int
    ref: str = Field(description="DSR-001, DSR-002, … in the order requests were recorded")
    kind: RequestKind
    received_on: dt.date
    due_on: dt.date = Field(description="The last day to answer: one month after receipt (three once extended), "
                                        "pushed by the days paused, rolled to the next working day")
    status: RequestStatus
    channel: str
    assignee: str | None = Field(description="The assignee's e-mail address")
    personal_hidden: bool = Field(description="True when the caller's role may not read the personal details")
    subject_name: str | None = Field(description="The requester's name (null when hidden)")
    subject_contact: str | None = Field(description="The requester's contact (null when hidden)")
    details: str | None = Field(description="What the requester wrote (null when hidden)")
    clock_paused: bool = Field(description="Identity is being checked: the clock stands still")
    paused_days: int = Field(description="Whole days of the pauses that ended")
    pauses: list[PauseOut]
    extended: bool
    extended_on: dt.date | None
    extension_reason: str
    overdue: bool = Field(description="Open, clock running, past its due date")
    closed_on: dt.date | None
    response: str
    refusal_reasons: str
    complaint_right_given: bool
    answered_late: bool = Field(description="Answered or refused after its due date")
    created_at: dt.datetime
    updated_at: dt.datetime

    @staticmethod
    def resolve_assignee(obj: DataSubjectRequest) -> str | None:
        return obj.assignee.user.email if obj.assignee else None

    @staticmethod
    def resolve_personal_hidden(obj: DataSubjectRequest, context: Any) -> bool:
        return not _may_read_personal(context)

    @staticmethod
    def resolve_subject_name(obj: DataSubjectRequest, context: Any) -> str | None:
        return obj.subject_name if _may_read_personal(context) else None

    @staticmethod
    def resolve_subject_contact(obj: DataSubjectRequest, context: Any) -> str | None:
        return obj.subject_contact if _may_read_personal(context) else None

    @staticmethod
    def resolve_details(obj: DataSubjectRequest, context: Any) -> str | None:
        return obj.details if _may_read_personal(context) else None

    @staticmethod
    def resolve_pauses(obj: DataSubjectRequest) -> list[IdentityPause]:
        return list(obj.pauses.all())

    @staticmethod
    def resolve_overdue(obj: DataSubjectRequest) -> bool:
        return obj.is_overdue


class RequestPatch(BodyIn):
    kind: RequestKind | None = None
    received_on: dt.date | None = Field(None, description="The day the request reached the organisation")
    channel: str | None = Field(None, max_length=100, description="How it came: e-mail, letter, web form, …")
    subject_name: str | None = Field(None, max_length=200)
    subject_contact: str | None = Field(None, max_length=200)
    details: str | None = None
    assignee: str | None = Field(None, description="A member's e-mail address, or null")
    status: RequestStatus | None = Field(None, description="received or in_progress (pause, resume and close "
                                                           "have their own operations)")


class RequestIn(RequestPatch):
    kind: RequestKind
    received_on: dt.date = Field(description="The day the request reached the organisation (not counted)")


class RequestQuery(TextIn):
    kind: RequestKind | None = None
    status: RequestStatus | None = None
    open: bool = Field(False, description="Only requests still to be answered")
    overdue: bool = Field(False, description="Only open requests past their due date (clock running)")
    due_within: int | None = Field(None, ge=0, le=366, description="Only open requests due from today to today "
                                                                    "plus this many days (clock running)")

    def to_filter(self) -> selectors_requests.RequestFilter:
        return selectors_requests.RequestFilter(kind=self.kind or "", status=self.status or "",
                                                open_only=self.open, overdue=self.overdue, due_within=self.due_within)


class ReasonIn(BodyIn):
    reason: str = Field(min_length=1, max_length=10_000, description="The reasons, as told to the person")


class PauseIn(BodyIn):
    reason: str = Field(min_length=1, max_length=10_000, description="Why identity is being checked")
    paused_on: dt.date | None = Field(None, description="Default: today in the organisation's time zone")


class ResumeIn(BodyIn):
    resumed_on: dt.date | None = Field(None, description="Default: today in the organisation's time zone")


class CloseIn(BodyIn):
    outcome: str = Field(description="answered, refused or withdrawn",
                         json_schema_extra={"enum": [str(s) for s in CLOSING_STATUSES]})
    response: str = Field("", max_length=10_000, description="What was answered")
    refusal_reasons: str = Field("", max_length=10_000, description="Required to refuse (Art. 12(4))")
    complaint_right_given: bool = Field(False, description="Required to refuse: the person was told of their "
                                                           "right to complain and to a judicial remedy")
    closed_on: dt.date | None = Field(None, description="Default: today in the organisation's time zone")


def _one(request: HttpRequest, m: Membership, request_id: int) -> DataSubjectRequest:
    return selectors_requests.access_request(_viewer(request, m).organization, request_id)


@router.get(f"{_BASE}/", response={200: list[RequestOut], **ERRORS}, summary="The data-subject requests",
            operation_id="accord_privacy_api_list_requests")
@paginate(Pagination)
def list_requests(request: HttpRequest, org: str, filters: Query[RequestQuery]) -> QuerySet[DataSubjectRequest]:
    """Open requests first, the soonest due first; then the closed ones."""
    m = _viewer(request, org_access(request, org, "privacy.request.view"))
    return selectors_requests.requests(m.organization, filters.to_filter())


@router.post(f"{_BASE}/", response={201: RequestOut, **ERRORS}, summary="Record a data-subject request",
             operation_id="accord_privacy_api_create_request")
def create_request(request: HttpRequest, org: str, payload: RequestIn) -> Status[Any]:
    m = org_access(request, org, "privacy.request.change")
    made = services_requests.do_create_request(m.user, m.organization, payload.model_dump(exclude_unset=True))
    return Status(201, _one(request, m, made.pk))


@router.get(f"{_BASE}/{{request_id}}/", response={200: RequestOut, **ERRORS}, include_in_schema=False,
            operation_id="get_request_alias")
@router.get(f"{_BASE}/{{request_id}}", response={200: RequestOut, **ERRORS}, summary="One data-subject request",
            operation_id="accord_privacy_api_get_request")
def get_request(request: HttpRequest, org: str, request_id: Id) -> DataSubjectRequest:
    m = org_access(request, org, "privacy.request.view")
    return _one(request, m, request_id)


@router.patch(f"{_BASE}/{{request_id}}/", response={200: RequestOut, **ERRORS}, include_in_schema=False,
              operation_id="update_request_alias")
@router.patch(f"{_BASE}/{{request_id}}", response={200: RequestOut, **ERRORS},
              summary="Change a data-subject request", operation_id="accord_privacy_api_update_request")
def update_request(request: HttpRequest, org: str, request_id: Id, payload: RequestPatch) -> DataSubjectRequest:
    m = org_access(request, org, "privacy.request.change")
    services_requests.do_update_request(m.user, m.organization, _one(request, m, request_id),
                                        payload.model_dump(exclude_unset=True))
    return _one(request, m, request_id)


@router.post(f"{_BASE}/{{request_id}}/extend/", response={200: RequestOut, **ERRORS}, include_in_schema=False,
             operation_id="extend_request_alias")
@router.post(f"{_BASE}/{{request_id}}/extend", response={200: RequestOut, **ERRORS},
             summary="Extend a request by two further months (once, with reasons)",
             operation_id="accord_privacy_api_extend_request")
def extend_request(request: HttpRequest, org: str, request_id: Id, payload: ReasonIn) -> DataSubjectRequest:
    """The due date becomes three months after receipt (plus days paused), rolled to a working day. A second
    extension answers 409; no reason answers 422; one after the original due date is recorded, and the audit
    trail says it was late."""
    m = org_access(request, org, "privacy.request.change")
    services_requests.do_extend_request(m.user, m.organization, _one(request, m, request_id), reason=payload.reason)
    return _one(request, m, request_id)


@router.post(f"{_BASE}/{{request_id}}/pause/", response={200: RequestOut, **ERRORS}, include_in_schema=False,
             operation_id="pause_request_alias")
@router.post(f"{_BASE}/{{request_id}}/pause", response={200: RequestOut, **ERRORS},
             summary="Pause the clock while the requester's identity is checked",
             operation_id="accord_privacy_api_pause_request")
def pause_request(request: HttpRequest, org: str, request_id: Id, payload: PauseIn) -> DataSubjectRequest:
    m = org_access(request, org, "privacy.request.change")
    services_requests.do_pause_request(m.user, m.organization, _one(request, m, request_id), reason=payload.reason,
                                       paused_on=payload.paused_on)
    return _one(request, m, request_id)


@router.post(f"{_BASE}/{{request_id}}/resume/", response={200: RequestOut, **ERRORS}, include_in_schema=False,
             operation_id="resume_request_alias")
@router.post(f"{_BASE}/{{request_id}}/resume", response={200: RequestOut, **ERRORS},
             summary="Restart the clock: each whole day paused pushes the due date by a day",
             operation_id="accord_privacy_api_resume_request")
def resume_request(request: HttpRequest, org: str, request_id: Id, payload: ResumeIn) -> DataSubjectRequest:
    m = org_access(request, org, "privacy.request.change")
    services_requests.do_resume_request(m.user, m.organization, _one(request, m, request_id),
                                        resumed_on=payload.resumed_on)
    return _one(request, m, request_id)


@router.post(f"{_BASE}/{{request_id}}/close/", response={200: RequestOut, **ERRORS}, include_in_schema=False,
             operation_id="close_request_alias")
@router.post(f"{_BASE}/{{request_id}}/close", response={200: RequestOut, **ERRORS},
             summary="Close a request: answered, refused (with reasons and the right to complain) or withdrawn",
             operation_id="accord_privacy_api_close_request")
def close_request(request: HttpRequest, org: str, request_id: Id, payload: CloseIn) -> DataSubjectRequest:
    m = org_access(request, org, "privacy.request.change")
    services_requests.do_close_request(m.user, m.organization, _one(request, m, request_id), outcome=payload.outcome,
                                       response=payload.response, refusal_reasons=payload.refusal_reasons,
                                       complaint_right_given=payload.complaint_right_given,
                                       closed_on=payload.closed_on)
    return _one(request, m, request_id)
