"""Audits ("assessments" in the API and the CLI, where "audit" is the audit trail): an assessment of one
framework for a scope, over a period, by named auditors; its result on each assessable requirement (with the
controls that serve it); its findings and observations, each possibly raising a risk in the register; the
remediation actions of a finding; and evidence (files or links, versioned, with a refresh date) attached to a
result or a control. Imported at the bottom of `models.py`.

An assessment's results are written when it is created, one per assessable requirement of its framework, so
that its page and the API read one row per requirement in the framework's order (decision 0045 covers the
evidence files)."""

from __future__ import annotations

from django.db import models
from django.utils.timezone import now

from accord.compliance.choices import (
    AssessmentStatus,
    EvidenceKind,
    FindingKind,
    FindingStatus,
    RemediationStatus,
    ResultValue,
    Severity,
)
from accord.core.models import Membership, User
from accord.core.tenancy import TenantManager, TenantModel
from accord.risks.models import Risk


class Assessment(TenantModel):
    """An audit of one framework (`AUD-001`): what it covers (`scope`), when (`starts_on` to `ends_on`), who
    audits (`AssessmentAuditor`) and where it stands."""

    number = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    framework = models.ForeignKey("compliance.Framework", on_delete=models.RESTRICT, related_name="assessments")
    scope = models.TextField(blank=True)
    starts_on = models.DateField(null=True, blank=True)
    ends_on = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=15, choices=AssessmentStatus.choices, default=AssessmentStatus.PLANNED)
    closed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=now)
    created_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(default=now)

    objects = TenantManager()

    class Meta(TenantModel.Meta):
        ordering = ("organization", "-number")
        constraints = [
            models.UniqueConstraint(fields=["organization", "number"], name="assessment_number_unique"),
            models.CheckConstraint(condition=models.Q(starts_on__isnull=True) | models.Q(ends_on__isnull=True)
                                   | models.Q(ends_on__gte=models.F("starts_on")), name="assessment_period_order"),
        ]

    def __str__(self) -> str:
        return f"{self.ref} {self.title}"

    @property
    def ref(self) -> str:
        return f"AUD-{self.number:03d}"


class AssessmentAuditor(TenantModel):
    """A member named as an auditor of an assessment (a member with the auditor role records only in the
    assessments that name them)."""

    assessment = models.ForeignKey(Assessment, on_delete=models.RESTRICT, related_name="auditor_links")
    # RESTRICT: a leaving member is taken off (or replaced) by a service, audited (accord.core.handover).
    membership = models.ForeignKey(Membership, on_delete=models.RESTRICT, related_name="+")

    objects = TenantManager()

    class Meta(TenantModel.Meta):
        ordering = ("assessment", "membership")
        constraints = [models.UniqueConstraint(fields=["assessment", "membership"], name="assessment_auditor_unique")]

    def __str__(self) -> str:
        return f"{self.assessment_id} auditor {self.membership_id}"


class AssessmentResult(TenantModel):
    """The assessment's verdict on one requirement, its notes and, when not applicable, why."""

    assessment = models.ForeignKey(Assessment, on_delete=models.RESTRICT, related_name="results")
    requirement = models.ForeignKey("compliance.Requirement", on_delete=models.RESTRICT, related_name="results")
    result = models.CharField(max_length=15, choices=ResultValue.choices, default=ResultValue.NOT_ASSESSED)
    justification = models.TextField(blank=True)
    notes = models.TextField(blank=True)
    assessed_at = models.DateTimeField(null=True, blank=True)
    assessed_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    objects = TenantManager()

    class Meta(TenantModel.Meta):
        ordering = ("assessment", "requirement__position")
        constraints = [
            models.UniqueConstraint(fields=["assessment", "requirement"], name="assessment_result_unique"),
            models.CheckConstraint(condition=~models.Q(result=ResultValue.NOT_APPLICABLE) | ~models.Q(justification=""),
                                   name="assessment_result_na_justified"),
        ]

    def __str__(self) -> str:
        return f"{self.assessment_id}: requirement {self.requirement_id} {self.result}"


class ResultControl(TenantModel):
    """A control the auditor found serving the requirement in this assessment."""

    result = models.ForeignKey(AssessmentResult, on_delete=models.RESTRICT, related_name="control_links")
    control = models.ForeignKey("compliance.Control", on_delete=models.RESTRICT, related_name="result_links")

    objects = TenantManager()

    class Meta(TenantModel.Meta):
        ordering = ("result", "control")
        constraints = [models.UniqueConstraint(fields=["result", "control"], name="result_control_unique")]

    def __str__(self) -> str:
        return f"{self.result_id} → control {self.control_id}"


