"""The IT portfolio: initiatives with their yearly budgets, the security reviews that gate their phases
(with conditions), co-signed gate exceptions, and each organisation's portfolio settings."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.timezone import now

from accord.core.approvals.models import Signature
from accord.core.models import Membership, Organization, User
from accord.core.tenancy import TenantManager, TenantModel
from accord.portfolio.choices import (
    DEFAULT_REVIEW_TARGET_DAYS,
    ConditionStatus,
    ExceptionStatus,
    Gate,
    Health,
    InitiativeKind,
    Outcome,
    Phase,
)
from accord.risks.models import Risk

if TYPE_CHECKING:
    from accord.portfolio.models_systems import System

MAX_HORIZON_YEARS = 30


class PortfolioSettings(TenantModel):
    """How an organisation runs its portfolio: the review target in working days, the discount rate of
    the NPV, which kinds of initiative pass security gates, and the review checklist. An organisation
    without a row reads the defaults (`selectors.portfolio_settings`)."""

    organization = models.OneToOneField(Organization, on_delete=models.CASCADE, related_name="portfolio_settings")
    review_target_days = models.PositiveSmallIntegerField(
        default=DEFAULT_REVIEW_TARGET_DAYS, validators=[MinValueValidator(1), MaxValueValidator(120)],
        help_text="Working days a security review may take before it is overdue")
    discount_rate = models.DecimalField(max_digits=5, decimal_places=4, default="0.08",
                                        validators=[MinValueValidator(0), MaxValueValidator(1)],
                                        help_text="Yearly discount rate of the NPV, 0 to 1")
    # Kinds of initiative whose phases are gated; the default (all kinds) is written when the row is made.
    gated_kinds = models.JSONField(default=list, blank=True)
    # [[key, question], ...]: what every new review answers.
    checklist = models.JSONField(default=list, blank=True)
    updated_at = models.DateTimeField(default=now)

    objects = TenantManager()

    class Meta(TenantModel.Meta):
        ordering = ("organization",)

    def __str__(self) -> str:
        return f"Portfolio settings of {self.organization_id}"


class Initiative(TenantModel):
    """An IT project or programme: what it is, who sponsors and owns it, where it stands (phase, health),
    its dates, the yearly benefit it should bring (a 90% range in minor units) over its horizon."""

    number = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    kind = models.CharField(max_length=25, choices=InitiativeKind.choices)
    # RESTRICT: a leaving member's initiatives are handed over by a service, audited (accord.core.handover).
    sponsor = models.ForeignKey(Membership, null=True, blank=True, on_delete=models.RESTRICT, related_name="+")
    owner = models.ForeignKey(Membership, null=True, blank=True, on_delete=models.RESTRICT, related_name="+")
    phase = models.CharField(max_length=15, choices=Phase.choices, default=Phase.IDEA)
    planned_start = models.DateField(null=True, blank=True)
    planned_end = models.DateField(null=True, blank=True)
    actual_start = models.DateField(null=True, blank=True)
    actual_end = models.DateField(null=True, blank=True)
    health = models.CharField(max_length=10, choices=Health.choices, default=Health.ON_TRACK)
    health_reason = models.TextField(blank=True)
    benefit_low = models.BigIntegerField(null=True, blank=True, validators=[MinValueValidator(0)],
                                         help_text="Expected yearly benefit, 5th percentile, minor units")
    benefit_high = models.BigIntegerField(null=True, blank=True, validators=[MinValueValidator(0)],
                                          help_text="Expected yearly benefit, 95th percentile, minor units")
    horizon_years = models.PositiveSmallIntegerField(
        default=5, validators=[MinValueValidator(1), MaxValueValidator(MAX_HORIZON_YEARS)])
    dependencies: models.ManyToManyField[Initiative, InitiativeDependency] = models.ManyToManyField(
        "self", symmetrical=False, blank=True, related_name="dependents", through="InitiativeDependency",
        through_fields=("initiative", "depends_on"))
    risks: models.ManyToManyField[Risk, InitiativeRisk] = models.ManyToManyField(
        Risk, blank=True, related_name="initiatives", through="InitiativeRisk")
    systems: models.ManyToManyField[System, InitiativeSystem] = models.ManyToManyField(
        "portfolio.System", blank=True, related_name="initiatives", through="InitiativeSystem")
    created_at = models.DateTimeField(default=now)
    updated_at = models.DateTimeField(default=now)

    objects = TenantManager()

    class Meta(TenantModel.Meta):
        ordering = ("organization", "number")
        constraints = [
            models.UniqueConstraint(fields=["organization", "number"], name="initiative_number_unique"),
            models.CheckConstraint(
                condition=(models.Q(benefit_low__isnull=True) | models.Q(benefit_high__isnull=True)
                           | models.Q(benefit_low__lte=models.F("benefit_high"))),
                name="initiative_benefit_range"),
        ]
        indexes = [models.Index(fields=["organization", "phase"], name="initiative_phase_idx")]

    def __str__(self) -> str:
        return f"{self.ref} {self.title}"

    @property
    def ref(self) -> str:
        return f"I-{self.number:03d}"


class InitiativeDependency(TenantModel):
    """`initiative` needs `depends_on` (both of one organisation; services check it)."""

    initiative = models.ForeignKey(Initiative, on_delete=models.RESTRICT, related_name="+")
    depends_on = models.ForeignKey(Initiative, on_delete=models.RESTRICT, related_name="+")

    objects = TenantManager()

    class Meta(TenantModel.Meta):
        ordering = ("initiative", "depends_on")
        constraints = [
            models.UniqueConstraint(fields=["initiative", "depends_on"], name="initiativedependency_unique"),
            models.CheckConstraint(condition=~models.Q(initiative=models.F("depends_on")),
                                   name="initiativedependency_not_self"),
        ]

    def __str__(self) -> str:
        return f"{self.initiative_id} needs {self.depends_on_id}"


class InitiativeRisk(TenantModel):
    """A register risk linked to an initiative (risks are archived, never deleted)."""

    initiative = models.ForeignKey(Initiative, on_delete=models.RESTRICT, related_name="+")
    risk = models.ForeignKey(Risk, on_delete=models.RESTRICT, related_name="+")

    objects = TenantManager()

    class Meta(TenantModel.Meta):
        ordering = ("initiative", "risk")
        constraints = [models.UniqueConstraint(fields=["initiative", "risk"], name="initiativerisk_unique")]

    def __str__(self) -> str:
        return f"{self.initiative_id} linked to risk {self.risk_id}"


class InitiativeSystem(TenantModel):
    """A system of the inventory the initiative affects (builds, changes, replaces or retires); both of one
    organisation (services check it). A system with initiatives cannot be removed until they let it go."""

    initiative = models.ForeignKey(Initiative, on_delete=models.RESTRICT, related_name="+")
    system = models.ForeignKey("portfolio.System", on_delete=models.RESTRICT, related_name="initiative_links")

    objects = TenantManager()

    class Meta(TenantModel.Meta):
        ordering = ("initiative", "system")
        constraints = [models.UniqueConstraint(fields=["initiative", "system"], name="initiativesystem_unique")]
        indexes = [models.Index(fields=["organization", "system"], name="initiativesystem_system_idx")]

    def __str__(self) -> str:
        return f"{self.initiative_id} affects system {self.system_id}"


class InitiativeBudget(TenantModel):
    """What an initiative costs in one year, capital and operating, in minor units."""

    initiative = models.ForeignKey(Initiative, on_delete=models.RESTRICT, related_name="budgets")
    year = models.PositiveSmallIntegerField(validators=[MinValueValidator(1990), MaxValueValidator(2200)])
    capex = models.BigIntegerField(default=0, validators=[MinValueValidator(0)])
    opex = models.BigIntegerField(default=0, validators=[MinValueValidator(0)])

    objects = TenantManager()

    class Meta(TenantModel.Meta):
        ordering = ("initiative", "year")
        constraints = [
            models.UniqueConstraint(fields=["initiative", "year"], name="initiativebudget_year_unique"),
            models.CheckConstraint(condition=models.Q(capex__gte=0, opex__gte=0), name="initiativebudget_not_negative"),
        ]

    def __str__(self) -> str:
        return f"Budget {self.year} of initiative {self.initiative_id}"


class SecurityReview(TenantModel):
    """The security review of one gate of an initiative: opened, due a number of working days later,
    answered on the organisation's checklist and completed by the CISO (or whoever the governance
    profile names) with an outcome."""

    initiative = models.ForeignKey(Initiative, on_delete=models.RESTRICT, related_name="reviews")
    gate = models.CharField(max_length=10, choices=Gate.choices)
    opened_at = models.DateTimeField(default=now)
    opened_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    due_on = models.DateField()
    reviewer = models.ForeignKey(Membership, null=True, blank=True, on_delete=models.RESTRICT, related_name="+")
    # [[key, question], ...] as the organisation's checklist read when the review opened.
    checklist = models.JSONField(default=list, blank=True)
    # key → "yes", "no" or "n/a".
    answers = models.JSONField(default=dict, blank=True)
    outcome = models.CharField(max_length=25, choices=Outcome.choices, blank=True)
    reasons = models.TextField(blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    completed_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    objects = TenantManager()

    class Meta(TenantModel.Meta):
        ordering = ("initiative", "-opened_at", "-pk")
        constraints = [
            # One open review per gate of an initiative.
            models.UniqueConstraint(fields=["initiative", "gate"], condition=models.Q(completed_at__isnull=True),
                                    name="securityreview_one_open_per_gate"),
        ]
        indexes = [models.Index(fields=["organization", "completed_at", "due_on"], name="securityreview_due_idx")]

    def __str__(self) -> str:
        return f"{self.get_gate_display()} review of initiative {self.initiative_id}"

    @property
    def is_complete(self) -> bool:
        return self.completed_at is not None

    @property
    def answered_checklist(self) -> list[tuple[str, str | None]]:
        """(question, answer or None) in the checklist's order."""
        return [(question, self.answers.get(key)) for key, question in self.checklist]


