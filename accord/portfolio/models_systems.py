"""The systems inventory: a system (what it is, who owns it, how critical, what data it holds, where it runs,
its lifecycle and yearly cost, its TIME classification as the CIO decided it), the systems it depends on,
its software components (from a CycloneDX SBOM) and the register's risks that affect it. Imported at the
bottom of `models.py`.

What breaks when a system is down, and the security input into TIME, are computed, never stored
(`selectors_systems.what_breaks`, `rules.time_suggestion`)."""

from __future__ import annotations

from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils.timezone import now

from accord.core.models import Membership, User
from accord.core.tenancy import TenantManager, TenantModel
from accord.portfolio.choices_systems import Criticality, DataClassification, Hosting, SystemKind, TimeClass
from accord.risks.models import Risk

#: The longest recovery objective a system may state, in hours (a year).
MAX_OBJECTIVE_HOURS = 8760


class System(TenantModel):
    """A system of the organisation, named `S-001` by its number and known by its name (unique in the
    organisation whatever the case: files and the register's affected assets name systems by it). Yearly
    costs are integers in minor units of the organisation's currency; RTO and RPO are hours."""

    number = models.PositiveIntegerField()
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    kind = models.CharField(max_length=15, choices=SystemKind.choices, default=SystemKind.APPLICATION)
    # RESTRICT: a leaving member's systems are handed over by a service, audited (accord.core.handover).
    business_owner = models.ForeignKey(Membership, null=True, blank=True, on_delete=models.RESTRICT, related_name="+")
    it_owner = models.ForeignKey(Membership, null=True, blank=True, on_delete=models.RESTRICT, related_name="+")
    criticality = models.CharField(max_length=10, choices=Criticality.choices, default=Criticality.MEDIUM)
    rto_hours = models.PositiveIntegerField(null=True, blank=True, validators=[MaxValueValidator(MAX_OBJECTIVE_HOURS)],
                                            help_text="Recovery time objective, hours")
    rpo_hours = models.PositiveIntegerField(null=True, blank=True, validators=[MaxValueValidator(MAX_OBJECTIVE_HOURS)],
                                            help_text="Recovery point objective, hours")
    data_classification = models.CharField(max_length=15, choices=DataClassification.choices,
                                           default=DataClassification.INTERNAL)
    personal_data = models.BooleanField(default=False)
    personal_data_categories = models.JSONField(default=list, blank=True)
    hosting = models.CharField(max_length=15, choices=Hosting.choices, default=Hosting.ON_PREMISES)
    cloud_provider = models.CharField(max_length=100, blank=True)
    cloud_region = models.CharField(max_length=100, blank=True)
    saas_vendor = models.CharField(max_length=200, blank=True)
    introduced_on = models.DateField(null=True, blank=True)
    end_of_support_on = models.DateField(null=True, blank=True, help_text="The vendor's end of support")
    licence_cost = models.PositiveBigIntegerField(default=0, help_text="Licences a year, minor units")
    hosting_cost = models.PositiveBigIntegerField(default=0, help_text="Hosting a year, minor units")
    people_cost = models.PositiveBigIntegerField(default=0, help_text="People a year, minor units")
    time_class = models.CharField(max_length=10, choices=TimeClass.choices, blank=True,
                                  help_text="The CIO's TIME decision; empty until decided")
    time_reason = models.TextField(blank=True)
    time_decided_at = models.DateTimeField(null=True, blank=True)
    time_decided_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    dependencies: models.ManyToManyField[System, SystemDependency] = models.ManyToManyField(
        "self", symmetrical=False, blank=True, related_name="dependents", through="SystemDependency",
        through_fields=("system", "depends_on"))
    risks: models.ManyToManyField[Risk, RiskSystem] = models.ManyToManyField(
        Risk, blank=True, related_name="systems", through="RiskSystem")
    created_at = models.DateTimeField(default=now)
    updated_at = models.DateTimeField(default=now)

    objects = TenantManager()

    class Meta(TenantModel.Meta):
        ordering = ("organization", "number")
        constraints = [
            models.UniqueConstraint(fields=["organization", "number"], name="system_number_unique"),
            models.UniqueConstraint(models.F("organization"), Lower("name"), name="system_name_unique"),
            models.CheckConstraint(condition=models.Q(rto_hours__lte=MAX_OBJECTIVE_HOURS)
                                   | models.Q(rto_hours__isnull=True), name="system_rto_range"),
            models.CheckConstraint(condition=models.Q(rpo_hours__lte=MAX_OBJECTIVE_HOURS)
                                   | models.Q(rpo_hours__isnull=True), name="system_rpo_range"),
        ]
        indexes = [
            models.Index(fields=["organization", "kind"], name="system_kind_idx"),
            models.Index(fields=["organization", "end_of_support_on"], name="system_eos_idx"),
            models.Index(fields=["organization", "time_class"], name="system_time_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.ref} {self.name}"

    @property
    def ref(self) -> str:
        return f"S-{self.number:03d}"

    @property
    def dependency_names(self) -> list[str]:
        """The names of the systems it needs, in name order (lists prefetch `dependency_links`)."""
        return sorted((link.depends_on.name for link in self.dependency_links.all()), key=str.casefold)

    @property
    def yearly_cost(self) -> int:
        """Licences, hosting and people a year, minor units."""
        return self.licence_cost + self.hosting_cost + self.people_cost


class SystemDependency(TenantModel):
    """`system` needs `depends_on` to work (both of one organisation; services check it): when `depends_on`
    is down, `system` breaks."""

    system = models.ForeignKey(System, on_delete=models.RESTRICT, related_name="dependency_links")
    depends_on = models.ForeignKey(System, on_delete=models.RESTRICT, related_name="+")

    objects = TenantManager()

    class Meta(TenantModel.Meta):
        ordering = ("system", "depends_on")
        constraints = [
            models.UniqueConstraint(fields=["system", "depends_on"], name="systemdependency_unique"),
            models.CheckConstraint(condition=~models.Q(system=models.F("depends_on")),
                                   name="systemdependency_not_self"),
        ]
        # Led by the organisation, as every tenant read filters: SQLite then finds a page's links by both
        # columns instead of walking the organisation's whole graph (bench/systems.py).
        indexes = [models.Index(fields=["organization", "system"], name="systemdependency_system_idx"),
                   models.Index(fields=["organization", "depends_on"], name="systemdependency_needed_idx")]

    def __str__(self) -> str:
        return f"{self.system_id} needs {self.depends_on_id}"


class RiskSystem(TenantModel):
    """A register risk affects a system (risks are archived, never deleted)."""

    risk = models.ForeignKey(Risk, on_delete=models.RESTRICT, related_name="system_links")
    system = models.ForeignKey(System, on_delete=models.RESTRICT, related_name="risk_links")
    created_at = models.DateTimeField(default=now)

    objects = TenantManager()

    class Meta(TenantModel.Meta):
        ordering = ("system", "risk")
        constraints = [models.UniqueConstraint(fields=["risk", "system"], name="risksystem_unique")]
        indexes = [models.Index(fields=["organization", "system"], name="risksystem_system_idx")]

    def __str__(self) -> str:
        return f"risk {self.risk_id} affects {self.system_id}"


class SystemComponent(TenantModel):
    """A software component of a system, as its last CycloneDX SBOM listed it (an import replaces them)."""

    system = models.ForeignKey(System, on_delete=models.RESTRICT, related_name="components")
    name = models.CharField(max_length=300)
    group = models.CharField(max_length=300, blank=True)
    version = models.CharField(max_length=200, blank=True)
    component_type = models.CharField(max_length=30, help_text="CycloneDX component type: library, framework, …")
    purl = models.CharField(max_length=2000, blank=True, help_text="Package URL")
    licences = models.JSONField(default=list, blank=True)
    supplier = models.CharField(max_length=300, blank=True)
    imported_at = models.DateTimeField(default=now)

    objects = TenantManager()

    class Meta(TenantModel.Meta):
        ordering = ("system", "name", "version", "pk")
        indexes = [models.Index(fields=["organization", "system"], name="systemcomponent_system_idx")]

    def __str__(self) -> str:
        return f"{self.name} {self.version}".strip()

