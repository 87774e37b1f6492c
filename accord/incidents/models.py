"""Incidents handled together: the incident (kind, severity on the organisation's incident matrix, phases with
their times, roles, affected systems, the personal-data breach it opened), its append-only timeline, its tasks
(recovery tasks per affected system with the RTO countdown), its communications log, and the playbooks that
seed the tasks, and the post-incident review with its lessons (each an action with an owner, linked to a risk of the
register and a control of the library). Instants are stored in UTC and shown in the organisation's zone."""

from __future__ import annotations

from django.db import models
from django.utils.timezone import now

from accord.compliance.models_controls import Control
from accord.core.models import Membership, User
from accord.core.tenancy import TenantManager, TenantModel
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
from accord.portfolio.models_systems import System
from accord.privacy.models_breaches import Breach
from accord.risks.models import Risk


class IncidentMatrix(TenantModel):
    """The organisation's impact × urgency matrix (absent: the default of rules.py). `levels[u-1][i-1]` is the
    severity of urgency u and impact i."""

    impact_labels = models.JSONField()
    urgency_labels = models.JSONField()
    levels = models.JSONField()
    updated_at = models.DateTimeField(default=now)

    objects = TenantManager()

    class Meta(TenantModel.Meta):
        ordering = ("organization",)
        constraints = [models.UniqueConstraint(fields=["organization"], name="incidentmatrix_one_per_org")]

    def __str__(self) -> str:
        return "Incident matrix"


class Incident(TenantModel):
    """An incident, `INC-001` by its number. Each phase's start is stamped (`detected_at` … `closed_at`).
    Nothing deletes an incident (the record stays); a leaving member's roles and tasks are handed over by a
    service, audited (accord.core.handover), hence RESTRICT on every link."""

    number = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=15, choices=IncidentKind.choices)
    description = models.TextField(blank=True)
    impact = models.PositiveSmallIntegerField(default=1)
    urgency = models.PositiveSmallIntegerField(default=1)
    severity = models.CharField(max_length=10, choices=Severity.choices, default=Severity.LOW)
    status = models.CharField(max_length=12, choices=IncidentStatus.choices, default=IncidentStatus.DETECTED)
    detection_source = models.CharField(max_length=200, blank=True)
    personal_data = models.CharField(max_length=7, choices=PersonalData.choices, default=PersonalData.UNKNOWN)
    occurred_at = models.DateTimeField(null=True, blank=True)
    detected_at = models.DateTimeField(null=True, blank=True)
    became_aware_at = models.DateTimeField()
    analysed_at = models.DateTimeField(null=True, blank=True)
    contained_at = models.DateTimeField(null=True, blank=True)
    eradicated_at = models.DateTimeField(null=True, blank=True)
    recovered_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    commander = models.ForeignKey(Membership, null=True, blank=True, on_delete=models.RESTRICT, related_name="+")
    response_lead = models.ForeignKey(Membership, null=True, blank=True, on_delete=models.RESTRICT, related_name="+")
    recovery_lead = models.ForeignKey(Membership, null=True, blank=True, on_delete=models.RESTRICT, related_name="+")
    dpo = models.ForeignKey(Membership, null=True, blank=True, on_delete=models.RESTRICT, related_name="+")
    breach = models.OneToOneField(Breach, null=True, blank=True, on_delete=models.RESTRICT, related_name="incident")
    breach_awareness_reason = models.TextField(blank=True, help_text="Why the breach's awareness instant differs")
    early_warning_at = models.DateTimeField(null=True, blank=True, help_text="NIS2 early warning sent")
    notification_at = models.DateTimeField(null=True, blank=True, help_text="NIS2 incident notification sent")
    final_report_at = models.DateTimeField(null=True, blank=True, help_text="NIS2 final report sent")
    systems: models.ManyToManyField[System, IncidentSystem] = models.ManyToManyField(
        System, blank=True, related_name="+", through="IncidentSystem")
    created_at = models.DateTimeField(default=now)
    updated_at = models.DateTimeField(default=now)

    objects = TenantManager()

    class Meta(TenantModel.Meta):
        ordering = ("organization", "-number")
        constraints = [models.UniqueConstraint(fields=["organization", "number"], name="incident_number_unique")]
        indexes = [
            models.Index(fields=["organization", "status"], name="incident_status_idx"),
            models.Index(fields=["organization", "severity"], name="incident_severity_idx"),
            models.Index(fields=["organization", "-became_aware_at", "-number"], name="incident_aware_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.ref} {self.title}"

    @property
    def ref(self) -> str:
        return f"INC-{self.number:03d}"


class IncidentSystem(TenantModel):
    """A system of the inventory the incident affects."""

    incident = models.ForeignKey(Incident, on_delete=models.RESTRICT, related_name="system_links")
    system = models.ForeignKey(System, on_delete=models.RESTRICT, related_name="+")

    objects = TenantManager()

    class Meta(TenantModel.Meta):
        ordering = ("incident", "system")
        constraints = [models.UniqueConstraint(fields=["incident", "system"], name="incidentsystem_unique")]

    def __str__(self) -> str:
        return f"system {self.system_id} of incident {self.incident_id}"


class TimelineEntry(TenantModel):
    """One entry of an incident's timeline: append-only (no service, route or form changes or removes one).
    `happened_at` is when it happened, `written_at` when the server recorded it."""

    incident = models.ForeignKey(Incident, on_delete=models.RESTRICT, related_name="timeline")
    happened_at = models.DateTimeField()
    written_at = models.DateTimeField(default=now)
    author = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    kind = models.CharField(max_length=15, choices=EntryKind.choices)
    text = models.TextField()

    objects = TenantManager()

    class Meta(TenantModel.Meta):
        ordering = ("incident", "happened_at", "pk")
        verbose_name_plural = "timeline entries"
        indexes = [models.Index(fields=["incident", "happened_at"], name="timeline_happened_idx")]

    def __str__(self) -> str:
        return f"timeline entry of incident {self.incident_id}"


class IncidentTask(TenantModel):
    """A task of an incident: from its playbook, added by hand, or the recovery of an affected system (due when
    the system's RTO runs out, counted from when the organisation became aware)."""

    STATUS_CHOICES = TaskStatus.choices

    incident = models.ForeignKey(Incident, on_delete=models.RESTRICT, related_name="tasks")
    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=10, choices=TaskKind.choices, default=TaskKind.RESPONSE)
    system = models.ForeignKey(System, null=True, blank=True, on_delete=models.RESTRICT, related_name="+")
    owner = models.ForeignKey(Membership, null=True, blank=True, on_delete=models.RESTRICT, related_name="+")
    due_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=12, choices=TaskStatus.choices, default=TaskStatus.OPEN)
    checklist = models.JSONField(default=list, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)
    position = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=now)

    objects = TenantManager()

    class Meta(TenantModel.Meta):
        ordering = ("incident", "position", "pk")
        indexes = [models.Index(fields=["organization", "owner", "status"], name="incidenttask_owner_idx"),
                   # The list's open-task count per incident shown: without it the count reads every task of the
                   # organisation for each row (bench/incidents.py: 232 ms against 27 ms at 10,000 incidents).
                   models.Index(fields=["organization", "incident", "status"], name="incidenttask_incident_idx")]

    def __str__(self) -> str:
        return self.title


