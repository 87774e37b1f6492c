"""REST API of the personal-data breaches, mounted under /api/v1/orgs/ by accord/api.py: the register (list,
open), one breach (read, change) and the notifications to the supervisory authority, phase by phase.

Instants are answered in the organisation's time zone with their offset; `notify_authority_by` is
`became_aware_at` plus 72 elapsed hours (`rules_deadlines.notify_authority_by`, docs/privacy.md). An instant
given without an offset is read in the organisation's time zone.
"""

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from accord.core.apikit import ERRORS, BodyIn, Id, Pagination, TextIn, org_access
from accord.core.models import Membership
from accord.privacy import rules_deadlines, selectors_breaches, services_breaches
from accord.privacy.choices import NotifyDecision, SubjectsDecision
from accord.privacy.models_breaches import Breach, BreachNotification

router = Router(tags=["privacy"])

_BASE = "/{org}/privacy/breaches"
_ZONE = "_privacy_zone"


def _viewer(request: HttpRequest, m: Membership) -> Membership:
    setattr(request, _ZONE, ZoneInfo(m.organization.timezone))
    return m


def _local(moment: dt.datetime | None, context: Any) -> dt.datetime | None:
    return moment.astimezone(getattr(context["request"], _ZONE)) if moment is not None else None


class BreachNotificationOut(Schema):
    phase: int = Field(description="1, 2, … (Art. 33(4): information given in phases)")
    sent_at: dt.datetime
    content: str
    authority_reference: str

    @staticmethod
    def resolve_sent_at(obj: BreachNotification, context: Any) -> dt.datetime | None:
        return _local(obj.sent_at, context)


def _incident(breach: Breach) -> Any:
    """The incident that opened `breach` (the incidents app's link, loaded by the selector), or None."""
    try:
        return breach.incident  # the reverse side of Incident.breach
    except ObjectDoesNotExist:
        return None


class BreachOut(Schema):
    id: int
    ref: str = Field(description="BR-001, BR-002, … in the order breaches were recorded")
    title: str
    became_aware_at: dt.datetime = Field(description="In the organisation's time zone")
    notify_authority_by: dt.datetime = Field(description="72 elapsed hours after became_aware_at, in the "
                                                         "organisation's time zone")
    occurred_at: dt.datetime | None
    nature: str
    subject_categories: str
    subjects_approx: int | None
    record_categories: str
    records_approx: int | None
    dpo_contact: str
    likely_consequences: str
    measures: str
    missing_content: list[str] = Field(description="The Art. 33(3) items not written yet")
    notify_decision: NotifyDecision
    not_notified_reason: str
    notifications: list[BreachNotificationOut]
    first_notified_at: dt.datetime | None
    notified_late: bool = Field(description="The first notification went after the deadline")
    late_reasons: str
    subjects_decision: SubjectsDecision
    subjects_decision_reason: str
    subjects_informed_at: dt.datetime | None
    risk: int | None = Field(description="The id of the linked risk in the register")
    incident: int | None = Field(description="The id of the incident that opened it (null: recorded on its own)")
    incident_ref: str | None = Field(description="That incident's reference (INC-001)")
    created_at: dt.datetime
    updated_at: dt.datetime

    @staticmethod
    def resolve_incident(obj: Breach) -> int | None:
        found = _incident(obj)
        return found.pk if found is not None else None

    @staticmethod
    def resolve_incident_ref(obj: Breach) -> str | None:
        found = _incident(obj)
        return str(found.ref) if found is not None else None

    @staticmethod
    def resolve_became_aware_at(obj: Breach, context: Any) -> dt.datetime | None:
        return _local(obj.became_aware_at, context)

    @staticmethod
    def resolve_notify_authority_by(obj: Breach, context: Any) -> dt.datetime | None:
        return _local(obj.notify_authority_by, context)

    @staticmethod
    def resolve_occurred_at(obj: Breach, context: Any) -> dt.datetime | None:
        return _local(obj.occurred_at, context)

    @staticmethod
    def resolve_subjects_informed_at(obj: Breach, context: Any) -> dt.datetime | None:
        return _local(obj.subjects_informed_at, context)

    @staticmethod
    def resolve_notifications(obj: Breach) -> list[BreachNotification]:
        return list(obj.notifications.all())

    @staticmethod
    def resolve_first_notified_at(obj: Breach, context: Any) -> dt.datetime | None:
        first = next(iter(obj.notifications.all()), None)
        return _local(first.sent_at, context) if first else None

    @staticmethod
    def resolve_notified_late(obj: Breach) -> bool:
        first = next(iter(obj.notifications.all()), None)
        return rules_deadlines.notified_late(obj.notify_authority_by, first.sent_at if first else None)

    @staticmethod
    def resolve_risk(obj: Breach) -> int | None:
        return obj.risk_id


