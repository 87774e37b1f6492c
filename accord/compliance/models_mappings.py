"""Mapping sets: how the requirements of one framework relate to those of another (ISO/IEC 27001:2022 Annex A
to NIST CSF 2.0, built in; any other set imported from a file, docs/frameworks.md). A set is tenant data like
the frameworks it joins (decision 0041): it points at the organisation's own copies of both frameworks, and it
is never edited, only installed or imported whole and deleted whole (decision 0051). Imported at the bottom
of `models.py`."""

from __future__ import annotations

from django.db import models
from django.utils.timezone import now

from accord.compliance.choices_mappings import Relationship
from accord.core.models import User
from accord.core.tenancy import TenantManager, TenantModel


class MappingSet(TenantModel):
    """Pairs of requirements between a source framework and a target framework, named by its key
    (`iso27001-2022--nist-csf-2.0`), unique in the organisation."""

    key = models.CharField(max_length=300)
    name = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    source_framework = models.ForeignKey("compliance.Framework", on_delete=models.RESTRICT, related_name="+")
    target_framework = models.ForeignKey("compliance.Framework", on_delete=models.RESTRICT, related_name="+")
    #: The built-in file it was installed from (its key), or "" for a set a member imported.
    builtin = models.CharField(max_length=300, blank=True)
    imported_at = models.DateTimeField(default=now)
    imported_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    objects = TenantManager()

    class Meta(TenantModel.Meta):
        ordering = ("organization", "key")
        constraints = [
            models.UniqueConstraint(fields=["organization", "key"], name="mapping_set_key_unique"),
            models.CheckConstraint(condition=~models.Q(source_framework=models.F("target_framework")),
                                   name="mapping_set_two_frameworks"),
        ]

    def __str__(self) -> str:
        return self.name


class Mapping(TenantModel):
    """One pair of a set: the source requirement relates to the target requirement as `relationship` says
    (read from the source), `strength` in (0, 1] saying how closely."""

    mapping_set = models.ForeignKey(MappingSet, on_delete=models.RESTRICT, related_name="mappings")
    source = models.ForeignKey("compliance.Requirement", on_delete=models.RESTRICT, related_name="mapped_to")
    target = models.ForeignKey("compliance.Requirement", on_delete=models.RESTRICT, related_name="mapped_from")
    relationship = models.CharField(max_length=15, choices=Relationship.choices)
    strength = models.DecimalField(max_digits=4, decimal_places=3, help_text="How closely they relate, in (0, 1]")

    objects = TenantManager()

    class Meta(TenantModel.Meta):
        ordering = ("mapping_set", "source__position", "-strength", "target__position")
        constraints = [
            models.UniqueConstraint(fields=["mapping_set", "source", "target"], name="mapping_pair_unique"),
            models.CheckConstraint(condition=models.Q(strength__gt=0, strength__lte=1), name="mapping_strength_0_1"),
            models.CheckConstraint(condition=models.Q(relationship__in=Relationship.values),
                                   name="mapping_relationship_known"),
        ]

    def __str__(self) -> str:
        return f"{self.source_id} {self.relationship} {self.target_id}"
