"""Writes of the data-subject requests register, each in one transaction with its audit events: record a request,
change it, pause its clock while identity is checked and resume it, extend it once, close it (answered, refused,
withdrawn), and hand a leaving member's requests over.

The due date is `rules_deadlines.request_due_on` of what is stored (receipt, extension, paused days), set again
by every write that changes one of those. The requester's own data (name, contact, what they wrote) never enters
the audit trail: it records that those fields changed, not their values (they are read under
`privacy.request.personal` only, and the trail is read by other roles).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from accord.core import audit
from accord.core.choices import AuditAction
from accord.core.conflict import Conflict
from accord.core.models import Membership, Organization, User
from accord.core.tenancy import check_same_org
from accord.core.workdays import WorkCalendar
from accord.privacy import rules_deadlines
from accord.privacy.choices import CLOSING_STATUSES, RequestKind, RequestStatus
from accord.privacy.models_requests import DataSubjectRequest, IdentityPause
from accord.privacy.services_common import Cleaner, lock_org

#: What a person gives when recording or changing a request (the API's names).
REQUEST_FIELDS = ("kind", "received_on", "channel", "subject_name", "subject_contact", "details", "assignee",
                  "status")
#: The requester's own data: read under privacy.request.personal only, never copied into the audit trail.
PERSONAL_FIELDS = ("subject_name", "subject_contact", "details")
#: What the audit trail records of a request.
AUDITED = ("kind", "received_on", "channel", *PERSONAL_FIELDS, "assignee", "status", "due_on", "paused_days",
           "extended_on", "extension_reason", "closed_on", "response", "refusal_reasons", "complaint_right_given")
PAUSE_AUDITED = ("request", "paused_on", "reason", "resumed_on")
#: The marker the audit trail keeps of a personal field with a value.
WITHHELD = "(personal data, not recorded)"


def _repr(obj: DataSubjectRequest) -> str:
    return f"{obj.ref} {obj.kind}"


def _snapshot(obj: DataSubjectRequest) -> dict[str, Any]:
    values = audit.snapshot(obj, AUDITED)
    for name in PERSONAL_FIELDS:
        values[name] = WITHHELD if values[name] else ""
    return values


def _due_on(org: Organization, obj: DataSubjectRequest) -> Any:
    return rules_deadlines.request_due_on(obj.received_on, WorkCalendar.of(org), extended=obj.extended,
                                          paused=obj.paused_days)


def _locked(org: Organization, obj: DataSubjectRequest) -> DataSubjectRequest:
    check_same_org(org, request=obj)
    lock_org(org)
    return DataSubjectRequest.objects.for_org(org).get(pk=obj.pk)


def _refuse_closed(obj: DataSubjectRequest) -> None:
    if not obj.is_open:
        raise Conflict({"status": _("%(ref)s is closed (%(status)s); a closed request does not change.")
                        % {"ref": obj.ref, "status": obj.get_status_display()}})


def clean_request_input(org: Organization, data: Mapping[str, Any], *,
                        current: DataSubjectRequest | None = None) -> dict[str, Any]:
    """A request's values from the API's names; on creation `kind` and `received_on` are required. The status
    given here moves only between received and in progress (pause, resume and close have their own writes)."""
    c = Cleaner(org)
    c.unknown(data, REQUEST_FIELDS)
    if current is None:
        c.required(data, "kind", "received_on")
    out: dict[str, Any] = {}
    for name, value in data.items():
        if name in c.errors:
            continue
        match name:
            case "kind":
                out[name] = c.choice(name, value, RequestKind)
            case "received_on":
                # Any date: a receipt date is what the organisation says it is, checked for shape only.
                out[name] = c.date(name, value)
                if out[name] is None:
                    c.fail(name, _("This field is required."))
            case "channel":
                out[name] = c.text(name, value, limit=100)
            case "subject_name" | "subject_contact":
                out[name] = c.text(name, value, limit=200)
            case "details":
                out[name] = c.text(name, value)
            case "assignee":
                out[name] = c.member(name, value)
            case "status":
                status = c.choice(name, value, RequestStatus)
                now_status = current.status if current else RequestStatus.RECEIVED
                if status and status != now_status and status not in (RequestStatus.RECEIVED,
                                                                      RequestStatus.IN_PROGRESS):
                    c.fail(name, _("Set the status to received or in_progress here; pause, resume and close (answer, "
                                   "refuse, withdraw) a request with their own actions."))
                elif status and now_status == RequestStatus.IDENTITY_PENDING and status != now_status:
                    c.fail(name, _("The clock is paused while identity is checked; resume the request first."))
                out[name] = status
    if c.errors:
        raise ValidationError(c.errors)
    return out


@transaction.atomic
def do_create_request(actor: User | None, org: Organization, data: Mapping[str, Any]) -> DataSubjectRequest:
    """Record a data-subject request; its due date is one month after receipt, rolled to a working day."""
    lock_org(org)
    values = clean_request_input(org, data)
    number = (DataSubjectRequest.objects.for_org(org).aggregate(n=Max("number"))["n"] or 0) + 1
    obj = DataSubjectRequest(organization=org, number=number, **values)
    obj.due_on = _due_on(org, obj)
    obj.save(force_insert=True)
    audit.record(org, actor, AuditAction.CREATE, obj, object_repr=_repr(obj), changes=audit.diff({}, _snapshot(obj)))
    return obj


def _save(actor: User | None, org: Organization, obj: DataSubjectRequest, before: dict[str, Any],
          extra: list[audit.Entry] | None = None) -> DataSubjectRequest:
    """Set the due date again, save what changed and record it (with `extra` events of related objects)."""
    obj.due_on = _due_on(org, obj)
    changes = audit.diff(before, _snapshot(obj))
    entries = list(extra or [])
    if changes:
        obj.updated_at = timezone.now()
        obj.save(update_fields=[*changes, "updated_at"])
        entries.append(audit.Entry(AuditAction.UPDATE, obj, changes, _repr(obj)))
    if entries:
        audit.record_many(org, actor, entries)
    return obj


@transaction.atomic
def do_update_request(actor: User | None, org: Organization, request: DataSubjectRequest,
                      data: Mapping[str, Any]) -> DataSubjectRequest:
    """Change some fields of an open request (a new receipt date moves the due date); one audit event when
    anything changed."""
    obj = _locked(org, request)
    _refuse_closed(obj)
    values = clean_request_input(org, data, current=obj)
    if "received_on" in values:
        first_pause = obj.pauses.order_by("paused_on").first()
        if first_pause is not None and values["received_on"] > first_pause.paused_on:
            raise ValidationError({"received_on": _("The clock was paused on %(date)s; receipt cannot be later.")
                                   % {"date": first_pause.paused_on}})
    before = _snapshot(obj)
    old = {name: getattr(obj, name) for name in PERSONAL_FIELDS}
    for name, value in values.items():
        setattr(obj, name, value)
    obj.due_on = _due_on(org, obj)
    changes = audit.diff(before, _snapshot(obj))
    for name in PERSONAL_FIELDS:  # one value replaced by another: the markers alone would not differ
        if name not in changes and getattr(obj, name) != old[name]:
            changes[name] = [WITHHELD, WITHHELD]
    if changes:
        obj.updated_at = timezone.now()
        obj.save(update_fields=[*changes, "updated_at"])
        audit.record(org, actor, AuditAction.UPDATE, obj, changes=changes, object_repr=_repr(obj))
    return obj


@transaction.atomic
def do_pause_request(actor: User | None, org: Organization, request: DataSubjectRequest, *, reason: Any,
                     paused_on: Any = None) -> IdentityPause:
    """Stop the clock of an open request while the requester's identity is checked (on `paused_on`, default
    today), recording why; one audit event for the pause and one for the request."""
    obj = _locked(org, request)
    _refuse_closed(obj)
    if obj.clock_paused:
        raise Conflict({"status": _("%(ref)s is already paused; resume it first.") % {"ref": obj.ref}})
    c = Cleaner(org)
    text = c.text("reason", reason, required=True)
    day = c.date("paused_on", paused_on, not_after=c.today(), not_before=obj.received_on) or c.today()
    last = obj.pauses.order_by("-resumed_on").first()
    if last is not None and last.resumed_on and day < last.resumed_on:
        c.fail("paused_on", _("The last pause ended on %(date)s; a new one starts from then.")
               % {"date": last.resumed_on})
    if c.errors:
        raise ValidationError(c.errors)
    before = _snapshot(obj)
    pause = IdentityPause.objects.for_org(org).create(organization=org, request=obj, paused_on=day, reason=text)
    obj.status = RequestStatus.IDENTITY_PENDING
    _save(actor, org, obj, before, [audit.Entry(AuditAction.CREATE, pause, audit.diff(
        {}, audit.snapshot(pause, PAUSE_AUDITED)), f"{obj.ref} identity check")])
    return pause


def _end_pause(obj: DataSubjectRequest, day: Any) -> audit.Entry:
    pause = obj.pauses.get(resumed_on__isnull=True)
    before = audit.snapshot(pause, PAUSE_AUDITED)
    pause.resumed_on = day
    pause.save(update_fields=["resumed_on"])
    obj.paused_days += pause.days
    return audit.Entry(AuditAction.UPDATE, pause, audit.diff(before, audit.snapshot(pause, PAUSE_AUDITED)),
                       f"{obj.ref} identity check")


@transaction.atomic
def do_resume_request(actor: User | None, org: Organization, request: DataSubjectRequest, *,
                      resumed_on: Any = None) -> DataSubjectRequest:
    """Restart the clock of a paused request (on `resumed_on`, default today): its whole days paused push the
    due date; the request goes on in progress."""
    obj = _locked(org, request)
    if not obj.clock_paused:
        raise Conflict({"status": _("%(ref)s is not paused (%(status)s).")
                        % {"ref": obj.ref, "status": obj.get_status_display()}})
    c = Cleaner(org)
    pause = obj.pauses.get(resumed_on__isnull=True)
    day = c.date("resumed_on", resumed_on, not_after=c.today(), not_before=pause.paused_on) or c.today()
    if c.errors:
        raise ValidationError(c.errors)
    before = _snapshot(obj)
    entry = _end_pause(obj, day)
    obj.status = RequestStatus.IN_PROGRESS
    return _save(actor, org, obj, before, [entry])


@transaction.atomic
def do_extend_request(actor: User | None, org: Organization, request: DataSubjectRequest, *,
                      reason: Any) -> DataSubjectRequest:
    """Extend an open request by two further months (Art. 12(3)): once, with the reasons told to the person; the
    due date becomes three months after receipt (plus paused days), rolled to a working day. An extension after
    the original due date (the reasons must reach the person within the first month) is recorded all the same,
    and the audit trail says it was late (`extension_late`: the date it was due)."""
    obj = _locked(org, request)
    _refuse_closed(obj)
    c = Cleaner(org)
    text = c.text("reason", reason, required=True)
    if c.errors:
        raise ValidationError(c.errors)
    if obj.extended:
        raise Conflict({"reason": _("%(ref)s was already extended on %(date)s; Art. 12(3) allows one extension.")
                        % {"ref": obj.ref, "date": obj.extended_on}})
    today = c.today()
    # Recorded even when late (the register keeps what happened, e.g. a request entered afterwards), and said so.
    late = not rules_deadlines.may_extend(obj.due_on, today)
    extra = [audit.Entry(AuditAction.UPDATE, obj, {"extension_late": [None, obj.due_on.isoformat()]}, _repr(obj))]
    before = _snapshot(obj)
    obj.extended_on = today
    obj.extension_reason = text
    return _save(actor, org, obj, before, extra if late else None)


@transaction.atomic
def do_close_request(actor: User | None, org: Organization, request: DataSubjectRequest, *, outcome: Any,
                     response: Any = "", refusal_reasons: Any = "", complaint_right_given: bool = False,
                     closed_on: Any = None) -> DataSubjectRequest:
    """Close an open request: answered (with the response), refused (with its reasons, the person told of their
    right to complain to a supervisory authority and to a judicial remedy, Art. 12(4)) or withdrawn; on
    `closed_on`, default today. A clock still paused stops on that day."""
    obj = _locked(org, request)
    _refuse_closed(obj)
    c = Cleaner(org)
    status = c.choice("outcome", outcome, _Outcome)
    answer = c.text("response", response)
    reasons = c.text("refusal_reasons", refusal_reasons)
    day = c.date("closed_on", closed_on, not_after=c.today(), not_before=obj.received_on) or c.today()
    if status == RequestStatus.REFUSED:
        if not reasons:
            c.fail("refusal_reasons", _("A refusal states its reasons (Art. 12(4))."))
        if not complaint_right_given:
            c.fail("complaint_right_given", _("A refusal tells the person of their right to complain to a "
                                              "supervisory authority and to a judicial remedy (Art. 12(4)); "
                                              "confirm it was done."))
    if c.errors:
        raise ValidationError(c.errors)
    before = _snapshot(obj)
    extra = []
    if obj.clock_paused:
        pause = obj.pauses.get(resumed_on__isnull=True)
        if day < pause.paused_on:
            raise ValidationError({"closed_on": _("The clock was paused on %(date)s; close it from then.")
                                   % {"date": pause.paused_on}})
        extra.append(_end_pause(obj, day))
    obj.status, obj.closed_on, obj.response = status, day, answer
    obj.refusal_reasons = reasons if status == RequestStatus.REFUSED else ""
    obj.complaint_right_given = bool(complaint_right_given) and status == RequestStatus.REFUSED
    return _save(actor, org, obj, before, extra)


class _Outcome:
    """The statuses that close a request, as `Cleaner.choice` reads them."""

    values = [str(s) for s in CLOSING_STATUSES]


@transaction.atomic
def do_hand_over_member_requests(actor: User | None, org: Organization, membership: Membership,
                                 reassign_to: Membership | None) -> int:
    """Give the requests assigned to `membership` to `reassign_to` (None: nobody); one audit event each."""
    check_same_org(org, membership=membership, reassign_to=reassign_to)
    entries = []
    for obj in DataSubjectRequest.objects.for_org(org).filter(assignee=membership).select_for_update():
        obj.assignee = reassign_to
        obj.save(update_fields=["assignee"])
        entries.append(audit.Entry(AuditAction.UPDATE, obj, {"assignee": [membership.pk, reassign_to.pk
                                                                          if reassign_to else None]}, _repr(obj)))
    if entries:
        audit.record_many(org, actor, entries)
    return len(entries)