class BreachPatch(BodyIn):
    title: str | None = Field(None, max_length=200)
    became_aware_at: dt.datetime | None = Field(None, description="An instant with its offset, e.g. "
                                                                  "2026-03-28T09:30:00+01:00")
    occurred_at: dt.datetime | None = None
    nature: str | None = Field(None, max_length=10_000)
    subject_categories: str | None = Field(None, max_length=10_000)
    subjects_approx: int | None = Field(None, ge=0, le=2**31 - 1)
    record_categories: str | None = Field(None, max_length=10_000)
    records_approx: int | None = Field(None, ge=0, le=2**62)
    dpo_contact: str | None = Field(None, max_length=300)
    likely_consequences: str | None = Field(None, max_length=10_000)
    measures: str | None = Field(None, max_length=10_000)
    notify_decision: NotifyDecision | None = None
    not_notified_reason: str | None = Field(None, max_length=10_000,
                                            description="Required with notify_decision not_required (Art. 33(5))")
    late_reasons: str | None = Field(None, max_length=10_000)
    subjects_decision: SubjectsDecision | None = None
    subjects_decision_reason: str | None = Field(None, max_length=10_000,
                                                 description="Required when the people are not informed")
    subjects_informed_at: dt.datetime | None = None
    risk: int | None = Field(None, ge=1, le=2**63 - 1, description="The id of a risk of the register, or null")


class BreachIn(BreachPatch):
    title: str = Field(min_length=1, max_length=200)
    became_aware_at: dt.datetime = Field(description="When the organisation became aware: an instant with its "
                                                     "offset, e.g. 2026-03-28T09:30:00+01:00")


class BreachQuery(TextIn):
    awaiting: bool = Field(False, description="Only breaches neither notified nor documented as not notified")


class NotificationIn(BodyIn):
    sent_at: dt.datetime = Field(description="When this phase reached the authority")
    content: str = Field(min_length=1, max_length=50_000, description="What this phase told the authority")
    authority_reference: str = Field("", max_length=100, description="The authority's case number, if any")
    late_reasons: str = Field("", max_length=10_000, description="Required when the first phase is after the "
                                                                 "72-hour deadline (unless already on the breach)")


def _one(request: HttpRequest, m: Membership, breach_id: int) -> Breach:
    return selectors_breaches.access_breach(_viewer(request, m).organization, breach_id)


@router.get(f"{_BASE}/", response={200: list[BreachOut], **ERRORS}, summary="The personal-data breaches",
            operation_id="accord_privacy_api_list_breaches")
@paginate(Pagination)
def list_breaches(request: HttpRequest, org: str, filters: Query[BreachQuery]) -> QuerySet[Breach]:
    """Newest first (by when the organisation became aware)."""
    m = _viewer(request, org_access(request, org, "privacy.breach.view"))
    return selectors_breaches.breaches(m.organization, selectors_breaches.BreachFilter(awaiting=filters.awaiting))


@router.post(f"{_BASE}/", response={201: BreachOut, **ERRORS}, summary="Record a personal-data breach",
             operation_id="accord_privacy_api_open_breach")
def open_breach(request: HttpRequest, org: str, payload: BreachIn) -> Status[Any]:
    m = org_access(request, org, "privacy.breach.change")
    made = services_breaches.do_open_breach(m.user, m.organization, payload.model_dump(exclude_unset=True))
    return Status(201, _one(request, m, made.pk))


@router.get(f"{_BASE}/{{breach_id}}/", response={200: BreachOut, **ERRORS}, include_in_schema=False,
            operation_id="get_breach_alias")
@router.get(f"{_BASE}/{{breach_id}}", response={200: BreachOut, **ERRORS}, summary="One breach",
            operation_id="accord_privacy_api_get_breach")
def get_breach(request: HttpRequest, org: str, breach_id: Id) -> Breach:
    m = org_access(request, org, "privacy.breach.view")
    return _one(request, m, breach_id)


@router.patch(f"{_BASE}/{{breach_id}}/", response={200: BreachOut, **ERRORS}, include_in_schema=False,
              operation_id="update_breach_alias")
@router.patch(f"{_BASE}/{{breach_id}}", response={200: BreachOut, **ERRORS},
              summary="Change a breach: its content, its decisions", operation_id="accord_privacy_api_update_breach")
def update_breach(request: HttpRequest, org: str, breach_id: Id, payload: BreachPatch) -> Breach:
    m = org_access(request, org, "privacy.breach.change")
    services_breaches.do_update_breach(m.user, m.organization, _one(request, m, breach_id),
                                       payload.model_dump(exclude_unset=True))
    return _one(request, m, breach_id)


@router.post(f"{_BASE}/{{breach_id}}/notifications", response={201: BreachOut, **ERRORS}, include_in_schema=False,
             operation_id="add_breach_notification_alias")
@router.post(f"{_BASE}/{{breach_id}}/notifications/", response={201: BreachOut, **ERRORS},
             summary="Add the next phase of the notification to the supervisory authority",
             operation_id="accord_privacy_api_add_breach_notification")
def add_breach_notification(request: HttpRequest, org: str, breach_id: Id, payload: NotificationIn) -> Status[Any]:
    """The first phase after the 72-hour deadline needs `late_reasons` (422 otherwise); a breach documented as
    not to be notified answers 409."""
    m = org_access(request, org, "privacy.breach.change")
    services_breaches.do_add_breach_notification(m.user, m.organization, _one(request, m, breach_id),
                                                 payload.model_dump(exclude_unset=True))
    return Status(201, _one(request, m, breach_id))
