"""REST API of the incidents, mounted under /api/v1/orgs/ by accord/api.py: incidents (list with filters, open,
read, change, advance to the next phase, record a NIS2 report as sent, the DPO's own breach awareness), their
timeline (read and append only: there is no route to change or remove an entry), tasks (list, add, change),
communications log (list, log), the playbooks (list, replace one kind's) and the incident matrix (read, replace).

Instants are answered in the organisation's time zone with their offset; one given without an offset is read in
that zone. `breach_id` names the breach the incident opened in the privacy register, `notify_authority_by` its
72-hour deadline; `clocks` are the NIS2 Article 23 clocks (empty unless the organisation is an essential or
important entity).
"""

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import StrictInt, ValidationInfo, field_validator

from accord.core.answers import api_read
from accord.core.apikit import ERRORS, BodyIn, Id, Pagination, TextIn, org_access
from accord.core.models import Membership
from accord.incidents import rules, selectors, services
from accord.incidents.choices import (
    Audience,
    EntryKind,
    IncidentKind,
    IncidentStatus,
    Nis2Report,
    PersonalData,
    Severity,
    TaskKind,
    TaskStatus,
)
from accord.incidents.models import Communication, Incident, IncidentTask, TimelineEntry

router = Router(tags=["incidents"])

_BASE = "/{org}/incidents"
_ZONE = "_incidents_zone"


def _viewer(request: HttpRequest, m: Membership) -> Membership:
    setattr(request, _ZONE, ZoneInfo(m.organization.timezone))
    return m


def _local(moment: dt.datetime | None, context: Any) -> dt.datetime | None:
    if moment is None:
        return None
    zone = getattr(context["request"], _ZONE, None)
    return moment.astimezone(zone) if zone is not None else moment


def _email(member: Membership | None) -> str | None:
    return member.user.email if member is not None else None


class IncidentSystemOut(Schema):
    id: int
    ref: str
    name: str
    criticality: str
    rto_hours: int | None
    rpo_hours: int | None
    recovery_due: dt.datetime | None = Field(description="became_aware_at + RTO (null: no RTO)")


class ClockOut(Schema):
    report: Nis2Report
    due_at: dt.datetime
    done_at: dt.datetime | None
    late: bool = Field(description="Done after its due time, or not done and past it")


