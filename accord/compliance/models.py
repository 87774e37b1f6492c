"""Frameworks an organisation assesses itself against: a framework (one version of ISO/IEC 27001, NIST CSF,
an organisation's own control set), its groups and its requirements, copied into the organisation when it is
imported (decision 0041) and never edited afterwards: a new version is a new framework.

Groups and requirements carry the tree twice: as parent links, and as `position` (the node's place in the
file, depth first, groups and requirements counted together) with `end` (a group's last descendant's
position), so a whole subtree is one range filter and a whole tree reads in file order with one query."""

from __future__ import annotations

from django.db import models
from django.utils.timezone import now

from accord.core.models import User
from accord.core.tenancy import TenantManager, TenantModel


class Framework(TenantModel):
    """One version of a framework, imported into one organisation (from a file, the API or a built-in)."""

    key = models.CharField(max_length=300)
    name = models.CharField(max_length=300)
    version = models.CharField(max_length=300)
    publisher = models.CharField(max_length=300, blank=True)
    description = models.TextField(blank=True)
    licence_note = models.TextField(blank=True)
    source = models.CharField(max_length=300, blank=True)
    #: The built-in file it was installed from (its key), or "" for a framework a member imported.
    builtin = models.CharField(max_length=300, blank=True)
    imported_at = models.DateTimeField(default=now)
    imported_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    objects = TenantManager()

    class Meta(TenantModel.Meta):
        ordering = ("organization", "key", "-imported_at")
        constraints = [models.UniqueConstraint(fields=["organization", "key", "version"],
                                               name="framework_key_version_unique")]

    def __str__(self) -> str:
        return f"{self.name} ({self.version})"

    @property
    def ref(self) -> str:
        """How paths name it: `key@version` (`key` alone names the newest version imported)."""
        return f"{self.key}@{self.version}"


class Group(TenantModel):
    """A heading of a framework (a theme, a function, a chapter); groups nest."""

    framework = models.ForeignKey(Framework, on_delete=models.RESTRICT, related_name="groups")
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.RESTRICT, related_name="children")
    ref = models.CharField(max_length=100)
    oscal_id = models.CharField(max_length=100, blank=True)
    title = models.CharField(max_length=500)
    description = models.TextField(blank=True)
    depth = models.PositiveSmallIntegerField(default=0)
    position = models.PositiveIntegerField()
    end = models.PositiveIntegerField(help_text="The position of its last descendant (itself when it has none)")

    objects = TenantManager()

    class Meta(TenantModel.Meta):
        ordering = ("framework", "position")
        constraints = [models.UniqueConstraint(fields=["framework", "ref"], name="group_ref_unique")]

    def __str__(self) -> str:
        return f"{self.ref} {self.title}"


class Requirement(TenantModel):
    """One requirement (a clause, a control, a subcategory, an enhancement) under a group, possibly under a
    parent requirement; `ref` is the framework's own stable id (`A.8.24`, `PR.AA-01`)."""

    framework = models.ForeignKey(Framework, on_delete=models.RESTRICT, related_name="requirements")
    group = models.ForeignKey(Group, on_delete=models.RESTRICT, related_name="requirements")
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.RESTRICT, related_name="children")
    ref = models.CharField(max_length=100)
    oscal_id = models.CharField(max_length=100, blank=True)
    title = models.CharField(max_length=500)
    description = models.TextField(blank=True)
    guidance = models.TextField(blank=True)
    evidence = models.JSONField(default=list, blank=True)
    objectives = models.JSONField(default=list, blank=True)
    assessable = models.BooleanField(default=True)
    parameters = models.JSONField(default=list, blank=True)
    depth = models.PositiveSmallIntegerField(default=0)
    position = models.PositiveIntegerField()

    objects = TenantManager()

    class Meta(TenantModel.Meta):
        ordering = ("framework", "position")
        constraints = [models.UniqueConstraint(fields=["framework", "ref"], name="requirement_ref_unique")]
        indexes = [models.Index(fields=["framework", "position"], name="requirement_position")]

    def __str__(self) -> str:
        return f"{self.ref} {self.title}"


from accord.compliance.models_assessments import (  # noqa: E402, F401
    Assessment,
    AssessmentAuditor,
    AssessmentResult,
    Evidence,
    EvidenceVersion,
    Finding,
    Remediation,
    ResultControl,
)
from accord.compliance.models_controls import Control, ControlRequirement, ControlRisk  # noqa: E402, F401
from accord.compliance.models_mappings import Mapping, MappingSet  # noqa: E402, F401
from accord.compliance.models_soa import SoaEntry  # noqa: E402, F401
