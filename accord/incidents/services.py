"""Writes of the incidents app, each in one transaction with its audit events: open an incident (its playbook's
tasks, a recovery task per affected system due when its RTO runs out, and, when personal data is involved, a
breach opened in the privacy register through its own service), change it (personal data becoming "yes" opens
the breach then), advance its phase, add to its append-only timeline (there is no service to change or remove an
entry), add and update tasks, log a communication, record a NIS2 report as sent, record the breach's own
awareness instant (the DPO, with a reason), edit the incident matrix and the playbooks."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accord.core import audit
from accord.core.choices import AuditAction
from accord.core.conflict import Conflict
from accord.core.models import Membership, Organization, User
from accord.core.permissions import allows
from accord.core.tenancy import check_same_org
from accord.incidents import rules, selectors, services_reviews
from accord.incidents.choices import (
    Audience,
    EntryKind,
    IncidentKind,
    IncidentRole,
    IncidentStatus,
    Nis2Report,
    PersonalData,
    TaskKind,
    TaskStatus,
)
from accord.incidents.models import (
    Communication,
    Incident,
    IncidentMatrix,
    IncidentSystem,
    IncidentTask,
    Playbook,
    TimelineEntry,
)
from accord.portfolio.models_systems import System
from accord.privacy import services_breaches
from accord.privacy.services_common import Cleaner, lock_org

#: What a person gives when opening or changing an incident (the API's names).
INCIDENT_FIELDS = ("title", "kind", "description", "impact", "urgency", "detection_source", "personal_data",
                   "occurred_at", "detected_at", "became_aware_at", "commander", "response_lead", "recovery_lead",
                   "dpo", "systems")
_ROLES = ("commander", "response_lead", "recovery_lead", "dpo")
_INSTANTS = ("occurred_at", "detected_at", "became_aware_at")
AUDITED = ("title", "kind", "description", "impact", "urgency", "severity", "status", "detection_source",
           "personal_data", "occurred_at", "detected_at", "became_aware_at", "analysed_at", "contained_at",
           "eradicated_at", "recovered_at", "closed_at", *_ROLES, "breach", "breach_awareness_reason",
           "early_warning_at", "notification_at", "final_report_at")
TASK_FIELDS = ("title", "owner", "due_at", "status", "checklist")
TASK_AUDITED = ("incident", "title", "kind", "system", "owner", "due_at", "status", "checklist", "done_at")
ENTRY_AUDITED = ("incident", "happened_at", "written_at", "author", "kind", "text")
COMMUNICATION_AUDITED = ("incident", "audience", "sent_at", "summary", "author")
_STAMPS = {"early_warning": "early_warning_at", "notification": "notification_at", "final_report": "final_report_at"}


def _systems(c: Cleaner, value: Any) -> list[System]:
    if value in (None, ""):
        return []
    if not isinstance(value, list | tuple):
        c.fail("systems", _("Give a list of system ids."))
        return []
    ids = [c.count("systems", v, high=2**63 - 1) for v in value]
    wanted = {i for i in ids if i}
    found = list(System.objects.for_org(c.org).filter(pk__in=wanted)) if wanted else []
    missing = sorted(wanted - {s.pk for s in found})
    if missing:
        c.fail("systems", _("No system of %(org)s has the id %(value)s.")
               % {"org": c.org.name, "value": ", ".join(map(str, missing))})
    return sorted(found, key=lambda s: s.number)


def clean_incident_input(org: Organization, data: Mapping[str, Any], *,
                         current: Incident | None = None) -> dict[str, Any]:
    """An incident's values from the API's names; on opening `title`, `kind` and `became_aware_at` are required.
    Impact and urgency are places on the organisation's matrix (from 1); members by e-mail; systems by id."""
    c = Cleaner(org)
    c.unknown(data, INCIDENT_FIELDS)
    if current is None:
        c.required(data, "title", "kind", "became_aware_at")
    grid = selectors.matrix(org)
    out: dict[str, Any] = {}
    for name, value in data.items():
        if name in c.errors:
            continue
        match name:
            case "title":
                out[name] = c.text(name, value, required=True, limit=200)
            case "detection_source":
                out[name] = c.text(name, value, limit=200)
            case "description":
                out[name] = c.text(name, value)
            case "kind":
                out[name] = c.choice(name, value, IncidentKind)
            case "personal_data":
                out[name] = c.choice(name, value, PersonalData)
            case "impact" | "urgency":
                high = len(grid.impacts if name == "impact" else grid.urgencies)
                number = c.count(name, value, high=high)
                if number == 0:
                    c.fail(name, _("%(number)s is out of range: 1 to %(high)s.") % {"number": number, "high": high})
                out[name] = number or 1
            case "occurred_at" | "detected_at" | "became_aware_at":
                moment = c.instant(name, value)
                if moment is None and name == "became_aware_at":
                    c.fail(name, _("This field is required."))
                out[name] = moment
            case "commander" | "response_lead" | "recovery_lead" | "dpo":
                out[name] = c.member(name, value)
            case "systems":
                out[name] = _systems(c, value)
    if c.errors:
        raise ValidationError(c.errors)
    aware = out.get("became_aware_at", getattr(current, "became_aware_at", None))
    occurred = out.get("occurred_at", getattr(current, "occurred_at", None))
    if aware and occurred and occurred > aware:
        raise ValidationError({"occurred_at": _("The incident cannot have occurred after the organisation became "
                                                "aware of it.")})
    return out