class IncidentOut(Schema):
    id: int
    ref: str = Field(description="INC-001, INC-002, … in the order incidents were opened")
    title: str
    kind: IncidentKind
    description: str
    impact: int
    urgency: int
    severity: Severity = Field(description="From the organisation's incident matrix (impact × urgency)")
    status: IncidentStatus
    next_status: IncidentStatus | None = Field(description="Where `advance` moves it (null once closed)")
    detection_source: str
    personal_data: PersonalData
    occurred_at: dt.datetime | None
    detected_at: dt.datetime | None
    became_aware_at: dt.datetime
    analysed_at: dt.datetime | None
    contained_at: dt.datetime | None
    eradicated_at: dt.datetime | None
    recovered_at: dt.datetime | None
    closed_at: dt.datetime | None
    commander: str | None = Field(description="E-mail address of the incident commander")
    response_lead: str | None
    recovery_lead: str | None
    dpo: str | None
    systems: list[IncidentSystemOut]
    breach_id: int | None = Field(description="The breach opened in the privacy register (personal data: yes)")
    breach_became_aware_at: dt.datetime | None = Field(description="The breach's awareness instant")
    breach_awareness_reason: str
    notify_authority_by: dt.datetime | None = Field(description="The breach's deadline: 72 elapsed hours after "
                                                                "its awareness instant")
    clocks: list[ClockOut] = Field(description="NIS2 Article 23: early warning 24 h, incident notification 72 h, "
                                               "final report one month after the notification")
    open_tasks: int
    created_at: dt.datetime
    updated_at: dt.datetime

    @field_validator("occurred_at", "detected_at", "became_aware_at", "analysed_at", "contained_at", "eradicated_at",
                     "recovered_at", "closed_at", "created_at", "updated_at")
    @classmethod
    def _in_the_organisations_zone(cls, moment: dt.datetime | None, info: ValidationInfo) -> dt.datetime | None:
        return _local(moment, info.context) if info.context else moment

    @staticmethod
    def resolve_next_status(obj: Incident) -> str | None:
        return rules.next_phase(obj.status)

    @staticmethod
    def resolve_commander(obj: Incident) -> str | None:
        return _email(obj.commander)

    @staticmethod
    def resolve_response_lead(obj: Incident) -> str | None:
        return _email(obj.response_lead)

    @staticmethod
    def resolve_recovery_lead(obj: Incident) -> str | None:
        return _email(obj.recovery_lead)

    @staticmethod
    def resolve_dpo(obj: Incident) -> str | None:
        return _email(obj.dpo)

    @staticmethod
    def resolve_systems(obj: Incident, context: Any) -> list[dict[str, Any]]:
        return [{"id": s.pk, "ref": s.ref, "name": s.name, "criticality": s.criticality, "rto_hours": s.rto_hours,
                 "rpo_hours": s.rpo_hours,
                 "recovery_due": _local(rules.recovery_due(obj.became_aware_at, s.rto_hours), context)}
                for s in (link.system for link in obj.system_links.all())]

    @staticmethod
    def resolve_breach_became_aware_at(obj: Incident, context: Any) -> dt.datetime | None:
        return _local(obj.breach.became_aware_at, context) if obj.breach else None

    @staticmethod
    def resolve_notify_authority_by(obj: Incident, context: Any) -> dt.datetime | None:
        return _local(obj.breach.notify_authority_by, context) if obj.breach else None

    @staticmethod
    def resolve_clocks(obj: Incident, context: Any) -> list[dict[str, Any]]:
        now = dt.datetime.now(dt.UTC)
        return [{"report": c.key, "due_at": _local(c.due_at, context), "done_at": _local(c.done_at, context),
                 "late": c.late(now)} for c in selectors.clocks(obj.organization, obj)]

    @staticmethod
    def resolve_open_tasks(obj: Incident) -> int:
        return int(getattr(obj, "open_tasks", 0))


for _name in ("occurred_at", "detected_at", "became_aware_at", "analysed_at", "contained_at", "eradicated_at",
              "recovered_at", "closed_at", "created_at", "updated_at"):
    setattr(IncidentOut, f"resolve_{_name}", staticmethod(
        lambda obj, context, _n=_name: _local(getattr(obj, _n), context)))


class IncidentPatch(BodyIn):
    title: str | None = Field(None, max_length=200)
    kind: IncidentKind | None = None
    description: str | None = Field(None, max_length=10_000)
    impact: int | None = Field(None, ge=1, le=7, description="A column of the incident matrix, from 1")
    urgency: int | None = Field(None, ge=1, le=7, description="A row of the incident matrix, from 1")
    detection_source: str | None = Field(None, max_length=200)
    personal_data: PersonalData | None = Field(None, description="yes opens a breach in the privacy register")
    occurred_at: dt.datetime | None = None
    detected_at: dt.datetime | None = None
    became_aware_at: dt.datetime | None = Field(None, description="An instant with its offset")
    commander: str | None = Field(None, max_length=254, description="A member's e-mail address ('' for none)")
    response_lead: str | None = Field(None, max_length=254)
    recovery_lead: str | None = Field(None, max_length=254)
    dpo: str | None = Field(None, max_length=254)
    systems: list[StrictInt] | None = Field(None, description="Ids of the affected systems: the whole new list")


class IncidentIn(IncidentPatch):
    title: str = Field(min_length=1, max_length=200)
    kind: IncidentKind
    became_aware_at: dt.datetime = Field(description="When the organisation became aware: an instant with its "
                                                     "offset, e.g. 2026-03-28T09:30:00+01:00")


class IncidentQuery(TextIn):
    kind: IncidentKind | None = None
    status: IncidentStatus | None = None
    severity: Severity | None = None
    open: bool = Field(False, description="Only incidents not closed")


def _one(request: HttpRequest, m: Membership, incident_id: int) -> Incident:
    return selectors.access_incident(_viewer(request, m).organization, incident_id)


