"""The shared risk register: categories, the risk matrix (versioned), risks, the jointly signed
risk appetite (versioned) and co-signed risk acceptances."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.timezone import now

from accord.core.approvals.models import Opinion, Signature, VersionedDocument
from accord.core.models import Membership, User
from accord.core.tenancy import TenantManager, TenantModel
from accord.risks.choices import AcceptanceStatus, Level, RaisedBy, RiskStatus, Treatment


class RiskCategory(TenantModel):
    """A category of risk; each organisation keeps its own list (seeded with the usual seven)."""

    key = models.SlugField(max_length=40)
    name = models.CharField(max_length=100)
    position = models.PositiveSmallIntegerField(default=0)
    active = models.BooleanField(default=True)
    # Acceptances of its risks need the DPO's signature when the governance profile says so (a flag, not a
    # key: an organisation may keep personal data under several categories, or rename the seeded one).
    is_privacy = models.BooleanField(default=False, help_text="Risks about personal data (the DPO's concern)")

    objects = TenantManager()

    class Meta(TenantModel.Meta):
        ordering = ("organization", "position", "name")
        constraints = [models.UniqueConstraint(fields=["organization", "key"], name="riskcategory_key_unique")]

    def __str__(self) -> str:
        return self.name


#: How many rows (likelihoods) and columns (impacts) a risk matrix may have.
MATRIX_SIZES = range(3, 8)


class RiskMatrix(TenantModel):
    """One version of the organisation's likelihood × impact matrix.

    `levels[l-1][i-1]` is the level of likelihood l and impact i. Changing the matrix creates a new
    version (history kept) and re-derives every risk's levels.
    """

    version = models.PositiveIntegerField()
    likelihood_labels = models.JSONField()
    impact_labels = models.JSONField()
    levels = models.JSONField()
    is_current = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=now)
    created_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    objects = TenantManager()

    class Meta(TenantModel.Meta):
        ordering = ("organization", "-version")
        constraints = [
            models.UniqueConstraint(fields=["organization", "version"], name="riskmatrix_version_unique"),
            models.UniqueConstraint(fields=["organization"], condition=models.Q(is_current=True),
                                    name="riskmatrix_one_current"),
        ]

    def __str__(self) -> str:
        return f"Risk matrix v{self.version}"

    @property
    def size(self) -> tuple[int, int]:
        return len(self.likelihood_labels), len(self.impact_labels)

    def level_of(self, likelihood: int, impact: int) -> str:
        return str(self.levels[likelihood - 1][impact - 1])


class Risk(TenantModel):
    """One risk of the shared register, owned by a member and scored on the current matrix."""

    number = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    category = models.ForeignKey(RiskCategory, on_delete=models.PROTECT, related_name="risks")
    # RESTRICT, not SET_NULL: a leaving member's risks are handed over by a service, each with its audit event
    # (accord.core.handover); nothing empties an owner silently (tests/test_tenant_links.py).
    owner = models.ForeignKey(Membership, null=True, blank=True, on_delete=models.RESTRICT, related_name="+")
    raised_by = models.CharField(max_length=10, choices=RaisedBy.choices, default=RaisedBy.CISO)
    affected_assets = models.JSONField(default=list, blank=True)
    causes = models.TextField(blank=True)
    consequences = models.TextField(blank=True)
    inherent_likelihood = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(9)])
    inherent_impact = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(9)])
    residual_likelihood = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(9)])
    residual_impact = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(9)])
    # Derived from the current matrix; stored so that lists filter and sort in SQL.
    inherent_level = models.CharField(max_length=10, choices=Level.choices)
    residual_level = models.CharField(max_length=10, choices=Level.choices)
    residual_rank = models.PositiveSmallIntegerField()
    treatment = models.CharField(max_length=10, choices=Treatment.choices, default=Treatment.MITIGATE)
    treatment_plan = models.TextField(blank=True)
    treatment_owner = models.ForeignKey(Membership, null=True, blank=True, on_delete=models.RESTRICT,
                                        related_name="+")
    treatment_due = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=15, choices=RiskStatus.choices, default=RiskStatus.IDENTIFIED)
    next_review = models.DateField(null=True, blank=True)
    tags = models.JSONField(default=list, blank=True)
    # Optional quantitative estimates: 90% ranges (5th and 95th percentiles).
    frequency_low = models.DecimalField(max_digits=12, decimal_places=4, null=True, blank=True,
                                        help_text="Events per year, 5th percentile")
    frequency_high = models.DecimalField(max_digits=12, decimal_places=4, null=True, blank=True,
                                         help_text="Events per year, 95th percentile")
    loss_low = models.DecimalField(max_digits=16, decimal_places=2, null=True, blank=True,
                                   help_text="Loss per event, 5th percentile, in the organisation's currency")
    loss_high = models.DecimalField(max_digits=16, decimal_places=2, null=True, blank=True,
                                    help_text="Loss per event, 95th percentile, in the organisation's currency")
    # An optional Open FAIR breakdown in the scenario file's `fair` shape (docs/quant.md), validated by the
    # engine; when set it is the risk's money model and the ranges above are not used.
    fair = models.JSONField(null=True, blank=True, help_text="Open FAIR breakdown (tef, vulnerability or "
                                                             "tcap + rs, primary_loss, secondary_*)")
    created_at = models.DateTimeField(default=now)
    updated_at = models.DateTimeField(default=now)
    # A risk is never deleted: archiving takes it out of the register (every read, count and export) and
    # restoring brings it back (docs/decisions/0015-archive-not-delete.md).
    archived_at = models.DateTimeField(null=True, blank=True)
    archived_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    archive_reason = models.TextField(blank=True)

    objects = TenantManager()

    class Meta(TenantModel.Meta):
        ordering = ("organization", "number")
        constraints = [
            models.UniqueConstraint(fields=["organization", "number"], name="risk_number_unique"),
            # "Accepted" follows from an acceptance in force (selectors.annotated_risks); it is never stored,
            # so the stored status cannot say accepted once the acceptance lapses (decision 0021).
            models.CheckConstraint(condition=~models.Q(status=RiskStatus.ACCEPTED), name="risk_status_not_accepted"),
        ]
        indexes = [
            models.Index(fields=["organization", "residual_rank"], name="risk_rank_idx"),
            models.Index(fields=["organization", "category", "residual_rank"], name="risk_cat_rank_idx"),
            models.Index(fields=["organization", "status"], name="risk_status_idx"),
            models.Index(fields=["organization", "next_review"], name="risk_review_idx"),
            models.Index(fields=["organization", "updated_at"], name="risk_updated_idx"),
            models.Index(fields=["organization", "treatment_due"], name="risk_treatment_due_idx"),
            models.Index(fields=["organization", "residual_level", "status"], name="risk_level_status_idx"),
            models.Index(fields=["organization", "inherent_likelihood", "inherent_impact"], name="risk_inherent_idx"),
            models.Index(fields=["organization", "residual_likelihood", "residual_impact"], name="risk_residual_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.ref} {self.title}"

    @property
    def ref(self) -> str:
        return f"R-{self.number:03d}"

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None

    @property
    def effective_status(self) -> str:
        """The status the register shows: accepted while an acceptance is in force (the register query's
        `accepted`) and the risk is not closed, as the query's `register_status` alias says in SQL (where it
        filters and sorts); else the stored one (which is never "accepted")."""
        if getattr(self, "accepted", False) and self.status != RiskStatus.CLOSED:
            return str(RiskStatus.ACCEPTED)
        return str(self.status)

    @property
    def shown_status(self) -> str:
        return self.effective_status

    @property
    def treatment_overdue(self) -> bool:
        """An open, not accepted risk whose treatment was due before today: the register query's
        `treatment_late` and `accepted` (selectors.treatment_overdue_q is the same rule in SQL)."""
        return bool(getattr(self, "treatment_late", False)) and not getattr(self, "accepted", False)

    @property
    def shown_status_label(self) -> str:
        return str(RiskStatus(self.shown_status).label)

    @property
    def has_quant(self) -> bool:
        """Both 90% ranges (events per year, loss per event) are given."""
        return None not in (self.frequency_low, self.frequency_high, self.loss_low, self.loss_high)

    @property
    def has_money_estimate(self) -> bool:
        """The risk can be put in money: an Open FAIR breakdown or both 90% ranges."""
        return self.fair is not None or self.has_quant


class RiskAppetite(VersionedDocument):
    """One version of the organisation's risk appetite; in force only once every signatory the governance
    profile names has signed it (a co-signed versioned document of the approvals kit).

    `category_levels` maps a category key to the highest acceptable residual level; `tolerance` is a
    list of [loss, highest acceptable annual probability of exceeding it] for the quantitative engine.
    """

    statement = models.TextField()
    category_levels = models.JSONField(default=dict)
    tolerance = models.JSONField(default=list, blank=True)

    class Meta(VersionedDocument.Meta):
        pass

    def __str__(self) -> str:
        return f"Risk appetite v{self.version} ({self.get_status_display()})"


class AppetiteSignature(Signature):
    """One signatory's signature of one appetite version."""

    appetite = models.ForeignKey(RiskAppetite, on_delete=models.RESTRICT, related_name="signatures")

    class Meta(Signature.Meta):
        ordering = ("appetite", "signed_at")
        constraints = [models.UniqueConstraint(fields=["appetite", "slot"], name="appetitesignature_slot_unique")]

    def __str__(self) -> str:
        return f"{self.get_slot_display()} signed v{self.appetite_id}"


