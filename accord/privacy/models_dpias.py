"""Data protection impact assessments (Art. 35 GDPR) and prior consultation (Art. 36): one DPIA per processing
activity at a time, its description, necessity and proportionality, the risks to the rights and freedoms of data
subjects (risks of the shared register, category privacy), the measures (controls of the compliance app), the
DPO's advice and the controller's decision, co-signed through the approvals kit. Imported by `models.py`."""

from __future__ import annotations

from django.db import models
from django.utils.timezone import now

from accord.core.approvals.models import Signature
from accord.core.models import User
from accord.core.tenancy import TenantManager, TenantModel
from accord.privacy.choices_dpias import OPEN_STATUSES, DpiaDecision, DpiaOrigin, DpiaStatus
from accord.privacy.models_ropa import ProcessingActivity


class Dpia(TenantModel):
    """A DPIA, `DPIA-001` by its number, of one processing activity. `required_signatories` records the slots
    of the controller's decision once decided (while open, the governance profile names them). `decided_on` is
    the organisation's local date of the last signature."""

    number = models.PositiveIntegerField()
    activity = models.ForeignKey(ProcessingActivity, on_delete=models.RESTRICT, related_name="dpias")
    origin = models.CharField(max_length=10, choices=DpiaOrigin.choices, default=DpiaOrigin.SCREENING)
    origin_reason = models.TextField(blank=True, help_text="Why a DPIA is carried out where none is required")
    status = models.CharField(max_length=10, choices=DpiaStatus.choices, default=DpiaStatus.DRAFT)
    description = models.TextField(blank=True, help_text="The processing: its nature, scope, context, purposes")
    necessity = models.TextField(blank=True, help_text="Necessity and proportionality (Art. 35(7)(b))")
    dpo_advice = models.TextField(blank=True)
    dpo_advice_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    dpo_advice_at = models.DateTimeField(null=True, blank=True)
    decision = models.CharField(max_length=10, choices=DpiaDecision.choices, blank=True)
    decision_reason = models.TextField(blank=True)
    decided_on = models.DateField(null=True, blank=True)
    consultation_required = models.BooleanField(
        default=False, help_text="Prior consultation (Art. 36) flagged when decided (while open it is computed)")
    required_signatories = models.JSONField(default=list, blank=True)
    created_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=now)
    updated_at = models.DateTimeField(default=now)

    objects = TenantManager()

    class Meta(TenantModel.Meta):
        ordering = ("organization", "-number")
        verbose_name = "DPIA"
        constraints = [
            models.UniqueConstraint(fields=["organization", "number"], name="dpia_number_unique"),
            models.UniqueConstraint(fields=["activity"], name="dpia_one_open_per_activity",
                                    condition=models.Q(status__in=[s.value for s in OPEN_STATUSES])),
            models.CheckConstraint(condition=models.Q(status__in=DpiaStatus.values), name="dpia_status_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.ref} {self.activity_id}"

    @property
    def ref(self) -> str:
        return f"DPIA-{self.number:03d}"


class DpiaRisk(TenantModel):
    """A risk to the rights and freedoms of data subjects the DPIA assesses: a risk of the shared register (so it
    is judged against the signed appetite and shows on the heat map); the risk reads its DPIAs back through
    `dpia_links`."""

    dpia = models.ForeignKey(Dpia, on_delete=models.RESTRICT, related_name="risk_links")
    risk = models.ForeignKey("risks.Risk", on_delete=models.RESTRICT, related_name="dpia_links")

    objects = TenantManager()

    class Meta(TenantModel.Meta):
        ordering = ("dpia", "risk")
        constraints = [models.UniqueConstraint(fields=["dpia", "risk"], name="dpiarisk_unique")]
        indexes = [models.Index(fields=["organization", "risk"], name="dpiarisk_risk_idx")]

    def __str__(self) -> str:
        return f"{self.risk_id} assessed by {self.dpia_id}"


class DpiaControl(TenantModel):
    """A measure envisaged to address the risks (Art. 35(7)(d)): a control of the compliance app."""

    dpia = models.ForeignKey(Dpia, on_delete=models.RESTRICT, related_name="control_links")
    control = models.ForeignKey("compliance.Control", on_delete=models.RESTRICT, related_name="dpia_links")

    objects = TenantManager()

    class Meta(TenantModel.Meta):
        ordering = ("dpia", "control")
        constraints = [models.UniqueConstraint(fields=["dpia", "control"], name="dpiacontrol_unique")]

    def __str__(self) -> str:
        return f"{self.control_id} addresses {self.dpia_id}"


class DpiaSignature(Signature):
    """One required signature of the controller's decision on a DPIA."""

    dpia = models.ForeignKey(Dpia, on_delete=models.RESTRICT, related_name="signatures")

    class Meta(Signature.Meta):
        ordering = ("dpia", "signed_at")
        constraints = [models.UniqueConstraint(fields=["dpia", "slot"], name="dpiasignature_slot_unique")]

    def __str__(self) -> str:
        return f"{self.get_slot_display()} signed DPIA {self.dpia_id}"