def _data(payload: BodyIn) -> dict[str, Any]:
    return payload.model_dump(exclude_unset=True)


@router.get(f"{_BASE}/", response={200: list[IncidentOut], **ERRORS}, summary="The incidents",
            operation_id="accord_incidents_api_list_incidents")
@paginate(Pagination)
def list_incidents(request: HttpRequest, org: str, filters: Query[IncidentQuery]) -> QuerySet[Incident]:
    """Newest first (by when the organisation became aware), with their clocks."""
    m = _viewer(request, org_access(request, org, "incident.view"))
    return selectors.incidents(m.organization, selectors.IncidentFilter(
        kind=filters.kind or "", status=filters.status or "", severity=filters.severity or "",
        open_only=filters.open))


@router.post(f"{_BASE}/", response={201: IncidentOut, **ERRORS}, summary="Open an incident",
             operation_id="accord_incidents_api_open_incident")
def open_incident(request: HttpRequest, org: str, payload: IncidentIn) -> Status[Any]:
    """Its playbook's tasks and a recovery task per affected system are added; with personal data `yes` a breach
    is opened in the privacy register (`breach_id`, `notify_authority_by`)."""
    m = org_access(request, org, "incident.change")
    made = services.do_open_incident(m.user, m.organization, _data(payload))
    return Status(201, _one(request, m, made.pk))


@router.get(f"{_BASE}/{{incident_id}}/", response={200: IncidentOut, **ERRORS}, summary="One incident",
            operation_id="accord_incidents_api_get_incident")
def get_incident(request: HttpRequest, org: str, incident_id: Id) -> Incident:
    m = org_access(request, org, "incident.view")
    return _one(request, m, incident_id)


@router.patch(f"{_BASE}/{{incident_id}}/", response={200: IncidentOut, **ERRORS}, summary="Change an incident",
              operation_id="accord_incidents_api_update_incident")
def update_incident(request: HttpRequest, org: str, incident_id: Id, payload: IncidentPatch) -> Incident:
    m = org_access(request, org, "incident.change")
    services.do_update_incident(m.user, m.organization, _one(request, m, incident_id), _data(payload))
    return _one(request, m, incident_id)


class IncidentAdvanceIn(BodyIn):
    at: dt.datetime | None = Field(None, description="When the next phase started (default: now)")


@router.post(f"{_BASE}/{{incident_id}}/advance", response={200: IncidentOut, **ERRORS},
             summary="Move an incident to its next phase", operation_id="accord_incidents_api_advance_incident")
def advance_incident(request: HttpRequest, org: str, incident_id: Id,
                     payload: IncidentAdvanceIn | None = None) -> Incident:
    """detected → analysed → contained → eradicated → recovered → closed; a closed incident answers 409."""
    m = org_access(request, org, "incident.change")
    services.do_advance_incident(m.user, m.organization, _one(request, m, incident_id),
                                 at=payload.at if payload else None)
    return _one(request, m, incident_id)


class IncidentReportIn(BodyIn):
    at: dt.datetime | None = Field(None, description="When it was sent (default: now)")


@router.post(f"{_BASE}/{{incident_id}}/nis2/{{report}}", response={200: IncidentOut, **ERRORS},
             summary="Record a NIS2 Article 23 report as sent", operation_id="accord_incidents_api_record_nis2_report")
def record_nis2_report(request: HttpRequest, org: str, incident_id: Id, report: Nis2Report,
                       payload: IncidentReportIn | None = None) -> Incident:
    """early_warning, notification or final_report; 409 where the organisation is not a NIS2 entity."""
    m = org_access(request, org, "incident.change")
    services.do_record_nis2_report(m.user, m.organization, _one(request, m, incident_id), report.value,
                                   at=payload.at if payload else None)
    return _one(request, m, incident_id)


class AwarenessIn(BodyIn):
    became_aware_at: dt.datetime = Field(description="When the organisation became aware of the breach")
    reason: str = Field(min_length=1, max_length=10_000, description="Why it differs from the incident's")


