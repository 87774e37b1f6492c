"""Writes of the personal-data breach register, each in one transaction with its audit events: open a breach
(its 72-hour deadline set from when the organisation became aware), change its Art. 33(3) content and its
decisions (notify the authority or document why not, inform the people or the Art. 34(3) exemption), and add a
phase of the notification to the authority (the first one after the deadline needs the reasons for the delay).
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
from accord.core.models import Organization, User
from accord.core.tenancy import check_same_org
from accord.privacy import rules_deadlines
from accord.privacy.choices import NOT_INFORMING, NotifyDecision, SubjectsDecision
from accord.privacy.models_breaches import Breach, BreachNotification
from accord.privacy.services_common import Cleaner, lock_org
from accord.risks.models import Risk

#: What a person gives when opening or changing a breach (the API's names).
BREACH_FIELDS = ("title", "became_aware_at", "occurred_at", "nature", "subject_categories", "subjects_approx",
                 "record_categories", "records_approx", "dpo_contact", "likely_consequences", "measures",
                 "notify_decision", "not_notified_reason", "late_reasons", "subjects_decision",
                 "subjects_decision_reason", "subjects_informed_at", "risk")
AUDITED = (*BREACH_FIELDS, "notify_authority_by")
NOTIFICATION_FIELDS = ("sent_at", "content", "authority_reference", "late_reasons")
NOTIFICATION_AUDITED = ("breach", "phase", "sent_at", "content", "authority_reference")
_TEXTS = ("nature", "subject_categories", "record_categories", "likely_consequences", "measures",
          "not_notified_reason", "late_reasons", "subjects_decision_reason")


def _repr(obj: Breach) -> str:
    return str(obj)[:200]


def clean_breach_input(org: Organization, data: Mapping[str, Any], *, current: Breach | None = None) -> dict[str, Any]:
    """A breach's values from the API's names; on creation `title` and `became_aware_at` are required. The
    decisions are checked against the rest: not notifying needs its reason (Art. 33(5)), not informing the
    people needs its reason or exemption (Art. 34(3)), a breach already notified cannot become "not notified"."""
    c = Cleaner(org)
    c.unknown(data, BREACH_FIELDS)
    if current is None:
        c.required(data, "title", "became_aware_at")
    out: dict[str, Any] = {}
    for name, value in data.items():
        if name in c.errors:
            continue
        match name:
            case "title":
                out[name] = c.text(name, value, required=True, limit=200)
            case "dpo_contact":
                out[name] = c.text(name, value, limit=300)
            case "became_aware_at" | "occurred_at" | "subjects_informed_at":
                moment = c.instant(name, value)
                if moment is None and name == "became_aware_at":
                    c.fail(name, _("This field is required."))
                out[name] = moment
            case "subjects_approx" | "records_approx":
                out[name] = c.count(name, value, high=2**31 - 1 if name == "subjects_approx" else 2**62)
            case "notify_decision":
                out[name] = c.choice(name, value, NotifyDecision)
            case "subjects_decision":
                out[name] = c.choice(name, value, SubjectsDecision)
            case "risk":
                out[name] = _risk(c, value)
            case _ if name in _TEXTS:
                out[name] = c.text(name, value)
    if c.errors:
        raise ValidationError(c.errors)
    _check_decisions(c, out, current)
    return out


def _risk(c: Cleaner, value: Any) -> Risk | None:
    if value in (None, ""):
        return None
    number = c.count("risk", value, high=2**63 - 1)
    found = Risk.objects.for_org(c.org).filter(pk=number).first() if number else None
    if found is None and "risk" not in c.errors:
        c.fail("risk", _("No risk of %(org)s has the id %(value)s.") % {"org": c.org.name, "value": value})
    return found


def _check_decisions(c: Cleaner, out: dict[str, Any], current: Breach | None) -> None:
    def now(name: str) -> Any:
        return out[name] if name in out else getattr(current, name, "") if current else ""

    aware, occurred = now("became_aware_at"), now("occurred_at")
    if aware and occurred and occurred > aware:
        c.fail("occurred_at", _("The breach cannot have occurred after the organisation became aware of it."))
    if now("notify_decision") == NotifyDecision.NOT_REQUIRED:
        if not now("not_notified_reason"):
            c.fail("not_notified_reason", _("Not notifying the authority is documented with its reason "
                                            "(Art. 33(5)): why the breach is unlikely to result in a risk."))
        if current is not None and current.notifications.exists():
            raise Conflict({"notify_decision": _("%(ref)s has been notified to the authority already.")
                            % {"ref": current.ref}})
    if now("subjects_decision") in NOT_INFORMING and not now("subjects_decision_reason"):
        c.fail("subjects_decision_reason", _("Not informing the data subjects is documented with its reason "
                                             "(Art. 34(1) and 34(3))."))
    informed = now("subjects_informed_at")
    if informed and now("subjects_decision") != SubjectsDecision.INFORM:
        c.fail("subjects_informed_at", _("Give the date the people were informed only with the decision to "
                                         "inform them."))
    elif informed and aware and informed < aware:
        c.fail("subjects_informed_at", _("The people cannot have been informed before the organisation became "
                                         "aware of the breach."))
    if c.errors:
        raise ValidationError(c.errors)


@transaction.atomic
def do_open_breach(actor: User | None, org: Organization, data: Mapping[str, Any]) -> Breach:
    """Record a personal-data breach; the authority is to be notified within 72 hours of `became_aware_at`."""
    lock_org(org)
    values = clean_breach_input(org, data)
    check_same_org(org, risk=values.get("risk"))
    number = (Breach.objects.for_org(org).aggregate(n=Max("number"))["n"] or 0) + 1
    obj = Breach(organization=org, number=number, **values)
    obj.notify_authority_by = rules_deadlines.notify_authority_by(obj.became_aware_at)
    obj.save(force_insert=True)
    audit.record(org, actor, AuditAction.CREATE, obj, object_repr=_repr(obj),
                 changes=audit.diff({}, audit.snapshot(obj, AUDITED)))
    return obj


@transaction.atomic
def do_update_breach(actor: User | None, org: Organization, breach: Breach, data: Mapping[str, Any]) -> Breach:
    """Change some fields of a breach (a new `became_aware_at` moves the deadline); one audit event when anything
    changed."""
    check_same_org(org, breach=breach)
    lock_org(org)
    obj = Breach.objects.for_org(org).get(pk=breach.pk)
    values = clean_breach_input(org, data, current=obj)
    before = audit.snapshot(obj, AUDITED)
    for name, value in values.items():
        setattr(obj, name, value)
    obj.notify_authority_by = rules_deadlines.notify_authority_by(obj.became_aware_at)
    changes = audit.diff(before, audit.snapshot(obj, AUDITED))
    if changes:
        obj.updated_at = timezone.now()
        obj.save(update_fields=[*changes, "updated_at"])
        audit.record(org, actor, AuditAction.UPDATE, obj, changes=changes, object_repr=_repr(obj))
    return obj


@transaction.atomic
def do_add_breach_notification(actor: User | None, org: Organization, breach: Breach,
                               data: Mapping[str, Any]) -> BreachNotification:
    """Add the next phase of the notification to the supervisory authority (Art. 33(4)): when it was sent and
    what it said. The first phase sent after the 72-hour deadline needs the reasons for the delay (given here or
    already on the breach). The breach's decision becomes "notify"."""
    check_same_org(org, breach=breach)
    lock_org(org)
    obj = Breach.objects.for_org(org).get(pk=breach.pk)
    if obj.notify_decision == NotifyDecision.NOT_REQUIRED:
        raise Conflict({"notify_decision": _("%(ref)s is documented as not to be notified; change that decision "
                                             "first.") % {"ref": obj.ref}})
    c = Cleaner(org)
    c.unknown(data, NOTIFICATION_FIELDS)
    c.required(data, "sent_at", "content")
    sent_at = c.instant("sent_at", data.get("sent_at")) if "sent_at" not in c.errors else None
    content = c.text("content", data.get("content"), required=True)
    reference = c.text("authority_reference", data.get("authority_reference"), limit=100)
    late = c.text("late_reasons", data.get("late_reasons"))
    if sent_at is not None and sent_at < obj.became_aware_at:
        c.fail("sent_at", _("A notification cannot be sent before the organisation became aware of the breach."))
    last = obj.notifications.order_by("-phase").first()
    if sent_at is not None and last is not None and sent_at < last.sent_at:
        c.fail("sent_at", _("Phase %(phase)s was sent at %(at)s; the next one is sent later.")
               % {"phase": last.phase, "at": last.sent_at.isoformat()})
    if (last is None and sent_at is not None and rules_deadlines.notified_late(obj.notify_authority_by, sent_at)
            and not (late or obj.late_reasons)):
        c.fail("late_reasons", _("The first notification is after the 72-hour deadline (%(deadline)s); Art. 33(1) "
                                 "asks for the reasons for the delay.")
               % {"deadline": obj.notify_authority_by.isoformat()})
    if c.errors:
        raise ValidationError(c.errors)
    assert sent_at is not None  # noqa: S101 - required above
    notification = BreachNotification.objects.for_org(org).create(
        organization=org, breach=obj, phase=(last.phase if last else 0) + 1, sent_at=sent_at, content=content,
        authority_reference=reference)
    entries = [audit.Entry(AuditAction.CREATE, notification, audit.diff(
        {}, audit.snapshot(notification, NOTIFICATION_AUDITED)), f"{obj.ref} notification {notification.phase}")]
    before = audit.snapshot(obj, AUDITED)
    obj.notify_decision = NotifyDecision.NOTIFY
    if late:
        obj.late_reasons = late
    changes = audit.diff(before, audit.snapshot(obj, AUDITED))
    if changes:
        obj.updated_at = timezone.now()
        obj.save(update_fields=[*changes, "updated_at"])
        entries.append(audit.Entry(AuditAction.UPDATE, obj, changes, _repr(obj)))
    audit.record_many(org, actor, entries)
    return notification