def _repr(obj: Incident) -> str:
    return str(obj)[:200]


def _owner(incident: Incident, role: str) -> Membership | None:
    return getattr(incident, role, None) if role in IncidentRole.values else None


def _recovery_task(incident: Incident, system: System, position: int) -> IncidentTask:
    return IncidentTask(organization=incident.organization, incident=incident, kind=TaskKind.RECOVERY, system=system,
                        title=(_("Recover %(system)s") % {"system": str(system)})[:200], owner=incident.recovery_lead,
                        due_at=rules.recovery_due(incident.became_aware_at, system.rto_hours), position=position)


def _task_entries(tasks: Sequence[IncidentTask]) -> list[audit.Entry]:
    return [audit.Entry(AuditAction.CREATE, t, audit.diff({}, audit.snapshot(t, TASK_AUDITED)), t.title[:200])
            for t in tasks]


def _open_breach(actor: User | None, org: Organization, incident: Incident) -> list[audit.Entry]:
    """Open the linked breach in the privacy register (its own service and audit event) and link it."""
    breach = services_breaches.do_open_breach(actor, org, {
        "title": incident.title, "became_aware_at": incident.became_aware_at, "occurred_at": incident.occurred_at,
        "nature": incident.description})
    before = audit.snapshot(incident, AUDITED)
    incident.breach = breach
    return [audit.Entry(AuditAction.UPDATE, incident, audit.diff(before, audit.snapshot(incident, AUDITED)),
                        _repr(incident))]


@transaction.atomic
def do_open_incident(actor: User | None, org: Organization, data: Mapping[str, Any]) -> Incident:
    """Open an incident: its severity from the matrix, its playbook's tasks (owned by the roles they name, due
    hours after awareness), a recovery task per affected system (due when its RTO runs out) and, when personal
    data is involved, a linked breach whose 72-hour clock starts at `became_aware_at`."""
    lock_org(org)
    values = clean_incident_input(org, data)
    systems = values.pop("systems", [])
    grid = selectors.matrix(org)
    number = (Incident.objects.for_org(org).aggregate(n=Max("number"))["n"] or 0) + 1
    obj = Incident(organization=org, number=number, **values)
    obj.severity = rules.severity(grid.levels, obj.impact, obj.urgency)
    obj.detected_at = obj.detected_at or obj.became_aware_at
    obj.save(force_insert=True)
    entries = [audit.Entry(AuditAction.CREATE, obj, audit.diff({}, audit.snapshot(obj, AUDITED)), _repr(obj))]
    links = [IncidentSystem(organization=org, incident=obj, system=s) for s in systems]
    IncidentSystem.objects.for_org(org).bulk_create(links)
    entries += [audit.Entry(AuditAction.CREATE, link, {"incident": [None, obj.pk], "system": [None, s.pk]},
                            str(s)[:200]) for link, s in zip(links, systems, strict=True)]
    steps = selectors.playbook(org, obj.kind).tasks
    made = [IncidentTask(organization=org, incident=obj, title=str(step["title"])[:200],
                         owner=_owner(obj, str(step.get("role", ""))),
                         due_at=(obj.became_aware_at + dt.timedelta(hours=int(hours)))  # type: ignore[call-overload]
                         if (hours := step.get("due_hours")) not in (None, "") else None,
                         checklist=[{"text": str(item), "done": False} for item in step.get("checklist", [])],  # type: ignore[attr-defined]
                         position=k) for k, step in enumerate(steps)]
    made += [_recovery_task(obj, s, len(steps) + k) for k, s in enumerate(systems)]
    IncidentTask.objects.for_org(org).bulk_create(made)
    entries += _task_entries(made)
    if obj.personal_data == PersonalData.YES:
        entries += _open_breach(actor, org, obj)
        obj.save(update_fields=["breach"])
    audit.record_many(org, actor, entries)
    return obj