@router.post(f"{_BASE}/{{incident_id}}/breach-awareness", response={200: IncidentOut, **ERRORS},
             summary="The DPO records the breach's own awareness instant",
             operation_id="accord_incidents_api_set_breach_awareness")
def set_breach_awareness(request: HttpRequest, org: str, incident_id: Id, payload: AwarenessIn) -> Incident:
    """The breach's 72-hour deadline moves with it; 409 when the incident opened no breach."""
    m = org_access(request, org, "incident.breach")
    services.do_set_breach_awareness(m.user, m.organization, _one(request, m, incident_id), payload.became_aware_at,
                                     reason=payload.reason)
    return _one(request, m, incident_id)


# --- timeline: read and append, nothing else -----------------------------------------------------------

class EntryOut(Schema):
    id: int
    happened_at: dt.datetime
    written_at: dt.datetime = Field(description="When the server recorded it")
    author: str | None
    kind: EntryKind
    text: str

    @staticmethod
    def resolve_happened_at(obj: TimelineEntry, context: Any) -> dt.datetime | None:
        return _local(obj.happened_at, context)

    @staticmethod
    def resolve_written_at(obj: TimelineEntry, context: Any) -> dt.datetime | None:
        return _local(obj.written_at, context)

    @staticmethod
    def resolve_author(obj: TimelineEntry) -> str | None:
        return obj.author.email if obj.author else None


class EntryIn(BodyIn):
    text: str = Field(min_length=1, max_length=10_000)
    kind: EntryKind = EntryKind.OBSERVATION
    happened_at: dt.datetime | None = Field(None, description="When it happened (default: now); up to now")


@router.get(f"{_BASE}/{{incident_id}}/timeline/", response={200: list[EntryOut], **ERRORS},
            summary="An incident's timeline", operation_id="accord_incidents_api_list_timeline")
@paginate(Pagination)
def list_timeline(request: HttpRequest, org: str, incident_id: Id) -> QuerySet[TimelineEntry]:
    """In the order things happened."""
    m = org_access(request, org, "incident.view")
    return selectors.timeline(m.organization, _one(request, m, incident_id))


@router.post(f"{_BASE}/{{incident_id}}/timeline/", response={201: EntryOut, **ERRORS},
             summary="Add an entry to an incident's timeline", operation_id="accord_incidents_api_add_timeline_entry")
def add_timeline_entry(request: HttpRequest, org: str, incident_id: Id, payload: EntryIn) -> Status[Any]:
    """Entries are append-only: no route changes or removes one."""
    m = org_access(request, org, "incident.timeline")
    entry = services.do_add_timeline_entry(m.user, m.organization, _one(request, m, incident_id), _data(payload))
    return Status(201, entry)


# --- tasks -----------------------------------------------------------------------------------------------

class ChecklistItem(Schema):
    text: str
    done: bool


class ChecklistItemIn(BodyIn):
    text: str = Field(min_length=1, max_length=300)
    done: bool = False


class TaskOut(Schema):
    id: int
    title: str
    kind: TaskKind
    system: int | None = Field(description="The affected system a recovery task restores")
    owner: str | None
    due_at: dt.datetime | None = Field(description="For a recovery task: became_aware_at + the system's RTO")
    status: TaskStatus
    checklist: list[ChecklistItem]
    done_at: dt.datetime | None

    @staticmethod
    def resolve_system(obj: IncidentTask) -> int | None:
        return obj.system_id

    @staticmethod
    def resolve_owner(obj: IncidentTask) -> str | None:
        return _email(obj.owner)

    @staticmethod
    def resolve_due_at(obj: IncidentTask, context: Any) -> dt.datetime | None:
        return _local(obj.due_at, context)

    @staticmethod
    def resolve_done_at(obj: IncidentTask, context: Any) -> dt.datetime | None:
        return _local(obj.done_at, context)


class TaskPatch(BodyIn):
    title: str | None = Field(None, max_length=200)
    owner: str | None = Field(None, max_length=254, description="A member's e-mail address ('' for none)")
    due_at: dt.datetime | None = None
    status: TaskStatus | None = None
    checklist: list[ChecklistItemIn] | None = None


