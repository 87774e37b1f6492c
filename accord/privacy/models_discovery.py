"""The data-privacy audit (issue 14, part 8; decision 0066): what is really collected, processed and stored,
against what the record of processing declares, for a scope of activities and systems. Imported by `models.py`.

A data-privacy audit (`DPA-001`) is carried by an audit of the compliance app on the GDPR framework (its
`assessment`): the discrepancies the comparison finds become that audit's findings, with their remediation
actions and the compliance app's pages, so nothing of findings and remediation is written twice. The observed side
is the owners' data-inventory questionnaires (one per system), the imported data-discovery fields (each classified
by `rules_classify` when imported) and the inventory's hosting regions; the discrepancies are `rules_discrepancies`'
answer, kept with their key so that comparing again never writes a finding twice."""

from __future__ import annotations

from django.db import models
from django.utils.timezone import now

from accord.compliance.models_assessments import Assessment, Finding
from accord.core.models import Membership, User
from accord.core.tenancy import TenantManager, TenantModel
from accord.portfolio.models_systems import System
from accord.privacy.choices_discovery import DiscrepancyKind, DiscrepancyStatus, QuestionnaireStatus
from accord.privacy.models_ropa import ProcessingActivity


class DataAudit(TenantModel):
    """A data-privacy audit, `DPA-001` by its number: its scope (activities and systems; the systems of the scope's
    activities are in it too), the compliance audit that holds its findings, and when it last compared."""

    number = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    assessment = models.OneToOneField(Assessment, on_delete=models.RESTRICT, related_name="data_audit")
    activities: models.ManyToManyField[ProcessingActivity, DataAuditActivity] = models.ManyToManyField(
        ProcessingActivity, blank=True, related_name="data_audits", through="DataAuditActivity")
    systems: models.ManyToManyField[System, DataAuditSystem] = models.ManyToManyField(
        System, blank=True, related_name="data_audits", through="DataAuditSystem")
    compared_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=now)
    created_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    objects = TenantManager()

    class Meta(TenantModel.Meta):
        ordering = ("organization", "-number")
        constraints = [models.UniqueConstraint(fields=["organization", "number"], name="dataaudit_number_unique")]

    def __str__(self) -> str:
        return f"{self.ref} {self.title}"

    @property
    def ref(self) -> str:
        return f"DPA-{self.number:03d}"


class DataAuditActivity(TenantModel):
    """An activity of the audit's scope."""

    audit = models.ForeignKey(DataAudit, on_delete=models.RESTRICT, related_name="activity_links")
    activity = models.ForeignKey(ProcessingActivity, on_delete=models.RESTRICT, related_name="data_audit_links")

    objects = TenantManager()

    class Meta(TenantModel.Meta):
        ordering = ("audit", "activity")
        constraints = [models.UniqueConstraint(fields=["audit", "activity"], name="dataauditactivity_unique")]

    def __str__(self) -> str:
        return f"{self.audit_id} covers {self.activity_id}"


class DataAuditSystem(TenantModel):
    """A system of the audit's scope (named, or carrying one of its activities)."""

    audit = models.ForeignKey(DataAudit, on_delete=models.RESTRICT, related_name="system_links")
    system = models.ForeignKey(System, on_delete=models.RESTRICT, related_name="data_audit_links")

    objects = TenantManager()

    class Meta(TenantModel.Meta):
        ordering = ("audit", "system")
        constraints = [models.UniqueConstraint(fields=["audit", "system"], name="dataauditsystem_unique")]

    def __str__(self) -> str:
        return f"{self.audit_id} covers {self.system_id}"


class DiscoveryImport(TenantModel):
    """One imported data-discovery file: its name, digest (the same file twice is refused), how many fields it
    gave and how many of them hold personal data by the classifier."""

    audit = models.ForeignKey(DataAudit, on_delete=models.RESTRICT, related_name="imports")
    filename = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64)
    fields_count = models.PositiveIntegerField(default=0)
    personal_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=now)
    created_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    objects = TenantManager()

    class Meta(TenantModel.Meta):
        ordering = ("audit", "pk")
        constraints = [models.UniqueConstraint(fields=["audit", "sha256"], name="discoveryimport_file_unique")]

    def __str__(self) -> str:
        return f"{self.audit_id}: {self.filename}"