def _locked(org: Organization, incident: Incident) -> Incident:
    lock_org(org)
    return Incident.objects.for_org(org).select_related("breach").get(pk=incident.pk)


@transaction.atomic
def do_update_incident(actor: User | None, org: Organization, incident: Incident,
                       data: Mapping[str, Any]) -> Incident:
    """Change some fields of an incident (severity re-read from the matrix). A newly affected system gets its
    recovery task; personal data becoming "yes" opens the linked breach; a new occurrence instant moves the
    breach's, and a new awareness instant too unless the DPO recorded the breach's own."""
    check_same_org(org, incident=incident)
    obj = _locked(org, incident)
    values = clean_incident_input(org, data, current=obj)
    systems = values.pop("systems", None)
    before = audit.snapshot(obj, AUDITED)
    for name, value in values.items():
        setattr(obj, name, value)
    obj.severity = rules.severity(selectors.matrix(org).levels, obj.impact, obj.urgency)
    entries: list[audit.Entry] = []
    changes = audit.diff(before, audit.snapshot(obj, AUDITED))
    if systems is not None:
        entries += _set_systems(org, obj, systems)
    if changes:
        obj.updated_at = timezone.now()
        obj.save(update_fields=[*changes, "updated_at"])
        entries.insert(0, audit.Entry(AuditAction.UPDATE, obj, changes, _repr(obj)))
    if obj.personal_data == PersonalData.YES and obj.breach is None:
        entries += _open_breach(actor, org, obj)
        obj.save(update_fields=["breach"])
    elif obj.breach is not None:
        # The breach's occurrence follows the incident's; its awareness too, unless the DPO recorded its own.
        follows = {"occurred_at": "occurred_at" in changes,
                   "became_aware_at": "became_aware_at" in changes and not obj.breach_awareness_reason}
        if any(follows.values()):
            services_breaches.do_update_breach(actor, org, obj.breach,
                                               {name: getattr(obj, name) for name, moved in follows.items() if moved})
    if entries:
        audit.record_many(org, actor, entries)
    return obj


def _set_systems(org: Organization, obj: Incident, systems: list[System]) -> list[audit.Entry]:
    links = {link.system_id: link for link in IncidentSystem.objects.for_org(org).filter(incident=obj)}
    wanted = {s.pk: s for s in systems}
    entries = [audit.Entry(AuditAction.DELETE, link, {"incident": [obj.pk, None], "system": [pk, None]},
                           f"system {pk}") for pk, link in links.items() if pk not in wanted]
    IncidentSystem.objects.for_org(org).filter(incident=obj).exclude(system_id__in=list(wanted)).delete()
    added = [s for pk, s in wanted.items() if pk not in links]
    new_links = [IncidentSystem(organization=org, incident=obj, system=s) for s in added]
    IncidentSystem.objects.for_org(org).bulk_create(new_links)
    entries += [audit.Entry(AuditAction.CREATE, link, {"incident": [None, obj.pk], "system": [None, s.pk]},
                            str(s)[:200]) for link, s in zip(new_links, added, strict=True)]
    has_task = set(IncidentTask.objects.for_org(org).filter(incident=obj, kind=TaskKind.RECOVERY)
                   .values_list("system_id", flat=True))
    start = (IncidentTask.objects.for_org(org).filter(incident=obj).aggregate(n=Max("position"))["n"] or 0) + 1
    tasks = [_recovery_task(obj, s, start + k) for k, s in enumerate(s for s in added if s.pk not in has_task)]
    IncidentTask.objects.for_org(org).bulk_create(tasks)
    return entries + _task_entries(tasks)


