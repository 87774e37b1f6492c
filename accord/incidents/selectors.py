"""Tenant-scoped reads of the incidents: the list (roles, breach and counts loaded in a constant number of
queries), one incident, its timeline, tasks, communications, affected systems with their recovery countdown,
the NIS2 clocks, the incident matrix, the playbooks, the post-incident review and its lessons (and the lessons that
name a risk or a control, for those pages), and a member's open incident tasks and lesson actions for the
dashboard."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import (
    Avg,
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Coalesce, ExtractQuarter, ExtractYear
from django.http import Http404

from accord.core.history import names_by_id
from accord.core.inputs import INT64_MAX
from accord.core.models import Membership, Organization
from accord.incidents import rules
from accord.incidents.choices import IncidentKind, IncidentRole, IncidentStatus, LessonStatus, TaskKind, TaskStatus
from accord.incidents.models import (
    Communication,
    Incident,
    IncidentMatrix,
    IncidentReview,
    IncidentSystem,
    IncidentTask,
    Lesson,
    Playbook,
    TimelineEntry,
)
from accord.incidents.playbooks import shipped


@dataclass(frozen=True)
class IncidentFilter:
    kind: str = ""
    status: str = ""
    severity: str = ""
    open_only: bool = False


_ROLES = ("commander__user", "response_lead__user", "recovery_lead__user", "dpo__user")


def incidents(org: Organization, filters: IncidentFilter | None = None) -> QuerySet[Incident]:
    """`org`'s incidents, newest first, with their roles, breach and counts of entries and open tasks."""
    f = filters or IncidentFilter()
    links = IncidentSystem.objects.for_org(org).select_related("system").order_by("system__number")
    qs = (Incident.objects.for_org(org).select_related("organization", *_ROLES, "breach")
          .prefetch_related(Prefetch("system_links", queryset=links)))
    if f.kind:
        qs = qs.filter(kind=f.kind)
    if f.status:
        qs = qs.filter(status=f.status)
    if f.severity:
        qs = qs.filter(severity=f.severity)
    if f.open_only:
        qs = qs.exclude(status=IncidentStatus.CLOSED)
    # A subquery per row shown (not a GROUP BY over every incident): the page reads the newest rows by the index.
    open_tasks = (IncidentTask.objects.for_org(org).filter(incident=OuterRef("pk")).exclude(status=TaskStatus.DONE)
                  .order_by().values("incident").annotate(n=Count("pk")).values("n"))
    return qs.annotate(open_tasks=Coalesce(Subquery(open_tasks), 0)).order_by("-became_aware_at", "-number")


def access_incident(org: Organization, incident_id: int | str) -> Incident:
    """One incident of `org`, or 404 (missing and another organisation's answer the same)."""
    try:
        pk = int(incident_id)
    except (TypeError, ValueError):
        pk = 0
    found = incidents(org).filter(pk=pk).first() if 0 < pk <= INT64_MAX else None
    if found is None:
        raise Http404("No such incident.")
    return found


def timeline(org: Organization, incident: Incident) -> QuerySet[TimelineEntry]:
    return TimelineEntry.objects.for_org(org).filter(incident=incident).select_related("author").order_by(
        "happened_at", "pk")


def tasks(org: Organization, incident: Incident) -> QuerySet[IncidentTask]:
    return IncidentTask.objects.for_org(org).filter(incident=incident).select_related(
        "owner__user", "system").order_by("position", "pk")


def access_task(org: Organization, incident: Incident, task_id: int | str) -> IncidentTask:
    try:
        pk = int(task_id)
    except (TypeError, ValueError):
        pk = 0
    found = tasks(org, incident).filter(pk=pk).first() if 0 < pk <= INT64_MAX else None
    if found is None:
        raise Http404("No such task.")
    return found


def communications(org: Organization, incident: Incident) -> QuerySet[Communication]:
    return Communication.objects.for_org(org).filter(incident=incident).select_related("author").order_by(
        "sent_at", "pk")


@dataclass(frozen=True)
class AffectedSystem:
    """An affected system with its objectives and its recovery countdown (due: awareness + RTO)."""

    pk: int
    ref: str
    name: str
    criticality: str
    criticality_label: str
    rto_hours: int | None
    rpo_hours: int | None
    recovery_due: dt.datetime | None
    recovered: bool


