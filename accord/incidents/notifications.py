"""The incidents' kinds of notification, registered by IncidentsConfig.ready():

- a lesson's action is assigned to a member (on adding the lesson, on a change of owner, on a handover): its
  owner is told, once per lesson and owner, while the action is open.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accord.core.models import Membership, Organization
from accord.core.notifications.registry import Kind, register
from accord.incidents.choices import LessonStatus
from accord.incidents.models import Lesson

LESSON_ASSIGNED = "incidents.lesson_assigned"


def occasion(lesson: Lesson) -> str:
    """One notification per lesson and owner: a new owner is told again."""
    return f"incidents.lesson:{lesson.pk}:{lesson.owner_id}"


def _owner(org: Organization, lesson: Lesson) -> list[Membership]:
    if lesson.owner_id is None or lesson.status != LessonStatus.OPEN:
        return []
    return list(Membership.objects.for_org(org).filter(pk=lesson.owner_id).select_related("user"))


def _open_lesson(org: Organization, object_id: str) -> Lesson | None:
    return (Lesson.objects.for_org(org).filter(pk=int(object_id), status=LessonStatus.OPEN)
            .select_related("incident").first())


def _title(lesson: Lesson, membership: Membership) -> str:
    if lesson.due_on is not None:
        return _("A lesson of %(ref)s is yours to act on by %(date)s: %(action)s") % {
            "ref": lesson.incident.ref, "date": f"{lesson.due_on:%Y-%m-%d}", "action": lesson.action}
    return _("A lesson of %(ref)s is yours to act on: %(action)s") % {"ref": lesson.incident.ref,
                                                                       "action": lesson.action}


def _link(org: Organization, lesson: Lesson) -> str:
    return reverse("incidents:detail", kwargs={"org": org.slug, "incident_id": lesson.incident_id}) + "#review"


def register_incident_kinds() -> None:
    register(Kind(
        LESSON_ASSIGNED, gettext_lazy("A lesson of an incident is yours to act on"), "incident.view",
        recipients=_owner, title=_title, link=_link, load=_open_lesson,
        description=gettext_lazy("A post-incident review made a lesson into an action, and you own it.")))
