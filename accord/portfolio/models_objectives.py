"""Business objectives of the portfolio: an objective with an owner and a horizon, its measurable key
results, and the initiatives that contribute to it with a weight. Progress is computed, never stored
(`rules.key_result_progress`, `rules.objective_progress`)."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.timezone import now

from accord.core.models import Membership
from accord.core.tenancy import TenantManager, TenantModel
from accord.portfolio import rules
from accord.portfolio.models import Initiative

#: The most a contribution weighs (weights are relative: 1 to 100).
MAX_WEIGHT = 100


class Objective(TenantModel):
    """A business objective IT serves over a horizon, measured by its key results."""

    number = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    # RESTRICT: a leaving member's objectives are handed over by a service, audited (accord.core.handover).
    owner = models.ForeignKey(Membership, null=True, blank=True, on_delete=models.RESTRICT, related_name="+")
    horizon_start = models.DateField()
    horizon_end = models.DateField()
    created_at = models.DateTimeField(default=now)
    updated_at = models.DateTimeField(default=now)

    objects = TenantManager()

    class Meta(TenantModel.Meta):
        ordering = ("organization", "number")
        constraints = [
            models.UniqueConstraint(fields=["organization", "number"], name="objective_number_unique"),
            models.CheckConstraint(condition=models.Q(horizon_end__gte=models.F("horizon_start")),
                                   name="objective_horizon_order"),
        ]

    def __str__(self) -> str:
        return f"{self.ref} {self.title}"

    @property
    def ref(self) -> str:
        return f"O-{self.number:02d}"

    @property
    def progress(self) -> float | None:
        """0 to 1, the mean of the key results' progress (`rules.objective_progress`; None without any).
        Reads `key_results.all()`: lists prefetch them."""
        return rules.objective_progress((k.baseline, k.target, k.current) for k in self.key_results.all())


class KeyResult(TenantModel):
    """A measurable result of an objective: a metric moving from its baseline to its target by a date,
    with its current value (a decreasing target, such as fewer incidents, has target below baseline)."""

    objective = models.ForeignKey(Objective, on_delete=models.RESTRICT, related_name="key_results")
    metric = models.CharField(max_length=200)
    unit = models.CharField(max_length=30, blank=True)
    baseline = models.DecimalField(max_digits=20, decimal_places=4)
    target = models.DecimalField(max_digits=20, decimal_places=4)
    current = models.DecimalField(max_digits=20, decimal_places=4)
    due_on = models.DateField(null=True, blank=True)
    updated_at = models.DateTimeField(default=now)

    objects = TenantManager()

    class Meta(TenantModel.Meta):
        ordering = ("objective", "pk")
        constraints = [models.CheckConstraint(condition=~models.Q(target=models.F("baseline")),
                                              name="keyresult_target_differs")]

    def __str__(self) -> str:
        return self.metric

    @property
    def progress(self) -> float:
        """0 to 1 from the baseline towards the target (`rules.key_result_progress`)."""
        return rules.key_result_progress(self.baseline, self.target, self.current)


class InitiativeObjective(TenantModel):
    """An initiative contributes to an objective, weighing `weight` (1 to 100) among its contributors."""

    initiative = models.ForeignKey(Initiative, on_delete=models.RESTRICT, related_name="objective_links")
    objective = models.ForeignKey(Objective, on_delete=models.RESTRICT, related_name="contributions")
    weight = models.PositiveSmallIntegerField(default=1, validators=[MinValueValidator(1),
                                                                     MaxValueValidator(MAX_WEIGHT)])

    objects = TenantManager()

    class Meta(TenantModel.Meta):
        ordering = ("objective", "-weight", "initiative")
        constraints = [
            models.UniqueConstraint(fields=["initiative", "objective"], name="initiativeobjective_unique"),
            models.CheckConstraint(condition=models.Q(weight__gte=1, weight__lte=MAX_WEIGHT),
                                   name="initiativeobjective_weight_range"),
        ]

    def __str__(self) -> str:
        return f"{self.initiative_id} serves objective {self.objective_id}"