class TaskIn(TaskPatch):
    title: str = Field(min_length=1, max_length=200)


@router.get(f"{_BASE}/{{incident_id}}/tasks/", response={200: list[TaskOut], **ERRORS},
            summary="An incident's tasks", operation_id="accord_incidents_api_list_tasks")
@paginate(Pagination)
def list_tasks(request: HttpRequest, org: str, incident_id: Id) -> QuerySet[IncidentTask]:
    m = org_access(request, org, "incident.view")
    return selectors.tasks(m.organization, _one(request, m, incident_id))


@router.post(f"{_BASE}/{{incident_id}}/tasks/", response={201: TaskOut, **ERRORS},
             summary="Add a task to an incident", operation_id="accord_incidents_api_add_task")
def add_task(request: HttpRequest, org: str, incident_id: Id, payload: TaskIn) -> Status[Any]:
    m = org_access(request, org, "incident.task")
    task = services.do_add_incident_task(m.user, m.organization, _one(request, m, incident_id),
                                         payload.model_dump(exclude_unset=True))
    return Status(201, selectors.access_task(m.organization, task.incident, task.pk))


@router.patch(f"{_BASE}/{{incident_id}}/tasks/{{task_id}}/", response={200: TaskOut, **ERRORS},
              summary="Change a task", operation_id="accord_incidents_api_update_task")
def update_task(request: HttpRequest, org: str, incident_id: Id, task_id: Id, payload: TaskPatch) -> IncidentTask:
    m = org_access(request, org, "incident.task")
    incident = _one(request, m, incident_id)
    task = selectors.access_task(m.organization, incident, task_id)
    services.do_update_incident_task(m.user, m.organization, task, payload.model_dump(exclude_unset=True))
    return selectors.access_task(m.organization, incident, task_id)


# --- communications ---------------------------------------------------------------------------------------

class CommunicationOut(Schema):
    id: int
    audience: Audience
    sent_at: dt.datetime
    summary: str
    author: str | None

    @staticmethod
    def resolve_sent_at(obj: Communication, context: Any) -> dt.datetime | None:
        return _local(obj.sent_at, context)

    @staticmethod
    def resolve_author(obj: Communication) -> str | None:
        return obj.author.email if obj.author else None


class CommunicationIn(BodyIn):
    audience: Audience
    summary: str = Field(min_length=1, max_length=10_000)
    sent_at: dt.datetime | None = Field(None, description="Default: now")


@router.get(f"{_BASE}/{{incident_id}}/communications/", response={200: list[CommunicationOut], **ERRORS},
            summary="An incident's communications log", operation_id="accord_incidents_api_list_communications")
@paginate(Pagination)
def list_communications(request: HttpRequest, org: str, incident_id: Id) -> QuerySet[Communication]:
    m = org_access(request, org, "incident.view")
    return selectors.communications(m.organization, _one(request, m, incident_id))


@router.post(f"{_BASE}/{{incident_id}}/communications/", response={201: CommunicationOut, **ERRORS},
             summary="Log a communication about an incident", operation_id="accord_incidents_api_log_communication")
def log_communication(request: HttpRequest, org: str, incident_id: Id, payload: CommunicationIn) -> Status[Any]:
    m = org_access(request, org, "incident.task")
    made = services.do_log_communication(m.user, m.organization, _one(request, m, incident_id), _data(payload))
    return Status(201, made)


# --- playbooks and matrix ------------------------------------------------------------------------------

class StepOut(Schema):
    title: str
    role: str = Field(description="commander, response_lead, recovery_lead, dpo, or empty")
    due_hours: int | None = Field(description="Hours after became_aware_at (null: no due time)")
    checklist: list[str]


class PlaybookOut(Schema):
    kind: IncidentKind
    customised: bool = Field(description="The organisation's own (false: the one Accord ships)")
    tasks: list[StepOut]


class StepIn(BodyIn):
    title: str = Field(min_length=1, max_length=200)
    role: str = Field("", max_length=20)
    due_hours: int | None = Field(None, ge=0, le=8760)
    checklist: list[str] = Field(default_factory=list)


class PlaybookIn(BodyIn):
    tasks: list[StepIn]