class Finding(TenantModel):
    """A finding or an observation of an assessment (`F-001`), on one of its framework's requirements or on
    the whole assessment; `risk` is the register's risk it raised (the risk's page shows it back)."""

    number = models.PositiveIntegerField()
    assessment = models.ForeignKey(Assessment, on_delete=models.RESTRICT, related_name="findings")
    requirement = models.ForeignKey("compliance.Requirement", null=True, blank=True, on_delete=models.RESTRICT,
                                    related_name="findings")
    kind = models.CharField(max_length=15, choices=FindingKind.choices, default=FindingKind.FINDING)
    severity = models.CharField(max_length=10, choices=Severity.choices, default=Severity.MEDIUM)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    status = models.CharField(max_length=10, choices=FindingStatus.choices, default=FindingStatus.OPEN)
    risk = models.ForeignKey(Risk, null=True, blank=True, on_delete=models.RESTRICT, related_name="findings")
    created_at = models.DateTimeField(default=now)
    created_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(default=now)

    objects = TenantManager()

    class Meta(TenantModel.Meta):
        ordering = ("organization", "number")
        constraints = [
            models.UniqueConstraint(fields=["organization", "number"], name="finding_number_unique"),
            models.UniqueConstraint(fields=["risk"], condition=models.Q(risk__isnull=False),
                                    name="finding_one_per_risk"),
        ]

    def __str__(self) -> str:
        return f"{self.ref} {self.title}"

    @property
    def ref(self) -> str:
        return f"F-{self.number:03d}"


class Remediation(TenantModel):
    """An action that remedies a finding: who (`owner`), by when (`due_on`) and where it stands; overdue is
    `rules.remediation_overdue` (and its SQL twin in the selectors)."""

    finding = models.ForeignKey(Finding, on_delete=models.RESTRICT, related_name="remediations")
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    # RESTRICT: a leaving member's actions are handed over by a service, audited (accord.core.handover).
    owner = models.ForeignKey(Membership, null=True, blank=True, on_delete=models.RESTRICT, related_name="+")
    due_on = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=15, choices=RemediationStatus.choices, default=RemediationStatus.OPEN)
    created_at = models.DateTimeField(default=now)
    updated_at = models.DateTimeField(default=now)

    objects = TenantManager()

    class Meta(TenantModel.Meta):
        ordering = ("finding", "due_on", "pk")
        indexes = [models.Index(fields=["organization", "status", "due_on"], name="remediation_due_idx")]

    def __str__(self) -> str:
        return self.title


class Evidence(TenantModel):
    """A piece of evidence (`E-001`) attached to an assessment's result or to a control; its versions are
    `EvidenceVersion`s (the newest is `version`), and it wants refreshing by `expires_on` (the newest
    version's)."""

    number = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    result = models.ForeignKey(AssessmentResult, null=True, blank=True, on_delete=models.RESTRICT,
                               related_name="evidence")
    control = models.ForeignKey("compliance.Control", null=True, blank=True, on_delete=models.RESTRICT,
                                related_name="evidence")
    version = models.PositiveIntegerField(default=1)
    expires_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(default=now)
    created_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(default=now)

    objects = TenantManager()

    class Meta(TenantModel.Meta):
        ordering = ("organization", "number")
        constraints = [
            models.UniqueConstraint(fields=["organization", "number"], name="evidence_number_unique"),
            models.CheckConstraint(condition=models.Q(result__isnull=False) | models.Q(control__isnull=False),
                                   name="evidence_attached"),
        ]

    def __str__(self) -> str:
        return f"{self.ref} {self.title}"

    @property
    def ref(self) -> str:
        return f"E-{self.number:03d}"


class EvidenceVersion(TenantModel):
    """One version of a piece of evidence: a link, or a file stored under a random name (`stored`, never the
    uploader's name) outside the static files, whose checked type is `content_type` (decision 0045)."""

    evidence = models.ForeignKey(Evidence, on_delete=models.RESTRICT, related_name="versions")
    number = models.PositiveIntegerField()
    kind = models.CharField(max_length=10, choices=EvidenceKind.choices)
    url = models.URLField(max_length=2000, blank=True)
    stored = models.CharField(max_length=300, blank=True, help_text="The storage's name of the file")
    filename = models.CharField(max_length=255, blank=True, help_text="The file's name as it was uploaded")
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    sha256 = models.CharField(max_length=64, blank=True)
    expires_on = models.DateField(null=True, blank=True)
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(default=now)
    created_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    objects = TenantManager()

    class Meta(TenantModel.Meta):
        ordering = ("evidence", "-number")
        constraints = [
            models.UniqueConstraint(fields=["evidence", "number"], name="evidence_version_unique"),
            models.UniqueConstraint(fields=["stored"], condition=~models.Q(stored=""), name="evidence_stored_unique"),
            models.CheckConstraint(
                condition=(models.Q(kind=EvidenceKind.LINK) & ~models.Q(url="") & models.Q(stored=""))
                | (models.Q(kind=EvidenceKind.FILE) & ~models.Q(stored="") & models.Q(url="")),
                name="evidence_version_file_or_link"),
        ]

    def __str__(self) -> str:
        return f"{self.evidence_id} v{self.number}"