@transaction.atomic
def do_advance_incident(actor: User | None, org: Organization, incident: Incident, *,
                        at: dt.datetime | None = None) -> Incident:
    """Move an incident to its next phase and stamp the phase's start (`at`, default now). A closed incident
    does not advance (409)."""
    check_same_org(org, incident=incident)
    obj = _locked(org, incident)
    following = rules.next_phase(obj.status)
    if following is None:
        raise Conflict({"status": _("%(ref)s is closed; it has no next phase.") % {"ref": obj.ref}})
    moment = at or timezone.now()
    if moment.tzinfo is None:
        raise ValidationError({"at": _("Give the instant with its offset.")})
    if moment < obj.became_aware_at:
        raise ValidationError({"at": _("A phase cannot start before the organisation became aware of the "
                                       "incident.")})
    before = audit.snapshot(obj, AUDITED)
    obj.status = following
    setattr(obj, rules.PHASE_STAMPS[following], moment)
    obj.updated_at = timezone.now()
    changes = audit.diff(before, audit.snapshot(obj, AUDITED))
    obj.save(update_fields=[*changes, "updated_at"])
    audit.record(org, actor, AuditAction.UPDATE, obj, changes=changes, object_repr=_repr(obj))
    return obj


@transaction.atomic
def do_add_timeline_entry(actor: User | None, org: Organization, incident: Incident,
                          data: Mapping[str, Any]) -> TimelineEntry:
    """Append an entry to the incident's timeline: `text`, `kind` (observation, action, decision,
    communication) and `happened_at` (default now); `written_at` is the server's time. Entries are never changed
    or removed."""
    check_same_org(org, incident=incident)
    obj = _locked(org, incident)
    c = Cleaner(org)
    c.unknown(data, ("happened_at", "kind", "text"))
    c.required(data, "text")
    text = c.text("text", data.get("text"), required=True)
    kind = c.choice("kind", data.get("kind") or EntryKind.OBSERVATION, EntryKind)
    happened = c.instant("happened_at", data.get("happened_at"), past=True)
    written = timezone.now()
    if c.errors:
        raise ValidationError(c.errors)
    entry = TimelineEntry(organization=org, incident=obj, happened_at=happened or written, written_at=written,
                          author=actor, kind=kind, text=text)
    entry.save(force_insert=True)
    audit.record(org, actor, AuditAction.CREATE, entry, object_repr=f"{obj.ref} timeline",
                 changes=audit.diff({}, audit.snapshot(entry, ENTRY_AUDITED)))
    return entry


def _clean_task(c: Cleaner, data: Mapping[str, Any]) -> dict[str, Any]:
    c.unknown(data, TASK_FIELDS)
    out: dict[str, Any] = {}
    for name, value in data.items():
        match name:
            case "title":
                out[name] = c.text(name, value, required=True, limit=200)
            case "owner":
                owner = c.member(name, value)
                if owner is not None and not allows(owner.role, rules.TASK_ACTION):
                    c.fail(name, _("%(member)s is a %(role)s, who cannot update an incident's tasks; give the task to "
                                   "a member who handles incidents.") % {"member": owner.user.email,
                                                                         "role": owner.get_role_display()})
                out[name] = owner
            case "due_at":
                out[name] = c.instant(name, value)
            case "status":
                out[name] = c.choice(name, value, TaskStatus)
            case "checklist":
                out[name] = _checklist(c, value)
    if c.errors:
        raise ValidationError(c.errors)
    return out


def _checklist(c: Cleaner, value: Any) -> list[dict[str, Any]]:
    if not isinstance(value, list):
        c.fail("checklist", _("Give a list of items {text, done}."))
        return []
    out = []
    for item in value:
        if not isinstance(item, dict) or not str(item.get("text", "")).strip():
            c.fail("checklist", _("Each item has a text: {\"text\": ..., \"done\": false}."))
            return []
        out.append({"text": str(item["text"]).strip()[:300], "done": bool(item.get("done", False))})
    return out


@transaction.atomic
def do_add_incident_task(actor: User | None, org: Organization, incident: Incident,
                         data: Mapping[str, Any]) -> IncidentTask:
    """Add a task to an incident: `title` (required), `owner` (a member's e-mail), `due_at`, `checklist`."""
    check_same_org(org, incident=incident)
    obj = _locked(org, incident)
    c = Cleaner(org)
    c.required(data, "title")
    values = _clean_task(c, data)
    position = (IncidentTask.objects.for_org(org).filter(incident=obj).aggregate(n=Max("position"))["n"] or 0) + 1
    task = IncidentTask(organization=org, incident=obj, position=position, **values)
    if task.status == TaskStatus.DONE:
        task.done_at = timezone.now()
    task.save(force_insert=True)
    audit.record_many(org, actor, _task_entries([task]))
    return task


