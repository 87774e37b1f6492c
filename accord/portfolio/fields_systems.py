"""The system's fields, each declared once: the API's schemas, the service's input, the audited fields and
the columns of exports and imports come from `SYSTEM` (accord/core/fields.py says how).

A file names a system by its `name` (the key: unique in the organisation, case ignored), so an export
imports into another organisation as it is; `ref` (S-001) and the computed columns are read-only.
Dependencies are the names of the systems it needs, joined with "; " in a file.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from accord.core.fields import FieldSpec, Kind, ModelSpec
from accord.portfolio.choices_systems import Criticality, DataClassification, Hosting, SystemKind, TimeClass
from accord.portfolio.models_systems import System


def _dependency_names(system: Any) -> list[str]:
    return list(system.dependency_names)


def _read_only(name: str, kind: Kind, *, help: str = "") -> FieldSpec:
    return FieldSpec(name, kind, help=help, input=False, column=False, audited=False)


SYSTEM = ModelSpec(System, key="name", fields=(
    _read_only("id", Kind.INTEGER),
    FieldSpec("ref", Kind.TEXT, label=_("Ref"), input=False, audited=False, help="S-001, S-002, … in the order "
              "systems were added"),
    FieldSpec("name", Kind.TEXT, label=_("Name"), required=True, section="overview",
              help="Unique in the organisation, case ignored; files and risks name the system by it",
              input_help="Unique in the organisation (case ignored); no semicolon"),
    FieldSpec("description", Kind.TEXT, label=_("Description"), section="overview"),
    FieldSpec("kind", Kind.CHOICE, label=_("Kind"), choices=SystemKind, section="overview"),
    FieldSpec("business_owner", Kind.MEMBER, label=_("Business owner"), section="overview",
              help="The business owner's e-mail address", input_help="A member's e-mail address, or null"),
    FieldSpec("it_owner", Kind.MEMBER, label=_("IT owner"), section="overview",
              help="The IT owner's e-mail address", input_help="A member's e-mail address, or null"),
    FieldSpec("criticality", Kind.CHOICE, label=_("Criticality"), choices=Criticality, section="continuity"),
    FieldSpec("rto_hours", Kind.INTEGER, label=_("RTO (hours)"), section="continuity",
              help="Recovery time objective, hours (0 to 8760)"),
    FieldSpec("rpo_hours", Kind.INTEGER, label=_("RPO (hours)"), section="continuity",
              help="Recovery point objective, hours (0 to 8760)"),
    FieldSpec("data_classification", Kind.CHOICE, label=_("Data classification"), choices=DataClassification,
              section="data"),
    FieldSpec("personal_data", Kind.BOOLEAN, label=_("Holds personal data"), section="data"),
    FieldSpec("personal_data_categories", Kind.LIST, label=_("Personal data categories"), section="data",
              hint=_("Separate categories with semicolons (;): customers; employees; health…"),
              input_help="Only when personal_data is true"),
    FieldSpec("hosting", Kind.CHOICE, label=_("Hosting"), choices=Hosting, section="hosting"),
    FieldSpec("cloud_provider", Kind.TEXT, label=_("Cloud provider"), section="hosting",
              input_help="Required for cloud hosting, refused for the others"),
    FieldSpec("cloud_region", Kind.TEXT, label=_("Cloud region"), section="hosting",
              input_help="Cloud hosting only"),
    FieldSpec("saas_vendor", Kind.TEXT, label=_("SaaS vendor"), section="hosting",
              input_help="Required for SaaS hosting, refused for the others"),
    FieldSpec("introduced_on", Kind.DATE, label=_("Introduced on"), section="lifecycle"),
    FieldSpec("end_of_support_on", Kind.DATE, label=_("Vendor end of support"), section="lifecycle"),
    FieldSpec("licence_cost", Kind.INTEGER, label=_("Licences a year"), section="cost",
              help="Licences a year, minor units of the organisation's currency"),
    FieldSpec("hosting_cost", Kind.INTEGER, label=_("Hosting a year"), section="cost",
              help="Hosting a year, minor units"),
    FieldSpec("people_cost", Kind.INTEGER, label=_("People a year"), section="cost",
              help="People a year, minor units"),
    # The links are audited by the service as lists of names (not a model column).
    FieldSpec("dependencies", Kind.LIST, label=_("Depends on"), section="dependencies", audited=False,
              compute=_dependency_names, help="The names of the systems it needs to work",
              input_help="Names (or references, S-001) of systems of the organisation it needs; replaces the list",
              hint=_("Names of the systems it needs, separated with semicolons (;).")),
    FieldSpec("yearly_cost", Kind.INTEGER, label=_("Yearly cost"), input=False, audited=False,
              help="Licences, hosting and people a year, minor units"),
    FieldSpec("time_class", Kind.CHOICE, label=_("TIME"), choices=TimeClass, input=False,
              compute=lambda system: system.time_class or None,
              help="The CIO's TIME decision (null until decided; POST systems/{id}/time)"),
    _read_only("time_reason", Kind.TEXT, help="Why the CIO decided so"),
    _read_only("time_decided_at", Kind.DATETIME),
    _read_only("created_at", Kind.DATETIME),
    _read_only("updated_at", Kind.DATETIME),
))

#: The model fields the audit trail records of a system (besides its dependencies, as lists of names).
AUDITED = SYSTEM.audited
