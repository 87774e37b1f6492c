"""IT costs: budget lines per year (capex or opex; run, change or security), each optionally paying for an
initiative, a control or a system, and the actuals booked against a line month by month (imported from files).
Money is whole minor units of the organisation's currency. Variance is computed, never stored
(`rules.variance`). Imported at the bottom of `models.py`."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.timezone import now

from accord.compliance.models_controls import Control
from accord.core.tenancy import TenantManager, TenantModel
from accord.portfolio.choices import CostCategory, CostNature
from accord.portfolio.models import Initiative

#: The largest amount a budget line or an actual may hold, in minor units (10^15: ten trillion euros in cents).
MAX_AMOUNT = 10**15


class BudgetLine(TenantModel):
    """What the organisation plans to spend on one thing in one year, named `BL-001` by its number. It pays
    for an initiative, a control or a system, or for none of them (a run cost such as the service desk)."""

    number = models.PositiveIntegerField()
    year = models.PositiveSmallIntegerField(validators=[MinValueValidator(1990), MaxValueValidator(2200)])
    title = models.CharField(max_length=200)
    category = models.CharField(max_length=10, choices=CostCategory.choices)
    nature = models.CharField(max_length=5, choices=CostNature.choices, default=CostNature.OPEX)
    amount = models.BigIntegerField(validators=[MinValueValidator(0), MaxValueValidator(MAX_AMOUNT)],
                                    help_text="The year's budget, minor units")
    # RESTRICT: a line that names an initiative, a control or a system keeps it; none is deleted while named.
    initiative = models.ForeignKey(Initiative, null=True, blank=True, on_delete=models.RESTRICT,
                                   related_name="budget_lines")
    control = models.ForeignKey(Control, null=True, blank=True, on_delete=models.RESTRICT, related_name="budget_lines")
    system = models.ForeignKey("portfolio.System", null=True, blank=True, on_delete=models.RESTRICT,
                               related_name="budget_lines")
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField(default=now)
    updated_at = models.DateTimeField(default=now)

    objects = TenantManager()

    class Meta(TenantModel.Meta):
        ordering = ("organization", "year", "number")
        constraints = [
            models.UniqueConstraint(fields=["organization", "number"], name="budgetline_number_unique"),
            models.CheckConstraint(condition=models.Q(amount__gte=0), name="budgetline_amount_not_negative"),
            # At most one of the three: no two of them set at once.
            models.CheckConstraint(
                condition=(models.Q(initiative__isnull=True) | models.Q(control__isnull=True))
                & (models.Q(initiative__isnull=True) | models.Q(system__isnull=True))
                & (models.Q(control__isnull=True) | models.Q(system__isnull=True)),
                name="budgetline_one_link"),
        ]
        indexes = [models.Index(fields=["organization", "year", "category"], name="budgetline_year_idx")]

    def __str__(self) -> str:
        return f"{self.ref} {self.title}"

    @property
    def ref(self) -> str:
        return f"BL-{self.number:03d}"


class Actual(TenantModel):
    """What was really spent on a budget line in one month (`month` is the month's first day), in minor
    units; a credit (a refund) is negative. One per line and month: a new import replaces it."""

    budget_line = models.ForeignKey(BudgetLine, on_delete=models.RESTRICT, related_name="actuals")
    month = models.DateField()
    amount = models.BigIntegerField(validators=[MinValueValidator(-MAX_AMOUNT), MaxValueValidator(MAX_AMOUNT)])
    note = models.CharField(max_length=200, blank=True)
    recorded_at = models.DateTimeField(default=now)

    objects = TenantManager()

    class Meta(TenantModel.Meta):
        ordering = ("budget_line", "month")
        # The services store the month's first day (a CHECK on the day would need a date function SQLite lacks).
        constraints = [models.UniqueConstraint(fields=["budget_line", "month"], name="actual_line_month_unique")]
        indexes = [models.Index(fields=["organization", "month"], name="actual_month_idx")]

    def __str__(self) -> str:
        return f"Actual {self.month:%Y-%m} of budget line {self.budget_line_id}"