class AppetiteOpinion(Opinion):
    """A consultee's opinion (the DPO's, when the governance profile consults the DPO) on one draft
    appetite version, shown to its signatories; not a signature."""

    appetite = models.ForeignKey(RiskAppetite, on_delete=models.RESTRICT, related_name="opinions")

    class Meta(Opinion.Meta):
        ordering = ("appetite", "created_at")

    def __str__(self) -> str:
        return f"Opinion on appetite {self.appetite_id}"


class RiskAcceptance(TenantModel):
    """A decision to accept a risk until a date, in force once every required signature is there."""

    # RESTRICT: a risk is archived, never deleted (decision 0015), and its acceptances never vanish with it.
    risk = models.ForeignKey(Risk, on_delete=models.RESTRICT, related_name="acceptances")
    justification = models.TextField()
    compensating_measures = models.TextField(blank=True)
    expires_on = models.DateField()
    status = models.CharField(max_length=10, choices=AcceptanceStatus.choices, default=AcceptanceStatus.PENDING)
    required_signatories = models.JSONField(default=list)
    # What the acceptance is signed for, recorded at request time: the risk's category, residual position
    # and level, and the tolerance verdict. It covers the risk only while the risk stays within that record
    # (`selectors.in_force_q`); a signature is refused once the risk no longer matches it.
    category = models.ForeignKey(RiskCategory, null=True, on_delete=models.PROTECT, related_name="+")
    residual_likelihood = models.PositiveSmallIntegerField(null=True)
    residual_impact = models.PositiveSmallIntegerField(null=True)
    residual_level = models.CharField(max_length=10, choices=Level.choices, blank=True)
    residual_rank = models.PositiveSmallIntegerField(null=True)
    above_tolerance_when_requested = models.BooleanField(default=False)
    created_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=now)
    in_force_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    withdrawal_reason = models.TextField(blank=True)

    objects = TenantManager()

    class Meta(TenantModel.Meta):
        ordering = ("organization", "-created_at")
        indexes = [
            models.Index(fields=["organization", "status", "expires_on"], name="acceptance_status_idx"),
            models.Index(fields=["organization", "risk", "status", "expires_on"], name="acceptance_risk_idx"),
        ]

    def __str__(self) -> str:
        return f"Acceptance of risk {self.risk_id} until {self.expires_on}"


class AcceptanceSignature(Signature):
    """One required signature of a risk acceptance."""

    acceptance = models.ForeignKey(RiskAcceptance, on_delete=models.RESTRICT, related_name="signatures")

    class Meta(Signature.Meta):
        ordering = ("acceptance", "signed_at")
        constraints = [
            models.UniqueConstraint(fields=["acceptance", "slot"], name="acceptancesignature_slot_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.get_slot_display()} signed acceptance {self.acceptance_id}"