class Communication(TenantModel):
    """One message of the communications log: to whom, when, what it said."""

    incident = models.ForeignKey(Incident, on_delete=models.RESTRICT, related_name="communications")
    audience = models.CharField(max_length=10, choices=Audience.choices)
    sent_at = models.DateTimeField()
    summary = models.TextField()
    author = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=now)

    objects = TenantManager()

    class Meta(TenantModel.Meta):
        ordering = ("incident", "sent_at", "pk")

    def __str__(self) -> str:
        return f"communication to {self.audience} on incident {self.incident_id}"


class Playbook(TenantModel):
    """The organisation's own playbook for a kind (absent: the shipped one, accord/incidents/playbooks.py).
    `tasks` is a list of {title, role, due_hours, checklist: [text]}."""

    kind = models.CharField(max_length=15, choices=IncidentKind.choices)
    tasks = models.JSONField(default=list)
    updated_at = models.DateTimeField(default=now)

    objects = TenantManager()

    class Meta(TenantModel.Meta):
        ordering = ("organization", "kind")
        constraints = [models.UniqueConstraint(fields=["organization", "kind"], name="playbook_kind_unique")]

    def __str__(self) -> str:
        return f"playbook {self.kind}"


class IncidentReview(TenantModel):
    """The post-incident review of an incident (one at most): what happened, what worked, what did not, and the
    day it was held. Written once the incident is recovered or closed (`rules.may_review`), editable afterwards."""

    incident = models.OneToOneField(Incident, on_delete=models.RESTRICT, related_name="review")
    what_happened = models.TextField(blank=True)
    worked = models.TextField(blank=True)
    did_not_work = models.TextField(blank=True)
    held_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(default=now)
    updated_at = models.DateTimeField(default=now)

    objects = TenantManager()

    class Meta(TenantModel.Meta):
        ordering = ("incident",)

    def __str__(self) -> str:
        return f"review of incident {self.incident_id}"


class Lesson(TenantModel):
    """A lesson of an incident's review: what was learnt (`text`) and the action it became (`action`, its owner,
    due date and status), optionally linked to a risk of the register (`risk`: an existing one updated by the
    lesson, or one the lesson created, `risk_created`) and to a control of the library. The risk's page and the
    control's page show it back. RESTRICT everywhere: a leaving owner's actions are handed over, audited."""

    incident = models.ForeignKey(Incident, on_delete=models.RESTRICT, related_name="lessons")
    text = models.TextField()
    action = models.CharField(max_length=200)
    owner = models.ForeignKey(Membership, null=True, blank=True, on_delete=models.RESTRICT, related_name="+")
    due_on = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=5, choices=LessonStatus.choices, default=LessonStatus.OPEN)
    done_at = models.DateTimeField(null=True, blank=True)
    risk = models.ForeignKey(Risk, null=True, blank=True, on_delete=models.RESTRICT, related_name="incident_lessons")
    risk_created = models.BooleanField(default=False, help_text="The lesson created the risk (else it updates it)")
    control = models.ForeignKey(Control, null=True, blank=True, on_delete=models.RESTRICT,
                                related_name="incident_lessons")
    created_at = models.DateTimeField(default=now)
    updated_at = models.DateTimeField(default=now)

    objects = TenantManager()

    class Meta(TenantModel.Meta):
        ordering = ("incident", "pk")
        indexes = [models.Index(fields=["organization", "owner", "status"], name="lesson_owner_idx")]

    def __str__(self) -> str:
        return self.action