def affected_systems(org: Organization, incident: Incident) -> list[AffectedSystem]:
    """The systems `incident` affects (inventory order); recovered once the incident is, or its recovery task
    is done."""
    links = IncidentSystem.objects.for_org(org).filter(incident=incident).select_related("system").order_by(
        "system__number")
    done = set(IncidentTask.objects.for_org(org).filter(incident=incident, kind=TaskKind.RECOVERY,
                                                        status=TaskStatus.DONE).values_list("system_id", flat=True))
    over = incident.recovered_at is not None
    return [AffectedSystem(s.pk, s.ref, s.name, s.criticality, str(s.get_criticality_display()), s.rto_hours,
                           s.rpo_hours, rules.recovery_due(incident.became_aware_at, s.rto_hours),
                           over or s.pk in done)
            for s in (link.system for link in links)]


def clocks(org: Organization, incident: Incident) -> tuple[rules.Clock, ...]:
    """The NIS2 Article 23 clocks of `incident` (none unless `org` is an essential or important entity)."""
    return rules.nis2_clocks(org.nis2, incident.became_aware_at, early_warning_at=incident.early_warning_at,
                             notification_at=incident.notification_at, final_report_at=incident.final_report_at)


@dataclass(frozen=True)
class Matrix:
    impacts: list[str]
    urgencies: list[str]
    levels: list[list[str]]
    stored: bool


def matrix(org: Organization) -> Matrix:
    """The organisation's incident matrix (the default one until it edits its own)."""
    found = IncidentMatrix.objects.for_org(org).first()
    if found is None:
        return Matrix(list(rules.DEFAULT_IMPACTS), list(rules.DEFAULT_URGENCIES),
                      [list(row) for row in rules.DEFAULT_LEVELS], stored=False)
    return Matrix(list(found.impact_labels), list(found.urgency_labels), [list(r) for r in found.levels], stored=True)


@dataclass(frozen=True)
class PlaybookView:
    kind: str
    tasks: list[dict[str, object]]
    customised: bool


def playbook(org: Organization, kind: str) -> PlaybookView:
    """`org`'s playbook for `kind`: its own copy, else the shipped one."""
    found = Playbook.objects.for_org(org).filter(kind=kind).first()
    if found is not None:
        return PlaybookView(kind, list(found.tasks), customised=True)
    return PlaybookView(kind, shipped(kind), customised=False)


def playbooks(org: Organization) -> list[PlaybookView]:
    """Every kind's playbook (one query)."""
    own = {p.kind: p for p in Playbook.objects.for_org(org)}
    return [PlaybookView(k, list(own[k].tasks), customised=True) if k in own
            else PlaybookView(k, shipped(k), customised=False) for k in IncidentKind.values]


def tasks_of(org: Organization, membership: Membership, *, limit: int = 20) -> list[IncidentTask]:
    """A member's tasks still to do on incidents not closed, the nearest due first (the dashboard's panel)."""
    return list(IncidentTask.objects.for_org(org).filter(owner=membership).exclude(status=TaskStatus.DONE)
                .exclude(incident__status=IncidentStatus.CLOSED).select_related("incident")
                .order_by("due_at", "pk")[:limit])


def lesson_actions_of(org: Organization, membership: Membership, *, limit: int = 20) -> list[Lesson]:
    """A member's open lesson actions, the nearest due first (undated last)."""
    return list(Lesson.objects.for_org(org).filter(owner=membership, status=LessonStatus.OPEN)
                .select_related("incident").order_by(F("due_on").asc(nulls_last=True), "pk")[:limit])


def member_panel(org: Organization, membership: Membership) -> dict[str, object]:
    """The dashboard's panel of the member's own incident tasks and lesson actions (two queries)."""
    return {"incident_tasks": tasks_of(org, membership), "lesson_actions": lesson_actions_of(org, membership)}


def review(org: Organization, incident: Incident) -> IncidentReview | None:
    """The post-incident review of `incident` (None until it is written)."""
    return IncidentReview.objects.for_org(org).filter(incident=incident).first()


def lessons(org: Organization, incident: Incident) -> QuerySet[Lesson]:
    """The lessons of `incident`'s review with their owner, risk and control, in the order written."""
    return Lesson.objects.for_org(org).filter(incident=incident).select_related(
        "incident", "owner__user", "risk", "control").order_by("pk")


def access_lesson(org: Organization, incident: Incident, lesson_id: int | str) -> Lesson:
    """One lesson of `incident`, or 404."""
    try:
        pk = int(lesson_id)
    except (TypeError, ValueError):
        pk = 0
    found = lessons(org, incident).filter(pk=pk).first() if 0 < pk <= INT64_MAX else None
    if found is None:
        raise Http404("No such lesson.")
    return found