class DiscoveredField(TenantModel):
    """A field the discovery found: on which system, where (table, file, bucket), its name, the tool's own sample
    classification if any, its row count, and the category the classifier read (empty: not personal data)."""

    discovery = models.ForeignKey(DiscoveryImport, on_delete=models.RESTRICT, related_name="fields")
    audit = models.ForeignKey(DataAudit, on_delete=models.RESTRICT, related_name="discovered_fields")
    system = models.ForeignKey(System, on_delete=models.RESTRICT, related_name="+")
    location = models.CharField(max_length=300, blank=True)
    field_name = models.CharField(max_length=200)
    sample_classification = models.CharField(max_length=100, blank=True)
    row_count = models.PositiveBigIntegerField(null=True, blank=True)
    category = models.CharField(max_length=30, blank=True)

    objects = TenantManager()

    class Meta(TenantModel.Meta):
        ordering = ("discovery", "pk")
        indexes = [models.Index(fields=["audit", "system", "category"], name="discoveredfield_category_idx")]

    def __str__(self) -> str:
        return f"{self.location}.{self.field_name}"


class Questionnaire(TenantModel):
    """The data-inventory questionnaire of one system of the audit, sent to its owner (the business owner, else
    the IT owner): the personal-data fields the system holds (`fields`: [{name, category, location, retention}]),
    the countries where it is stored, the retention actually applied, who has access, with whom it is shared."""

    audit = models.ForeignKey(DataAudit, on_delete=models.RESTRICT, related_name="questionnaires")
    system = models.ForeignKey(System, on_delete=models.RESTRICT, related_name="+")
    # RESTRICT: a leaving member's questionnaires are handed over by a service, audited (accord.core.handover).
    recipient = models.ForeignKey(Membership, null=True, blank=True, on_delete=models.RESTRICT, related_name="+")
    status = models.CharField(max_length=10, choices=QuestionnaireStatus.choices, default=QuestionnaireStatus.SENT)
    fields = models.JSONField(default=list, blank=True)
    stored_in = models.JSONField(default=list, blank=True)
    retention = models.CharField(max_length=300, blank=True)
    access = models.TextField(blank=True)
    shared_with = models.TextField(blank=True)
    sent_at = models.DateTimeField(default=now)
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    objects = TenantManager()

    class Meta(TenantModel.Meta):
        ordering = ("audit", "system__number")
        constraints = [models.UniqueConstraint(fields=["audit", "system"], name="questionnaire_system_unique")]

    def __str__(self) -> str:
        return f"{self.audit_id}: questionnaire of {self.system_id}"


class Discrepancy(TenantModel):
    """A discrepancy the comparison found (`rules_discrepancies`), by its key within the audit, with the finding of
    the audit it became; `resolved` when a later comparison no longer finds it (and open again if it comes back)."""

    audit = models.ForeignKey(DataAudit, on_delete=models.RESTRICT, related_name="discrepancies")
    key = models.CharField(max_length=300)
    kind = models.CharField(max_length=25, choices=DiscrepancyKind.choices)
    system = models.ForeignKey(System, null=True, blank=True, on_delete=models.RESTRICT, related_name="+")
    activity = models.ForeignKey(ProcessingActivity, null=True, blank=True, on_delete=models.RESTRICT,
                                 related_name="+")
    category = models.CharField(max_length=200, blank=True)
    country = models.CharField(max_length=16, blank=True)
    facts = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=10, choices=DiscrepancyStatus.choices, default=DiscrepancyStatus.OPEN)
    finding = models.OneToOneField(Finding, null=True, blank=True, on_delete=models.RESTRICT,
                                   related_name="discrepancy")
    found_at = models.DateTimeField(default=now)
    resolved_at = models.DateTimeField(null=True, blank=True)

    objects = TenantManager()

    class Meta(TenantModel.Meta):
        ordering = ("audit", "pk")
        constraints = [models.UniqueConstraint(fields=["audit", "key"], name="discrepancy_key_unique"),
                       models.CheckConstraint(condition=models.Q(kind__in=DiscrepancyKind.values),
                                              name="discrepancy_kind_valid")]

    def __str__(self) -> str:
        return f"{self.audit_id}: {self.key}"
