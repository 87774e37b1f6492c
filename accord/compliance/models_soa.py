"""The Statement of Applicability (ISO/IEC 27001:2022, clause 6.1.3 d): for each Annex A control of the
organisation's ISO 27001 framework, whether it applies, why (the reasons for including it, or why it is left
out) and, computed rather than stored, how far it is implemented (`rules.soa_status` over the controls linked
to the requirement, decision 0057). A requirement without a row reads as applicable, not yet justified.
Imported at the bottom of `models.py`."""

from __future__ import annotations

from django.db import models
from django.utils.timezone import now

from accord.core.models import User
from accord.core.tenancy import TenantManager, TenantModel


class SoaEntry(TenantModel):
    """The organisation's statement on one Annex A control (`requirement`): applicable or not, the reasons for
    including it (`SoaReason` values) and the justification (free text; required when not applicable)."""

    requirement = models.ForeignKey("compliance.Requirement", on_delete=models.RESTRICT, related_name="soa_entries")
    applicable = models.BooleanField(default=True)
    reasons = models.JSONField(default=list, blank=True, help_text="SoaReason values: why it is included")
    justification = models.TextField(blank=True)
    updated_at = models.DateTimeField(default=now)
    updated_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    objects = TenantManager()

    class Meta(TenantModel.Meta):
        ordering = ("organization", "requirement__position")
        constraints = [
            models.UniqueConstraint(fields=["organization", "requirement"], name="soa_entry_unique"),
            models.CheckConstraint(condition=models.Q(applicable=True) | ~models.Q(justification=""),
                                   name="soa_entry_exclusion_justified"),
        ]

    def __str__(self) -> str:
        return f"SoA: requirement {self.requirement_id} {'applicable' if self.applicable else 'not applicable'}"