@transaction.atomic
def do_update_incident_task(actor: User | None, org: Organization, task: IncidentTask,
                            data: Mapping[str, Any]) -> IncidentTask:
    """Change a task's title, owner, due time, status (done stamps `done_at`) or checklist."""
    check_same_org(org, task=task)
    lock_org(org)
    obj = IncidentTask.objects.for_org(org).get(pk=task.pk)
    values = _clean_task(Cleaner(org), data)
    before = audit.snapshot(obj, TASK_AUDITED)
    for name, value in values.items():
        setattr(obj, name, value)
    if "status" in values:
        obj.done_at = (obj.done_at or timezone.now()) if obj.status == TaskStatus.DONE else None
    changes = audit.diff(before, audit.snapshot(obj, TASK_AUDITED))
    if changes:
        obj.save(update_fields=list(changes))
        audit.record(org, actor, AuditAction.UPDATE, obj, changes=changes, object_repr=obj.title[:200])
    return obj


@transaction.atomic
def do_log_communication(actor: User | None, org: Organization, incident: Incident,
                         data: Mapping[str, Any]) -> Communication:
    """Log a message sent about the incident: `audience` (regulator, customers, staff, board, press), `summary`,
    `sent_at` (default now)."""
    check_same_org(org, incident=incident)
    obj = _locked(org, incident)
    c = Cleaner(org)
    c.unknown(data, ("audience", "summary", "sent_at"))
    c.required(data, "audience", "summary")
    audience = c.choice("audience", data.get("audience"), Audience) if "audience" not in c.errors else ""
    summary = c.text("summary", data.get("summary"), required=True)
    sent = c.instant("sent_at", data.get("sent_at")) or timezone.now()
    if c.errors:
        raise ValidationError(c.errors)
    made = Communication(organization=org, incident=obj, audience=audience, summary=summary, sent_at=sent,
                         author=actor)
    made.save(force_insert=True)
    audit.record(org, actor, AuditAction.CREATE, made, object_repr=f"{obj.ref} {audience}",
                 changes=audit.diff({}, audit.snapshot(made, COMMUNICATION_AUDITED)))
    return made


def _refuse_out_of_order(obj: Incident, report: str, moment: dt.datetime) -> None:
    """Article 23's reports come in order (early warning, notification, final report): each needs the one before
    it recorded, and is not sent before it nor after the one that follows it (409 naming the other)."""
    order = list(Nis2Report.values)
    k = order.index(report)
    earlier = getattr(obj, _STAMPS[order[k - 1]]) if k > 0 else None
    later = getattr(obj, _STAMPS[order[k + 1]]) if k + 1 < len(order) else None
    if k > 0 and earlier is None:
        raise Conflict({"report": _("Record the %(before)s first: the %(report)s follows it.") % {
            "before": Nis2Report(order[k - 1]).label.lower(), "report": Nis2Report(report).label.lower()}})
    if earlier is not None and moment < earlier:
        raise Conflict({"at": _("The %(report)s cannot have been sent before the %(before)s (%(when)s).") % {
            "report": Nis2Report(report).label.lower(), "before": Nis2Report(order[k - 1]).label.lower(),
            "when": earlier.isoformat(timespec="minutes")}})
    if later is not None and moment > later:
        raise Conflict({"at": _("The %(report)s cannot have been sent after the %(after)s (%(when)s).") % {
            "report": Nis2Report(report).label.lower(), "after": Nis2Report(order[k + 1]).label.lower(),
            "when": later.isoformat(timespec="minutes")}})


