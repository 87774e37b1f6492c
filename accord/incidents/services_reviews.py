"""Writes of the post-incident review, each in one transaction with its audit events: write (or change) an
incident's review, add a lesson (its action with an owner and a due date, linked to a risk of the register, existing
or created here through the risks app's own service, and to a control of the library), change a lesson (mark its
action done), and hand a leaving member's lesson actions over. Both are refused (409) until the incident is
recovered or closed (`rules.may_review`). The owner of an action is told (accord.core.notifications)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from accord.compliance import selectors_controls
from accord.compliance.models_controls import Control
from accord.core import audit
from accord.core.choices import AuditAction
from accord.core.conflict import Conflict
from accord.core.models import Membership, Organization, User
from accord.core.notifications.services import notify
from accord.core.permissions import allows
from accord.core.tenancy import check_same_org
from accord.incidents import rules
from accord.incidents.choices import LessonStatus
from accord.incidents.models import Incident, IncidentReview, Lesson
from accord.incidents.notifications import LESSON_ASSIGNED, occasion
from accord.privacy.services_common import Cleaner, lock_org
from accord.risks import selectors as risk_selectors
from accord.risks.models import Risk, RiskCategory
from accord.risks.services import register as risk_register

#: What a person gives for a review (the API's names).
REVIEW_FIELDS = ("what_happened", "worked", "did_not_work", "held_on")
#: What a person gives for a lesson: `risk` names an existing risk (R-001), `new_risk` the title of a risk to create
#: from the lesson (one or the other), `control` a control of the library (C-001).
LESSON_FIELDS = ("text", "action", "owner", "due_on", "status", "risk", "new_risk", "control")
LESSON_AUDITED = ("incident", "text", "action", "owner", "due_on", "status", "done_at", "risk", "risk_created",
                  "control")


def _refuse_unless_reviewable(incident: Incident) -> None:
    if not rules.may_review(incident.status):
        raise Conflict({"incident": _("%(ref)s is %(status)s: its review and lessons are written once it is recovered "
                                      "or closed.") % {"ref": incident.ref, "status": incident.get_status_display()}})


def _locked(org: Organization, incident: Incident) -> Incident:
    lock_org(org)
    return Incident.objects.for_org(org).get(pk=incident.pk)


@transaction.atomic
def do_write_incident_review(actor: User | None, org: Organization, incident: Incident,
                             data: Mapping[str, Any]) -> IncidentReview:
    """Write the review of `incident` (what happened, what worked, what did not, `held_on` up to today), or change
    the fields given of the one written. Refused (409) until the incident is recovered or closed."""
    check_same_org(org, incident=incident)
    obj = _locked(org, incident)
    _refuse_unless_reviewable(obj)
    c = Cleaner(org)
    c.unknown(data, REVIEW_FIELDS)
    values: dict[str, Any] = {}
    for name, value in data.items():
        if name in ("what_happened", "worked", "did_not_work"):
            values[name] = c.text(name, value)
        elif name == "held_on":
            values[name] = c.date(name, value, not_after=c.today())
    if c.errors:
        raise ValidationError(c.errors)
    found = IncidentReview.objects.for_org(org).filter(incident=obj).first()
    review = found or IncidentReview(organization=org, incident=obj)
    before = {} if found is None else audit.snapshot(found, REVIEW_FIELDS)
    for name, value in values.items():
        setattr(review, name, value)
    changes = audit.diff(before, audit.snapshot(review, REVIEW_FIELDS))
    if found is None:
        review.save(force_insert=True)
        audit.record(org, actor, AuditAction.CREATE, review, object_repr=f"{obj.ref} review",
                     changes={**changes, "incident": [None, obj.pk]})
    elif changes:
        review.updated_at = timezone.now()
        review.save(update_fields=[*changes, "updated_at"])
        audit.record(org, actor, AuditAction.UPDATE, review, object_repr=f"{obj.ref} review", changes=changes)
    return review


def _existing_risk(c: Cleaner, value: Any) -> Risk | None:
    if value in (None, ""):
        return None
    try:
        return risk_selectors.access_risk(c.org, str(value).strip())
    except Http404:
        c.fail("risk", _("No risk of %(org)s is %(value)s (name it by its reference, R-001).")
               % {"org": c.org.name, "value": value})
        return None


def _control(c: Cleaner, value: Any) -> Control | None:
    if value in (None, ""):
        return None
    try:
        return selectors_controls.access_control(c.org, str(value).strip())
    except Http404:
        c.fail("control", _("No control of %(org)s is %(value)s (name it by its reference, C-001).")
               % {"org": c.org.name, "value": value})
        return None


def _clean_lesson(c: Cleaner, data: Mapping[str, Any], *, creating: bool) -> dict[str, Any]:
    c.unknown(data, LESSON_FIELDS)
    if creating:
        c.required(data, "text", "action")
    if data.get("risk") not in (None, "") and data.get("new_risk") not in (None, ""):
        c.fail("new_risk", _("Name an existing risk (risk) or the title of a new one (new_risk), not both."))
    out: dict[str, Any] = {}
    for name, value in data.items():
        if name in c.errors:
            continue
        match name:
            case "text":
                out[name] = c.text(name, value, required=True)
            case "action":
                out[name] = c.text(name, value, required=True, limit=200)
            case "owner":
                owner = c.member(name, value)
                if owner is not None and not allows(owner.role, rules.LESSON_ACTION):
                    c.fail(name, _("%(member)s is a %(role)s, who cannot mark a lesson's action done; give the action "
                                   "to a member who handles incidents.") % {"member": owner.user.email,
                                                                             "role": owner.get_role_display()})
                out[name] = owner
            case "due_on":
                out[name] = c.date(name, value)
            case "status":
                out[name] = c.choice(name, value, LessonStatus)
            case "risk":
                out[name] = _existing_risk(c, value)
            case "new_risk":
                out[name] = c.text(name, value, limit=200)
            case "control":
                out[name] = _control(c, value)
    if c.errors:
        raise ValidationError(c.errors)
    return out


def _category(org: Organization, kind: str) -> str:
    """The key of the register's category a lesson's new risk goes to: the kind's usual one while it is active,
    else the first active category."""
    active = list(RiskCategory.objects.for_org(org).filter(active=True).order_by("position", "name")
                  .values_list("key", flat=True))
    wanted = rules.LESSON_RISK_CATEGORY.get(kind, rules.DEFAULT_LESSON_CATEGORY)
    if wanted in active:
        return wanted
    if not active:
        raise ValidationError({"new_risk": _("The register of %(org)s has no active category for a new risk.")
                               % {"org": org.name}})
    return active[0]


def _new_risk(actor: User | None, org: Organization, incident: Incident, title: str, text: str,
              owner: Membership | None) -> Risk:
    """A risk raised in the register from a lesson, through the risks app's own service (its audit event)."""
    likelihoods, impacts = risk_selectors.current_matrix(org).size
    try:
        return risk_register.do_create_risk(actor, org, {
            "title": title, "category": _category(org, incident.kind),
            "description": _("Raised from a lesson of %(ref)s: %(text)s") % {"ref": incident.ref, "text": text},
            "likelihood": rules.lesson_risk_position(incident.severity, likelihoods),
            "impact": rules.lesson_risk_position(incident.severity, impacts),
            "owner": owner.user.email if owner is not None else None})
    except ValidationError as exc:
        # The risk's own fields are not the lesson's: every refusal is on `new_risk`.
        raise ValidationError({"new_risk": exc.messages}) from None


