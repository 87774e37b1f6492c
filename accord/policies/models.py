"""Policies: the organisation's rules, versioned and co-signed (accord.core.approvals), reviewed on a
cycle, acknowledged by members in attestation campaigns, and departed from only by co-signed exceptions
linked to a risk in the register."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.timezone import now

from accord.core.approvals.models import Signature, VersionedDocument
from accord.core.models import Membership, User
from accord.core.tenancy import TenantManager, TenantModel
from accord.policies.choices import ExceptionStatus, PolicyKind


class Policy(TenantModel):
    """One policy of the organisation: what it is about, who owns it, how often it is reviewed and what it
    answers (requirements of the frameworks, controls). Its text lives in its versions."""

    number = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=24, choices=PolicyKind.choices)
    owner = models.ForeignKey(Membership, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    review_interval_months = models.PositiveSmallIntegerField(default=12)
    next_review_on = models.DateField(null=True, blank=True)
    requirements: models.ManyToManyField[Any, Any] = models.ManyToManyField(
        "compliance.Requirement", through="PolicyRequirement", related_name="+")
    controls: models.ManyToManyField[Any, Any] = models.ManyToManyField(
        "compliance.Control", through="PolicyControl", related_name="+")
    created_at = models.DateTimeField(default=now)
    updated_at = models.DateTimeField(default=now)

    objects = TenantManager()

    class Meta(TenantModel.Meta):
        ordering = ("organization", "number")
        constraints = [
            models.UniqueConstraint(fields=["organization", "number"], name="policy_number_unique"),
            models.CheckConstraint(condition=models.Q(review_interval_months__gte=1, review_interval_months__lte=60),
                                   name="policy_review_interval_range"),
        ]

    def __str__(self) -> str:
        return f"{self.ref} {self.title}"

    @property
    def ref(self) -> str:
        return f"POL-{self.number:03d}"


class PolicyRequirement(TenantModel):
    """A policy answers a requirement (GDPR Art. 24, ISO 27001 A.5.1 …)."""

    policy = models.ForeignKey(Policy, on_delete=models.RESTRICT, related_name="requirement_links")
    requirement = models.ForeignKey("compliance.Requirement", on_delete=models.RESTRICT, related_name="policy_links")

    objects = TenantManager()

    class Meta(TenantModel.Meta):
        ordering = ("policy", "requirement")
        constraints = [models.UniqueConstraint(fields=["policy", "requirement"], name="policy_requirement_unique")]

    def __str__(self) -> str:
        return f"{self.policy_id} → requirement {self.requirement_id}"


class PolicyControl(TenantModel):
    """A control puts a policy into practice."""

    policy = models.ForeignKey(Policy, on_delete=models.RESTRICT, related_name="control_links")
    control = models.ForeignKey("compliance.Control", on_delete=models.RESTRICT, related_name="policy_links")

    objects = TenantManager()

    class Meta(TenantModel.Meta):
        ordering = ("policy", "control")
        constraints = [models.UniqueConstraint(fields=["policy", "control"], name="policy_control_unique")]

    def __str__(self) -> str:
        return f"{self.policy_id} → control {self.control_id}"


class PolicyVersion(VersionedDocument):
    """One version of a policy's text (Markdown). A draft is never edited: a change is a new draft, which
    withdraws the open one with its approvals (decision 0062). In force once every approver its kind names
    has approved this same version; at most one draft and one version in force per policy."""

    policy = models.ForeignKey(Policy, on_delete=models.RESTRICT, related_name="versions")
    body = models.TextField()
    note = models.CharField(max_length=500, blank=True, help_text="What changed in this version")

    class Meta(VersionedDocument.Meta):
        ordering = ("policy", "-version")
        constraints = [
            models.UniqueConstraint(fields=["policy", "version"], name="policyversion_version_unique"),
            models.UniqueConstraint(fields=["policy"], condition=models.Q(status="in_force"),
                                    name="policyversion_one_in_force"),
            models.UniqueConstraint(fields=["policy"], condition=models.Q(status="draft"),
                                    name="policyversion_one_draft"),
        ]

    def __str__(self) -> str:
        return f"policy {self.policy_id} v{self.version}"


class PolicyApproval(Signature):
    """One approver's approval of one policy version, in the slot they fill."""

    version = models.ForeignKey(PolicyVersion, on_delete=models.RESTRICT, related_name="approvals")

    class Meta(Signature.Meta):
        ordering = ("version", "signed_at")
        constraints = [models.UniqueConstraint(fields=["version", "slot"], name="policyapproval_slot_unique")]

    def __str__(self) -> str:
        return f"{self.get_slot_display()} approved policy version {self.version_id}"