@router.get("/{org}/playbooks/", response={200: list[PlaybookOut], **ERRORS}, summary="The incident playbooks",
            operation_id="accord_incidents_api_list_playbooks")
def list_playbooks(request: HttpRequest, org: str) -> list[Any]:
    """One per kind: the organisation's own, else Accord's."""
    m = org_access(request, org, "incident.view")
    return [p.__dict__ for p in selectors.playbooks(m.organization)]


@router.put("/{org}/playbooks/{kind}/", response={200: PlaybookOut, **ERRORS},
            summary="Replace the playbook of a kind", operation_id="accord_incidents_api_update_playbook")
def update_playbook(request: HttpRequest, org: str, kind: IncidentKind, payload: PlaybookIn) -> Any:
    """Incidents opened afterwards start with these tasks."""
    m = org_access(request, org, "incident.playbook")
    services.do_update_playbook(m.user, m.organization, kind.value, [s.model_dump() for s in payload.tasks])
    return selectors.playbook(m.organization, kind.value).__dict__


class IncidentMatrixOut(Schema):
    impacts: list[str]
    urgencies: list[str]
    levels: list[list[Severity]] = Field(description="levels[urgency-1][impact-1]")
    stored: bool = Field(description="The organisation's own (false: the default)")


class IncidentMatrixIn(BodyIn):
    impacts: list[str] = Field(min_length=2, max_length=7)
    urgencies: list[str] = Field(min_length=2, max_length=7)
    levels: list[list[Severity]]


@router.get("/{org}/incident-matrix/", response={200: IncidentMatrixOut, **ERRORS}, summary="The incident matrix",
            operation_id="accord_incidents_api_get_matrix")
def get_matrix(request: HttpRequest, org: str) -> Any:
    m = org_access(request, org, "incident.view")
    return selectors.matrix(m.organization).__dict__


@router.put("/{org}/incident-matrix/", response={200: IncidentMatrixOut, **ERRORS},
            summary="Replace the incident matrix", operation_id="accord_incidents_api_set_matrix")
def set_matrix(request: HttpRequest, org: str, payload: IncidentMatrixIn) -> Any:
    """Every incident's severity is read again from it."""
    m = org_access(request, org, "incident.playbook")
    services.do_set_incident_matrix(m.user, m.organization, impacts=payload.impacts, urgencies=payload.urgencies,
                                    levels=[[v.value for v in row] for row in payload.levels])
    return selectors.matrix(m.organization).__dict__


class MeanOut(Schema):
    hours: float | None = Field(description="Mean elapsed hours (null: no incident has both timestamps)")
    count: int = Field(description="Incidents counted")


class MetricsGroupOut(Schema):
    group: str = Field(description="The severity, or the quarter of awareness (2026-Q2)")
    detect: MeanOut = Field(description="occurred_at → detected_at")
    acknowledge: MeanOut = Field(description="detected_at → became_aware_at")
    contain: MeanOut = Field(description="became_aware_at → contained_at")
    recover: MeanOut = Field(description="became_aware_at → recovered_at")


class MetricsOut(Schema):
    incidents: int
    by_severity: list[MetricsGroupOut]
    by_quarter: list[MetricsGroupOut]


def _groups(groups: dict[str, dict[str, rules.Mean]]) -> list[dict[str, Any]]:
    return [{"group": g, **{k: {"hours": m.hours, "count": m.count} for k, m in means.items()}}
            for g, means in groups.items()]


@router.get("/{org}/incident-metrics/", response={200: MetricsOut, **ERRORS},
            summary="Mean times to detect, acknowledge, contain and recover",
            operation_id="accord_incidents_api_get_metrics")
@api_read("incident.view")
def get_metrics(request: HttpRequest, org: str) -> dict[str, Any]:
    """Per severity and per quarter of awareness (in the organisation's zone); docs/incidents.md#metrics."""
    m = org_access(request, org, "incident.view")
    found = selectors.metrics(m.organization)
    return {"incidents": found.incidents, "by_severity": _groups(found.by_severity),
            "by_quarter": _groups(found.by_quarter)}