def _tell_owner(org: Organization, lesson: Lesson, actor: User | None) -> None:
    if lesson.owner_id is not None and lesson.status == LessonStatus.OPEN:
        notify(org, LESSON_ASSIGNED, lesson, actor=actor, key=occasion(lesson))


@transaction.atomic
def do_add_lesson(actor: User | None, org: Organization, incident: Incident, data: Mapping[str, Any]) -> Lesson:
    """Add a lesson to `incident`'s review: `text` and `action` (required), `owner` (a member's e-mail), `due_on`,
    and optionally `risk` (an existing risk the lesson updates, R-001) or `new_risk` (the title of a risk created
    in the register from the lesson) and `control` (C-001). Refused (409) until the incident is recovered or
    closed. The owner is told."""
    check_same_org(org, incident=incident)
    obj = _locked(org, incident)
    _refuse_unless_reviewable(obj)
    values = _clean_lesson(Cleaner(org), data, creating=True)
    title = values.pop("new_risk", "")
    lesson = Lesson(organization=org, incident=obj, **values)
    if title:
        lesson.risk = _new_risk(actor, org, obj, title, lesson.text, lesson.owner)
        lesson.risk_created = True
    if lesson.status == LessonStatus.DONE:
        lesson.done_at = timezone.now()
    lesson.save(force_insert=True)
    audit.record(org, actor, AuditAction.CREATE, lesson, object_repr=f"{obj.ref}: {lesson.action}"[:200],
                 changes=audit.diff({}, audit.snapshot(lesson, LESSON_AUDITED)))
    _tell_owner(org, lesson, actor)
    return lesson