def lessons_of_risk(org: Organization, risk: Any) -> list[Lesson]:
    """The lessons of incidents that created or updated `risk` (the risk page's "Lessons from incidents")."""
    return list(Lesson.objects.for_org(org).filter(risk=risk).select_related("incident").order_by("incident__number",
                                                                                                   "pk"))


def lessons_of_control(org: Organization, control: Any) -> list[Lesson]:
    """The lessons of incidents that name `control` (the control page's "Lessons from incidents")."""
    return list(Lesson.objects.for_org(org).filter(control=control).select_related("incident")
                .order_by("incident__number", "pk"))


def incident_names(org: Organization, ids: set[str]) -> dict[str, str]:
    return names_by_id(Incident.objects.for_org(org).only("number", "title"), ids, str)


def task_names(org: Organization, ids: set[str]) -> dict[str, str]:
    return names_by_id(IncidentTask.objects.for_org(org).only("title"), ids, str)


def lesson_names(org: Organization, ids: set[str]) -> dict[str, str]:
    return names_by_id(Lesson.objects.for_org(org).only("action"), ids, str)


def held_by(org: Organization, membership: Membership) -> list[str]:
    """What `membership` holds on incidents (roles and tasks), as people read it (handed over on leaving)."""
    lines = []
    role_q = Q(commander=membership) | Q(response_lead=membership) | Q(recovery_lead=membership) | Q(dpo=membership)
    for incident in Incident.objects.for_org(org).filter(role_q).order_by("number"):
        roles = [str(IncidentRole(r).label) for r in ("commander", "response_lead", "recovery_lead", "dpo")
                 if getattr(incident, f"{r}_id") == membership.pk]
        lines.append(f"{incident.ref} {incident.title}: {', '.join(roles)}")
    for task in IncidentTask.objects.for_org(org).filter(owner=membership).select_related("incident").order_by("pk"):
        lines.append(f"{task.incident.ref} {task.title}")
    for lesson in Lesson.objects.for_org(org).filter(owner=membership).select_related("incident").order_by("pk"):
        lines.append(f"{lesson.incident.ref} {lesson.action}")
    return lines


@dataclass(frozen=True)
class Metrics:
    """The mean times per severity (in the severities' order) and per quarter (oldest first)."""

    by_severity: dict[str, dict[str, rules.Mean]]
    by_quarter: dict[str, dict[str, rules.Mean]]
    incidents: int


def metrics(org: Organization) -> Metrics:
    """MTTD, MTTA, MTTC and MTTR of every incident of `org` (one query, the columns only), per severity and per
    quarter of `became_aware_at` in the organisation's zone."""
    from zoneinfo import ZoneInfo

    zone = ZoneInfo(org.timezone)
    base = Incident.objects.for_org(org).order_by()
    by_severity = _means(base.values("severity"), lambda row: str(row["severity"]))
    quarters = base.annotate(y=ExtractYear("became_aware_at", tzinfo=zone), q=ExtractQuarter("became_aware_at",
                                                                                           tzinfo=zone))
    by_quarter = _means(quarters.values("y", "q"), lambda row: f"{row['y']}-Q{row['q']}")
    order = {s: k for k, s in enumerate(rules.SEVERITIES)}
    return Metrics(dict(sorted(by_severity.items(), key=lambda item: order.get(item[0], 99))),
                   dict(sorted(by_quarter.items())), base.count())


def _means(grouped: QuerySet[Incident, Any],
           key: Callable[[dict[str, Any]], str]) -> dict[str, dict[str, rules.Mean]]:
    """rules.METRICS' means per group, in the database (one query): each the average of the elapsed time between
    its two timestamps over the incidents that have both, the second not before the first."""
    figures: dict[str, Any] = {}
    for name, start, end in rules.METRICS:
        counted = Q(**{f"{start}__isnull": False, f"{end}__isnull": False, f"{end}__gte": F(start)})
        span = ExpressionWrapper(F(end) - F(start), output_field=DurationField())
        figures[f"{name}_mean"] = Avg(span, filter=counted)
        figures[f"{name}_n"] = Count("pk", filter=counted)
    out: dict[str, dict[str, rules.Mean]] = {}
    for row in grouped.annotate(**figures):
        out[key(row)] = {name: rules.Mean(_hours(row[f"{name}_mean"]) if row[f"{name}_n"] else None,
                                          row[f"{name}_n"]) for name, _s, _e in rules.METRICS}
    return out


def _hours(value: Any) -> float | None:
    if value is None:
        return None
    if isinstance(value, dt.timedelta):
        return value.total_seconds() / 3600
    return float(value) / 3_600_000_000  # microseconds (a backend that answers a number)
