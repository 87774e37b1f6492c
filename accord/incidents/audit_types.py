"""How the incidents' object types read in the audit trail (accord.core.history): incidents by reference and
title, members by name, systems and breaches by reference, codes by label. Registered by IncidentsConfig.ready()."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from accord.core.history import ObjectType, Ref, register
from accord.incidents import selectors
from accord.incidents.choices import (
    Audience,
    EntryKind,
    IncidentKind,
    IncidentStatus,
    LessonStatus,
    PersonalData,
    Severity,
    TaskKind,
    TaskStatus,
)


def register_incident_types() -> None:
    member = Ref("core.membership")
    register("incidents.incident", ObjectType(_("Incident"), name=selectors.incident_names, fields={
        "kind": IncidentKind, "status": IncidentStatus, "severity": Severity, "personal_data": PersonalData,
        "commander": member, "response_lead": member, "recovery_lead": member, "dpo": member,
        "breach": Ref("privacy.breach")},
        labels={"became_aware_at": _("Became aware at"), "detected_at": _("Detected at"),
                "occurred_at": _("Occurred at"), "analysed_at": _("Analysed at"), "contained_at": _("Contained at"),
                "eradicated_at": _("Eradicated at"), "recovered_at": _("Recovered at"), "closed_at": _("Closed at"),
                "detection_source": _("Detection source"), "response_lead": _("Response lead"),
                "recovery_lead": _("Recovery lead"), "breach_awareness_reason": _("Why the breach's awareness differs"),
                "early_warning_at": _("NIS2 early warning sent"), "notification_at": _("NIS2 notification sent"),
                "final_report_at": _("NIS2 final report sent")}))
    register("incidents.incidentsystem", ObjectType(_("Affected system"), fields={
        "incident": Ref("incidents.incident"), "system": Ref("portfolio.system")}))
    register("incidents.timelineentry", ObjectType(_("Timeline entry"), fields={
        "incident": Ref("incidents.incident"), "kind": EntryKind},
        labels={"happened_at": _("Happened at"), "written_at": _("Written at")}))
    register("incidents.incidenttask", ObjectType(_("Incident task"), name=selectors.task_names, fields={
        "incident": Ref("incidents.incident"), "owner": member, "system": Ref("portfolio.system"),
        "status": TaskStatus, "kind": TaskKind}, labels={"due_at": _("Due at"), "done_at": _("Done at")}))
    register("incidents.communication", ObjectType(_("Incident communication"), fields={
        "incident": Ref("incidents.incident"), "audience": Audience}, labels={"sent_at": _("Sent at")}))
    register("incidents.incidentreview", ObjectType(_("Post-incident review"), fields={
        "incident": Ref("incidents.incident")},
        labels={"what_happened": _("What happened"), "worked": _("What worked"), "did_not_work": _("What did not work"),
                "held_on": _("Held on")}))
    register("incidents.lesson", ObjectType(_("Lesson of an incident"), name=selectors.lesson_names, fields={
        "incident": Ref("incidents.incident"), "owner": member, "status": LessonStatus, "risk": Ref("risks.risk"),
        "control": Ref("compliance.control")},
        labels={"text": _("Lesson"), "action": _("Action"), "due_on": _("Due on"), "done_at": _("Done at"),
                "risk_created": _("Risk created by the lesson")}))
    register("incidents.incidentmatrix", ObjectType(_("Incident matrix"), labels={
        "impact_labels": _("Impacts"), "urgency_labels": _("Urgencies")}))
    register("incidents.playbook", ObjectType(_("Incident playbook"), fields={"kind": IncidentKind}))
