"""Processors (Art. 28 GDPR) and transfers outside the EEA (Chapter V). Imported by `models.py`.

A processor keeps its contract checklist (Art. 28(3)(a)–(h), one flag per clause), how its sub-processors are
authorised (Art. 28(2)) and the sub-processors themselves (a JSON list: [{name, country, service, approval,
approved_on}]), where it is, when its contract was signed and reviewed, and the systems it serves (the activities
it serves are linked from the activity). A transfer belongs to an activity, a processor, or both."""

from __future__ import annotations

from django.db import models
from django.utils.timezone import now

from accord.core.tenancy import TenantManager, TenantModel
from accord.portfolio.models_systems import System
from accord.privacy.choices_ropa import Authorisation, Derogation, Mechanism, SccModule


class Processor(TenantModel):
    """A processor, `PR-001` by its number; `country` is ISO 3166-1 alpha-2 (where it is established)."""

    number = models.PositiveIntegerField()
    name = models.CharField(max_length=200)
    contact = models.CharField(max_length=300, blank=True)
    country = models.CharField(max_length=2, blank=True)
    services = models.TextField(blank=True, help_text="What it does for the organisation")
    clause_a = models.BooleanField(default=False)
    clause_b = models.BooleanField(default=False)
    clause_c = models.BooleanField(default=False)
    clause_d = models.BooleanField(default=False)
    clause_e = models.BooleanField(default=False)
    clause_f = models.BooleanField(default=False)
    clause_g = models.BooleanField(default=False)
    clause_h = models.BooleanField(default=False)
    authorisation = models.CharField(max_length=10, choices=Authorisation.choices, default=Authorisation.SPECIFIC)
    sub_processors = models.JSONField(default=list, blank=True)
    contract_signed_on = models.DateField(null=True, blank=True)
    last_reviewed_on = models.DateField(null=True, blank=True)
    next_review_on = models.DateField(null=True, blank=True)
    systems: models.ManyToManyField[System, ProcessorSystem] = models.ManyToManyField(
        System, blank=True, related_name="processors", through="ProcessorSystem")
    created_at = models.DateTimeField(default=now)
    updated_at = models.DateTimeField(default=now)

    objects = TenantManager()

    class Meta(TenantModel.Meta):
        ordering = ("organization", "number")
        constraints = [
            models.UniqueConstraint(fields=["organization", "number"], name="processor_number_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.ref} {self.name}"

    @property
    def ref(self) -> str:
        return f"PR-{self.number:03d}"


class ProcessorSystem(TenantModel):
    """A system of the inventory the processor runs or serves."""

    processor = models.ForeignKey(Processor, on_delete=models.RESTRICT, related_name="system_links")
    system = models.ForeignKey(System, on_delete=models.RESTRICT, related_name="processor_links")

    objects = TenantManager()

    class Meta(TenantModel.Meta):
        ordering = ("processor", "system")
        constraints = [models.UniqueConstraint(fields=["processor", "system"], name="processorsystem_unique")]
        indexes = [models.Index(fields=["organization", "system"], name="processorsystem_system_idx")]

    def __str__(self) -> str:
        return f"{self.processor_id} serves {self.system_id}"


class Transfer(TenantModel):
    """A transfer to a third country or an international organisation, `TR-001` by its number: the destination
    (ISO 3166-1 alpha-2, or an organisation's key in the adequacy list), the mechanism and what it needs (an SCC
    module, an Art. 49 ground, documented safeguards, that a limited adequacy decision covers the recipient),
    and the transfer impact assessment (done on, conclusion)."""

    number = models.PositiveIntegerField()
    activity = models.ForeignKey("privacy.ProcessingActivity", null=True, blank=True, on_delete=models.RESTRICT,
                                 related_name="transfers")
    processor = models.ForeignKey(Processor, null=True, blank=True, on_delete=models.RESTRICT,
                                  related_name="transfers")
    destination = models.CharField(max_length=16)
    recipient = models.CharField(max_length=200, blank=True)
    mechanism = models.CharField(max_length=12, choices=Mechanism.choices, blank=True)
    scc_module = models.PositiveSmallIntegerField(choices=SccModule.choices, null=True, blank=True)
    derogation = models.CharField(max_length=20, choices=Derogation.choices, blank=True)
    safeguards = models.TextField(blank=True)
    in_scope = models.BooleanField(default=False, help_text="The recipient is within a limited adequacy decision")
    tia_done_on = models.DateField(null=True, blank=True)
    tia_conclusion = models.TextField(blank=True)
    created_at = models.DateTimeField(default=now)
    updated_at = models.DateTimeField(default=now)

    objects = TenantManager()

    class Meta(TenantModel.Meta):
        ordering = ("organization", "number")
        constraints = [
            models.UniqueConstraint(fields=["organization", "number"], name="transfer_number_unique"),
            models.CheckConstraint(condition=models.Q(activity__isnull=False) | models.Q(processor__isnull=False),
                                   name="transfer_has_owner"),
        ]
        indexes = [models.Index(fields=["organization", "activity"], name="transfer_activity_idx"),
                   models.Index(fields=["organization", "processor"], name="transfer_processor_idx")]

    def __str__(self) -> str:
        return f"{self.ref} {self.destination}"

    @property
    def ref(self) -> str:
        return f"TR-{self.number:03d}"
