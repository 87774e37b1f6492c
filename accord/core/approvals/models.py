"""Abstract models of the approvals kit: signatures, versioned documents and consultees' opinions.

Abstract, so each app's concrete models own their tables (and their migrations); the constraints are
named after the concrete class (`%(class)s_...`).
"""

from __future__ import annotations

from django.db import models
from django.utils.timezone import now

from accord.core.choices import DocumentStatus, Signatory
from accord.core.models import User
from accord.core.tenancy import TenantManager, TenantModel


class Signature(TenantModel):
    """A member's signature in one slot the governance profile (or ownership) asks for.

    A concrete signature adds the foreign key to what it signs and a unique constraint on (that key,
    slot); the kit's `rules.pick_slot` keeps the signers of one object distinct people."""

    slot = models.CharField(max_length=10, choices=Signatory.choices)
    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    signed_at = models.DateTimeField(default=now)

    objects = TenantManager()

    class Meta(TenantModel.Meta):
        abstract = True


class VersionedDocument(TenantModel):
    """One version of a document an organisation signs jointly (a risk appetite, later a policy, an
    exception, a security gate, a DPIA or a budget decision).

    Drafted, then in force once every required signatory has signed it; the version it replaces becomes
    superseded, and a newer draft withdraws an unsigned one. At most one draft and one version in force
    per organisation (database constraints); a model with many documents per organisation (policies,
    each versioned) scopes the same constraints to its document instead and passes `within` to the
    kit's services. `required_signatories` records the slots the version was
    put in force with; while it is a draft, the app's rules say who must sign (services and selectors
    both ask them)."""

    version = models.PositiveIntegerField()
    status = models.CharField(max_length=12, choices=DocumentStatus.choices, default=DocumentStatus.DRAFT)
    required_signatories = models.JSONField(default=list)
    created_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=now)
    in_force_at = models.DateTimeField(null=True, blank=True)

    objects = TenantManager()

    class Meta(TenantModel.Meta):
        abstract = True
        ordering = ("organization", "-version")
        constraints = [
            models.UniqueConstraint(fields=["organization", "version"], name="%(class)s_version_unique"),
            models.UniqueConstraint(fields=["organization"], condition=models.Q(status="in_force"),
                                    name="%(class)s_one_in_force"),
            models.UniqueConstraint(fields=["organization"], condition=models.Q(status="draft"),
                                    name="%(class)s_one_draft"),
        ]

    @property
    def is_draft(self) -> bool:
        return self.status == DocumentStatus.DRAFT


class Opinion(TenantModel):
    """A consultee's opinion on what is being signed (the DPO on a risk appetite draft): recorded,
    audited and shown to the signatories; it is not a signature and blocks nothing.

    A concrete opinion adds the foreign key to what it is about."""

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    text = models.TextField()
    created_at = models.DateTimeField(default=now)

    objects = TenantManager()

    class Meta(TenantModel.Meta):
        abstract = True