class AttestationCampaign(TenantModel):
    """Members are asked to acknowledge a policy's version in force at launch: those holding one of
    `roles` and those named in `user_ids` (as members are now: someone joining later is asked too)."""

    policy = models.ForeignKey(Policy, on_delete=models.RESTRICT, related_name="campaigns")
    version = models.ForeignKey(PolicyVersion, on_delete=models.RESTRICT, related_name="campaigns")
    roles = models.JSONField(default=list, blank=True)
    user_ids = models.JSONField(default=list, blank=True)
    due_on = models.DateField()
    created_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=now)
    last_reminded_at = models.DateTimeField(null=True, blank=True)

    objects = TenantManager()

    class Meta(TenantModel.Meta):
        ordering = ("organization", "-created_at", "-pk")

    def __str__(self) -> str:
        return f"Attestation campaign {self.pk} of policy {self.policy_id}"


class Attestation(TenantModel):
    """A member's acknowledgement of the version a campaign is about."""

    campaign = models.ForeignKey(AttestationCampaign, on_delete=models.RESTRICT, related_name="attestations")
    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    acknowledged_at = models.DateTimeField(default=now)

    objects = TenantManager()

    class Meta(TenantModel.Meta):
        ordering = ("campaign", "acknowledged_at")
        constraints = [models.UniqueConstraint(fields=["campaign", "user"], name="attestation_once")]

    def __str__(self) -> str:
        return f"User {self.user_id} acknowledged campaign {self.campaign_id}"


class PolicyException(TenantModel):
    """A request to depart from a policy until `expires_on`: why, what compensates, and the risk in the
    register it leaves open. Co-signed as a risk acceptance above tolerance (the governance profile), in
    force only once every signature is in."""

    policy = models.ForeignKey(Policy, on_delete=models.RESTRICT, related_name="exceptions")
    risk = models.ForeignKey("risks.Risk", on_delete=models.RESTRICT, related_name="policy_exceptions")
    justification = models.TextField()
    compensating_measures = models.TextField(blank=True)
    expires_on = models.DateField()
    status = models.CharField(max_length=10, choices=ExceptionStatus.choices, default=ExceptionStatus.PENDING)
    required_signatories = models.JSONField(default=list)
    created_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=now)
    in_force_at = models.DateTimeField(null=True, blank=True)
    # Withdrawn before its expiry (the departure ended, or the request is no longer wanted): when, by whom, why.
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    withdrawal_reason = models.TextField(blank=True)

    objects = TenantManager()

    class Meta(TenantModel.Meta):
        ordering = ("organization", "-created_at", "-pk")

    def __str__(self) -> str:
        return f"Exception to policy {self.policy_id}"


class PolicyExceptionSignature(Signature):
    """One required signature of a policy exception."""

    exception = models.ForeignKey(PolicyException, on_delete=models.RESTRICT, related_name="signatures")

    class Meta(Signature.Meta):
        ordering = ("exception", "signed_at")
        constraints = [models.UniqueConstraint(fields=["exception", "slot"], name="policyexceptionsig_slot_unique")]

    def __str__(self) -> str:
        return f"{self.get_slot_display()} signed policy exception {self.exception_id}"