@transaction.atomic
def do_update_lesson(actor: User | None, org: Organization, lesson: Lesson, data: Mapping[str, Any]) -> Lesson:
    """Change a lesson: its texts, owner (the new one is told), due date, status (done stamps `done_at`), its risk
    (`risk`: another existing one, '' for none; `new_risk`: a risk created from it) or its control."""
    check_same_org(org, lesson=lesson)
    lock_org(org)
    obj = Lesson.objects.for_org(org).select_related("incident").get(pk=lesson.pk)
    _refuse_unless_reviewable(obj.incident)
    values = _clean_lesson(Cleaner(org), data, creating=False)
    title = values.pop("new_risk", "")
    before = audit.snapshot(obj, LESSON_AUDITED)
    for name, value in values.items():
        setattr(obj, name, value)
    if "risk" in values:
        obj.risk_created = False
    if title:
        obj.risk = _new_risk(actor, org, obj.incident, title, obj.text, obj.owner)
        obj.risk_created = True
    if "status" in values:
        obj.done_at = (obj.done_at or timezone.now()) if obj.status == LessonStatus.DONE else None
    changes = audit.diff(before, audit.snapshot(obj, LESSON_AUDITED))
    if changes:
        obj.updated_at = timezone.now()
        obj.save(update_fields=[*changes, "updated_at"])
        audit.record(org, actor, AuditAction.UPDATE, obj, changes=changes,
                     object_repr=f"{obj.incident.ref}: {obj.action}"[:200])
        if "owner" in changes or "status" in changes:
            _tell_owner(org, obj, actor)
    return obj


def hand_over_lessons(actor: User | None, org: Organization, membership: Membership,
                      reassign_to: Membership | None) -> list[audit.Entry]:
    """Give `membership`'s lesson actions to `reassign_to` (None: nobody), each told; the audit entries for the
    caller to record (accord.incidents.services.do_hand_over_member_incidents, under its lock)."""
    new = reassign_to.pk if reassign_to is not None else None
    entries: list[audit.Entry] = []
    for lesson in Lesson.objects.for_org(org).filter(owner=membership).select_related("incident").order_by("pk"):
        lesson.owner = reassign_to
        lesson.updated_at = timezone.now()
        lesson.save(update_fields=["owner", "updated_at"])
        entries.append(audit.Entry(AuditAction.UPDATE, lesson, {"owner": [membership.pk, new]},
                                   f"{lesson.incident.ref}: {lesson.action}"[:200]))
        _tell_owner(org, lesson, actor)
    return entries


__all__ = ["do_add_lesson", "do_update_lesson", "do_write_incident_review", "hand_over_lessons"]