@transaction.atomic
def do_record_nis2_report(actor: User | None, org: Organization, incident: Incident, report: str, *,
                          at: dt.datetime | None = None) -> Incident:
    """Record when a NIS2 Article 23 report (early_warning, notification, final_report) was sent (default now), in
    their order. Refused (409) where the organisation is not an essential or important entity."""
    check_same_org(org, incident=incident)
    obj = _locked(org, incident)
    if org.nis2 not in rules.NIS2_ENTITIES:
        raise Conflict({"report": _("%(org)s is not an essential or important entity under NIS2 (see the "
                                    "organisation's settings).") % {"org": org.name}})
    if report not in Nis2Report.values:
        raise ValidationError({"report": _("'%(value)s' is not allowed; use one of: %(allowed)s.")
                               % {"value": report, "allowed": ", ".join(Nis2Report.values)}})
    moment = at or timezone.now()
    if moment < obj.became_aware_at:
        raise ValidationError({"at": _("A report cannot be sent before the organisation became aware of the "
                                       "incident.")})
    _refuse_out_of_order(obj, report, moment)
    before = audit.snapshot(obj, AUDITED)
    setattr(obj, _STAMPS[report], moment)
    changes = audit.diff(before, audit.snapshot(obj, AUDITED))
    if changes:
        obj.updated_at = timezone.now()
        obj.save(update_fields=[*changes, "updated_at"])
        audit.record(org, actor, AuditAction.UPDATE, obj, changes=changes, object_repr=_repr(obj))
    return obj


@transaction.atomic
def do_set_breach_awareness(actor: User | None, org: Organization, incident: Incident, became_aware_at: Any, *,
                            reason: str) -> Incident:
    """The DPO records that the organisation became aware of the breach at another instant than of the incident,
    with the reason; the breach's 72-hour deadline moves with it."""
    check_same_org(org, incident=incident)
    obj = _locked(org, incident)
    if obj.breach is None:
        raise Conflict({"became_aware_at": _("%(ref)s opened no breach.") % {"ref": obj.ref}})
    c = Cleaner(org)
    text = c.text("reason", reason, required=True)
    moment = c.instant("became_aware_at", became_aware_at)
    if moment is None:
        c.fail("became_aware_at", _("This field is required."))
    if c.errors:
        raise ValidationError(c.errors)
    services_breaches.do_update_breach(actor, org, obj.breach, {"became_aware_at": moment})
    before = audit.snapshot(obj, AUDITED)
    obj.breach_awareness_reason = text
    changes = audit.diff(before, audit.snapshot(obj, AUDITED))
    obj.updated_at = timezone.now()
    obj.save(update_fields=[*changes, "updated_at"])
    audit.record(org, actor, AuditAction.UPDATE, obj, changes=changes or {"breach_awareness_reason": [text, text]},
                 object_repr=_repr(obj))
    return obj


@transaction.atomic
def do_set_incident_matrix(actor: User | None, org: Organization, *, impacts: Sequence[str],
                           urgencies: Sequence[str], levels: Sequence[Sequence[str]]) -> IncidentMatrix:
    """Replace the organisation's incident matrix; every incident's severity is read again from it (impact and
    urgency kept, brought within the new size)."""
    lock_org(org)
    impacts, urgencies = [str(v).strip() for v in impacts], [str(v).strip() for v in urgencies]
    rows = [[str(v) for v in row] for row in levels]
    problem = rules.check_matrix(impacts, urgencies, rows)
    if problem:
        raise ValidationError({"levels": problem})
    found = IncidentMatrix.objects.for_org(org).first()
    before = {} if found is None else audit.snapshot(found, ("impact_labels", "urgency_labels", "levels"))
    obj = found or IncidentMatrix(organization=org)
    obj.impact_labels, obj.urgency_labels, obj.levels, obj.updated_at = impacts, urgencies, rows, timezone.now()
    obj.save()
    entries = [audit.Entry(AuditAction.CREATE if found is None else AuditAction.UPDATE, obj,
                           audit.diff(before, audit.snapshot(obj, ("impact_labels", "urgency_labels", "levels"))),
                           "Incident matrix")]
    changed = []
    for incident in Incident.objects.for_org(org).only("impact", "urgency", "severity", "number", "title"):
        impact, urgency = min(incident.impact, len(impacts)), min(incident.urgency, len(urgencies))
        level = rules.severity(rows, impact, urgency)
        old = (incident.impact, incident.urgency, incident.severity)
        if old != (impact, urgency, level):
            incident.impact, incident.urgency, incident.severity = impact, urgency, level
            changed.append(incident)
            entries.append(audit.Entry(AuditAction.UPDATE, incident, {
                name: [a, b] for name, a, b in zip(("impact", "urgency", "severity"), old, (impact, urgency, level),
                                                   strict=True) if a != b}, _repr(incident)))
    Incident.objects.for_org(org).bulk_update(changed, ["impact", "urgency", "severity"], batch_size=500)
    audit.record_many(org, actor, entries)
    return obj


