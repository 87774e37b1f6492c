"""The organisation's controls library: a control (what it is, who owns it, where it stands, what it costs),
its links to requirements of any framework, and its links to risks, each with the control's effect on that
risk (shares of the events it prevents and of the loss per event it removes, combined multiplicatively with
the risk's other implemented controls in the money view). Imported at the bottom of `models.py`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.timezone import now

from accord.compliance.choices import ControlKind, ControlStatus
from accord.core.models import Membership
from accord.core.tenancy import TenantManager, TenantModel
from accord.risks.models import Risk

if TYPE_CHECKING:
    from accord.compliance.models import Requirement

_SHARE: dict[str, Any] = {"max_digits": 5, "decimal_places": 4,
                          "validators": [MinValueValidator(0), MaxValueValidator(1)]}
_DAYS: dict[str, Any] = {"max_digits": 8, "decimal_places": 2, "null": True, "blank": True,
                         "validators": [MinValueValidator(0)]}


class Control(TenantModel):
    """A control of the organisation, named `C-001` by its number. Costs are integers in minor units of the
    organisation's currency; people-days are priced at the organisation's day rate (`Organization.day_rate`)."""

    number = models.PositiveIntegerField()
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    kind = models.CharField(max_length=15, choices=ControlKind.choices, default=ControlKind.PROCESS)
    # RESTRICT: a leaving member's controls are handed over by a service, audited (accord.core.handover).
    owner = models.ForeignKey(Membership, null=True, blank=True, on_delete=models.RESTRICT, related_name="+")
    status = models.CharField(max_length=15, choices=ControlStatus.choices, default=ControlStatus.PLANNED)
    implemented_on = models.DateField(null=True, blank=True)
    next_review_on = models.DateField(null=True, blank=True)
    build_cost = models.PositiveBigIntegerField(default=0, help_text="One-off cost to put it in place, minor units")
    run_cost = models.PositiveBigIntegerField(default=0, help_text="Yearly cost to run it, minor units")
    build_days = models.DecimalField(help_text="One-off people-days to put it in place", **_DAYS)
    run_days = models.DecimalField(help_text="People-days a year to run it", **_DAYS)
    requirements: models.ManyToManyField[Requirement, ControlRequirement] = models.ManyToManyField(
        "compliance.Requirement", through="ControlRequirement", blank=True, related_name="controls")
    risks: models.ManyToManyField[Risk, ControlRisk] = models.ManyToManyField(
        Risk, through="ControlRisk", blank=True, related_name="controls")
    created_at = models.DateTimeField(default=now)
    updated_at = models.DateTimeField(default=now)

    objects = TenantManager()

    class Meta(TenantModel.Meta):
        ordering = ("organization", "number")
        constraints = [models.UniqueConstraint(fields=["organization", "number"], name="control_number_unique")]
        indexes = [models.Index(fields=["organization", "status"], name="control_status_idx")]

    def __str__(self) -> str:
        return f"{self.ref} {self.name}"

    @property
    def ref(self) -> str:
        return f"C-{self.number:03d}"


class ControlRequirement(TenantModel):
    """A control serves a requirement (of any framework the organisation imported)."""

    control = models.ForeignKey(Control, on_delete=models.RESTRICT, related_name="requirement_links")
    requirement = models.ForeignKey("compliance.Requirement", on_delete=models.RESTRICT, related_name="control_links")
    created_at = models.DateTimeField(default=now)

    objects = TenantManager()

    class Meta(TenantModel.Meta):
        ordering = ("control", "requirement")
        constraints = [models.UniqueConstraint(fields=["control", "requirement"], name="control_requirement_unique")]

    def __str__(self) -> str:
        return f"{self.control_id} → requirement {self.requirement_id}"


class ControlRisk(TenantModel):
    """A control reduces a risk: `frequency_reduction` is the share of its loss events it prevents,
    `loss_reduction` the share of the loss per event it removes (each 0 to 1)."""

    control = models.ForeignKey(Control, on_delete=models.RESTRICT, related_name="risk_links")
    risk = models.ForeignKey(Risk, on_delete=models.RESTRICT, related_name="control_links")
    frequency_reduction = models.DecimalField(default=0, help_text="Share of loss events it prevents, 0 to 1",
                                              **_SHARE)
    loss_reduction = models.DecimalField(default=0, help_text="Share of the loss per event it removes, 0 to 1",
                                         **_SHARE)
    created_at = models.DateTimeField(default=now)

    objects = TenantManager()

    class Meta(TenantModel.Meta):
        ordering = ("control", "risk")
        constraints = [
            models.UniqueConstraint(fields=["control", "risk"], name="control_risk_unique"),
            models.CheckConstraint(condition=models.Q(frequency_reduction__gte=0, frequency_reduction__lte=1),
                                   name="control_risk_frequency_0_1"),
            models.CheckConstraint(condition=models.Q(loss_reduction__gte=0, loss_reduction__lte=1),
                                   name="control_risk_loss_0_1"),
        ]

    def __str__(self) -> str:
        return f"{self.control_id} → risk {self.risk_id}"
