"""How the compliance app's object types read in the audit trail (accord.core.history). Registered by
ComplianceConfig.ready()."""

from __future__ import annotations

from accord.compliance import selectors, selectors_mappings
from accord.compliance.choices import ControlKind, ControlStatus
from accord.compliance.models_controls import Control
from accord.core.history import ObjectType, Ref, names_by_id, register
from accord.core.models import Organization


def control_names(org: Organization, ids: set[str]) -> dict[str, str]:
    """Refs and names of some controls, by id as text (one query even for no ids)."""
    return names_by_id(Control.objects.for_org(org).only("number", "name"), ids, str)


def register_compliance_types() -> None:
    register("compliance.framework", ObjectType("Framework", name=selectors.framework_names))
    register("compliance.mappingset", ObjectType("Mapping set", name=selectors_mappings.mapping_set_names, labels={
        "source_framework": "Source framework", "target_framework": "Target framework", "pairs": "Pairs"}))
    register("compliance.control", ObjectType("Control", name=control_names, fields={
        "owner": Ref("core.membership"), "kind": ControlKind, "status": ControlStatus},
        labels={"build_cost": "Build cost (minor units)", "run_cost": "Yearly run cost (minor units)",
                "build_days": "Build people-days", "run_days": "People-days a year"}))
    register("compliance.controlrisk", ObjectType("Control's effect on a risk", labels={
        "frequency_reduction": "Events it prevents", "loss_reduction": "Loss per event it removes"}))
    register("compliance.controlrequirement", ObjectType("Control's requirement"))