@transaction.atomic
def do_update_playbook(actor: User | None, org: Organization, kind: str,
                       tasks: Sequence[Mapping[str, Any]]) -> Playbook:
    """Replace the organisation's playbook for `kind`: a list of {title, role, due_hours, checklist: [text]}
    (role: commander, response_lead, recovery_lead, dpo or empty)."""
    lock_org(org)
    c = Cleaner(org)
    kind = c.choice("kind", kind, IncidentKind)
    steps: list[dict[str, Any]] = []
    if not isinstance(tasks, list | tuple):
        c.fail("tasks", _("Give a list of tasks."))
        tasks = []
    for n, step in enumerate(tasks, start=1):
        if not isinstance(step, Mapping) or not str(step.get("title", "")).strip():
            c.fail("tasks", _("Task %(n)s needs a title.") % {"n": n})
            break
        role = str(step.get("role") or "")
        if role and role not in IncidentRole.values:
            c.fail("tasks", _("Task %(n)s: '%(value)s' is not a role; use one of: %(allowed)s.")
                   % {"n": n, "value": role, "allowed": ", ".join(IncidentRole.values)})
        hours = c.count("tasks", step.get("due_hours"), high=8760)
        items = step.get("checklist") or []
        if not isinstance(items, list):
            c.fail("tasks", _("Task %(n)s: the checklist is a list of texts.") % {"n": n})
            items = []
        steps.append({"title": str(step["title"]).strip()[:200], "role": role, "due_hours": hours,
                      "checklist": [str(i).strip()[:300] for i in items if str(i).strip()]})
    if c.errors:
        raise ValidationError(c.errors)
    found = Playbook.objects.for_org(org).filter(kind=kind).first()
    before = {} if found is None else audit.snapshot(found, ("kind", "tasks"))
    obj = found or Playbook(organization=org, kind=kind)
    obj.tasks, obj.updated_at = steps, timezone.now()
    obj.save()
    changes = audit.diff(before, audit.snapshot(obj, ("kind", "tasks")))
    audit.record(org, actor, AuditAction.CREATE if found is None else AuditAction.UPDATE, obj,
                 changes=changes or {"tasks": [steps, steps]}, object_repr=f"playbook {kind}")
    return obj


@transaction.atomic
def do_hand_over_member_incidents(actor: User | None, org: Organization, membership: Membership,
                                  reassign_to: Membership | None) -> int:
    """Give `membership`'s roles on incidents, their tasks and their lessons' actions to `reassign_to` (None:
    nobody); one audit event per changed incident, task or lesson (the new owner of an action is told)."""
    check_same_org(org, membership=membership, reassign_to=reassign_to)
    lock_org(org)
    new = reassign_to.pk if reassign_to is not None else None
    entries: list[audit.Entry] = []
    for incident in Incident.objects.for_org(org).filter(
            Q(commander=membership) | Q(response_lead=membership) | Q(recovery_lead=membership) | Q(dpo=membership)):
        changes = {}
        for role in _ROLES:
            if getattr(incident, f"{role}_id") == membership.pk:
                setattr(incident, role, reassign_to)
                changes[role] = [membership.pk, new]
        incident.updated_at = timezone.now()
        incident.save(update_fields=[*changes, "updated_at"])
        entries.append(audit.Entry(AuditAction.UPDATE, incident, changes, _repr(incident)))
    for task in IncidentTask.objects.for_org(org).filter(owner=membership):
        task.owner = reassign_to
        task.save(update_fields=["owner"])
        entries.append(audit.Entry(AuditAction.UPDATE, task, {"owner": [membership.pk, new]}, task.title[:200]))
    entries += services_reviews.hand_over_lessons(actor, org, membership, reassign_to)
    if entries:
        audit.record_many(org, actor, entries)
    return len(entries)


def incident_status_after(obj: Incident) -> str:
    """The phase `advance` would move to (for the fronts' button), '' once closed."""
    return rules.next_phase(obj.status) or ""


__all__ = [
    "IncidentStatus",
    "do_add_incident_task",
    "do_add_timeline_entry",
    "do_advance_incident",
    "do_hand_over_member_incidents",
    "do_log_communication",
    "do_open_incident",
    "do_record_nis2_report",
    "do_set_breach_awareness",
    "do_set_incident_matrix",
    "do_update_incident",
    "do_update_incident_task",
    "do_update_playbook",
]
