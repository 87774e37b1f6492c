"""How the compliance app's object types read in the audit trail (accord.core.history). Registered by
ComplianceConfig.ready()."""

from __future__ import annotations

from accord.compliance import selectors
from accord.core.history import ObjectType, register


def register_compliance_types() -> None:
    register("compliance.framework", ObjectType("Framework", name=selectors.framework_names))
