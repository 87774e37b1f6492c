"""The record of processing activities (Art. 30 GDPR): one processing activity per row, as a controller's record
(Art. 30(1)) or a processor's (Art. 30(2)), with its DPIA screening (Art. 35). Imported by `models.py`.

The lists people write as a table (purposes with their legal basis and, for legitimate interests, the balancing
test; categories of data with the Art. 9(2) condition of a special one; recipients with their country; the
controllers a processor serves) are JSON lists of small objects whose shape the service checks
(`services_ropa.clean_activity`): the register reads them in one query, and the completeness check
(`rules_ropa`) reads them as they are. Whether a record is complete is the rule's answer, kept on the row by the
services (`complete`, `missing_items`) so that the register's share is one SQL count."""

from __future__ import annotations

from django.db import models
from django.utils.timezone import now

from accord.core.models import User
from accord.core.tenancy import TenantManager, TenantModel
from accord.portfolio.models_systems import System
from accord.privacy.choices_ropa import RecordKind, ScreeningOutcome
from accord.privacy.models_processors import Processor


class ProcessingActivity(TenantModel):
    """A processing activity, `PA-001` by its number. `purposes`: [{name, legal_basis, lia: {interest, necessity,
    balancing}}]; `data_categories`: [{name, special, art9_condition, retention}]; `recipients`: [{name,
    country}]; `controllers` (a processor's record): [{name, contact}]. The screening keeps its answers, the
    outcome the rule gave, the DPO's exception, and who screened when."""

    number = models.PositiveIntegerField()
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    record_kind = models.CharField(max_length=10, choices=RecordKind.choices, default=RecordKind.CONTROLLER)
    controller_name = models.CharField(max_length=200, blank=True)
    controller_contact = models.CharField(max_length=300, blank=True)
    joint_controllership = models.BooleanField(default=False)
    joint_controller_name = models.CharField(max_length=200, blank=True)
    joint_controller_contact = models.CharField(max_length=300, blank=True)
    representative_required = models.BooleanField(default=False)
    representative_name = models.CharField(max_length=200, blank=True)
    representative_contact = models.CharField(max_length=300, blank=True)
    dpo_designated = models.BooleanField(default=False)
    dpo_name = models.CharField(max_length=200, blank=True)
    dpo_contact = models.CharField(max_length=300, blank=True)
    controllers = models.JSONField(default=list, blank=True)
    processing_categories = models.JSONField(default=list, blank=True)
    purposes = models.JSONField(default=list, blank=True)
    data_subjects = models.JSONField(default=list, blank=True)
    data_categories = models.JSONField(default=list, blank=True)
    recipients = models.JSONField(default=list, blank=True)
    no_recipients = models.BooleanField(default=False)
    retention = models.TextField(blank=True)
    security_measures = models.TextField(blank=True)
    systems: models.ManyToManyField[System, ActivitySystem] = models.ManyToManyField(
        System, blank=True, related_name="processing_activities", through="ActivitySystem")
    processors: models.ManyToManyField[Processor, ActivityProcessor] = models.ManyToManyField(
        Processor, blank=True, related_name="activities", through="ActivityProcessor")
    # Derived from the record by `rules_ropa` and kept up to date by every service that changes the activity or its
    # transfers (never audited: it is a reading of audited fields), so the register counts its share complete in
    # SQL whatever its length.
    complete = models.BooleanField(default=False)
    missing_items = models.JSONField(default=list, blank=True)
    screening_criteria = models.JSONField(default=list, blank=True)
    screening_cases = models.JSONField(default=list, blank=True)
    screening_exception = models.TextField(blank=True)
    screening_outcome = models.CharField(max_length=15, choices=ScreeningOutcome.choices, blank=True,
                                         help_text="Empty until screened")
    screened_at = models.DateTimeField(null=True, blank=True)
    screened_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=now)
    updated_at = models.DateTimeField(default=now)

    objects = TenantManager()

    class Meta(TenantModel.Meta):
        ordering = ("organization", "number")
        verbose_name_plural = "processing activities"
        constraints = [
            models.UniqueConstraint(fields=["organization", "number"], name="processingactivity_number_unique"),
            models.CheckConstraint(condition=models.Q(record_kind__in=RecordKind.values),
                                   name="processingactivity_kind_valid"),
        ]
        indexes = [models.Index(fields=["organization", "screening_outcome"], name="activity_screening_idx"),
                   models.Index(fields=["organization", "complete"], name="activity_complete_idx")]

    def __str__(self) -> str:
        return f"{self.ref} {self.name}"

    @property
    def ref(self) -> str:
        return f"PA-{self.number:03d}"


class ActivitySystem(TenantModel):
    """A system of the inventory carries the activity."""

    activity = models.ForeignKey(ProcessingActivity, on_delete=models.RESTRICT, related_name="system_links")
    system = models.ForeignKey(System, on_delete=models.RESTRICT, related_name="activity_links")

    objects = TenantManager()

    class Meta(TenantModel.Meta):
        ordering = ("activity", "system")
        constraints = [models.UniqueConstraint(fields=["activity", "system"], name="activitysystem_unique")]
        indexes = [models.Index(fields=["organization", "system"], name="activitysystem_system_idx")]

    def __str__(self) -> str:
        return f"{self.system_id} carries {self.activity_id}"


class ActivityProcessor(TenantModel):
    """A processor (Art. 28) processes data of the activity on the organisation's behalf."""

    activity = models.ForeignKey(ProcessingActivity, on_delete=models.RESTRICT, related_name="processor_links")
    processor = models.ForeignKey(Processor, on_delete=models.RESTRICT, related_name="activity_links")

    objects = TenantManager()

    class Meta(TenantModel.Meta):
        ordering = ("activity", "processor")
        constraints = [models.UniqueConstraint(fields=["activity", "processor"], name="activityprocessor_unique")]
        indexes = [models.Index(fields=["organization", "processor"], name="activityprocessor_proc_idx")]

    def __str__(self) -> str:
        return f"{self.processor_id} processes for {self.activity_id}"