class ReviewCondition(TenantModel):
    """A condition of an approval: an action with an owner and a due date, open until done."""

    review = models.ForeignKey(SecurityReview, on_delete=models.RESTRICT, related_name="conditions")
    title = models.CharField(max_length=200)
    owner = models.ForeignKey(Membership, null=True, blank=True, on_delete=models.RESTRICT, related_name="+")
    due_on = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=5, choices=ConditionStatus.choices, default=ConditionStatus.OPEN)
    done_at = models.DateTimeField(null=True, blank=True)

    objects = TenantManager()

    class Meta(TenantModel.Meta):
        ordering = ("review", "due_on", "pk")

    def __str__(self) -> str:
        return self.title


class GateException(TenantModel):
    """Moving an initiative past a gate without a completed review: the reasons, and the signatures a risk
    acceptance above tolerance needs under the governance profile. In force only once all are in."""

    initiative = models.ForeignKey(Initiative, on_delete=models.RESTRICT, related_name="gate_exceptions")
    gate = models.CharField(max_length=10, choices=Gate.choices)
    reasons = models.TextField()
    status = models.CharField(max_length=10, choices=ExceptionStatus.choices, default=ExceptionStatus.PENDING)
    required_signatories = models.JSONField(default=list)
    created_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=now)
    in_force_at = models.DateTimeField(null=True, blank=True)

    objects = TenantManager()

    class Meta(TenantModel.Meta):
        ordering = ("initiative", "-created_at", "-pk")

    def __str__(self) -> str:
        return f"{self.get_gate_display()} exception of initiative {self.initiative_id}"


class ExceptionSignature(Signature):
    """One required signature of a gate exception."""

    exception = models.ForeignKey(GateException, on_delete=models.RESTRICT, related_name="signatures")

    class Meta(Signature.Meta):
        ordering = ("exception", "signed_at")
        constraints = [models.UniqueConstraint(fields=["exception", "slot"], name="exceptionsignature_slot_unique")]

    def __str__(self) -> str:
        return f"{self.get_slot_display()} signed gate exception {self.exception_id}"

from accord.portfolio.models_costs import Actual, BudgetLine  # noqa: E402, F401
from accord.portfolio.models_objectives import InitiativeObjective, KeyResult, Objective  # noqa: E402, F401
from accord.portfolio.models_systems import RiskSystem, System, SystemComponent, SystemDependency  # noqa: E402, F401
