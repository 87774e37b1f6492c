"""Accord's objects out as OSCAL documents (JSON, model 1.1.2): the controls library as a
component-definition, each control a component whose implemented requirements are the requirements it is
linked to, grouped by framework.

Pure, like the rest of the package: plain dataclasses in (the app's selectors fill them), a dict out. The
UUIDs are derived from the organisation's and the objects' stable names (UUID version 5), so exporting
twice gives the same document but for its timestamp. A requirement imported from OSCAL keeps its catalog
id (`oscal_id`); any other reference becomes an OSCAL token (characters outside letters, digits, `_`, `.`
and `-` turn into `_`), its own reference kept in a property.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from accord.compliance.oscal.common import Json

OSCAL_VERSION = "1.1.2"
#: The namespace of Accord's own properties (a URN: names Accord, points nowhere).
NS = "urn:accord:oscal"
_ROOT = uuid.uuid5(uuid.NAMESPACE_URL, NS)
#: Accord's kind of control as an OSCAL component type.
COMPONENT_TYPES = {"policy": "policy", "process": "process-procedure", "technical": "software",
                   "physical": "physical"}
#: Accord's control status as an OSCAL implementation status.
IMPLEMENTATION_STATUS = {"implemented": "implemented", "in_progress": "partial", "planned": "planned"}
_NOT_TOKEN = re.compile(r"[^A-Za-z0-9_.\-]")


@dataclass(frozen=True)
class LinkedRequirement:
    """A requirement a control serves: its framework (key, name, version, source) and its references."""

    framework_key: str
    framework_name: str
    framework_version: str
    framework_source: str
    ref: str
    oscal_id: str = ""


@dataclass(frozen=True)
class LibraryControl:
    ref: str
    name: str
    description: str
    kind: str
    status: str
    requirements: Sequence[LinkedRequirement] = ()


def stable_uuid(*names: str) -> str:
    """The UUID (version 5) of an object named by `names` under Accord's namespace."""
    return str(uuid.uuid5(_ROOT, "/".join(names)))


def control_id(ref: str, oscal_id: str = "") -> str:
    """The OSCAL control id of a requirement: its catalog id when it came from OSCAL, else its reference
    as a token."""
    if oscal_id:
        return oscal_id
    token = _NOT_TOKEN.sub("_", ref.strip()) or "_"
    return token if re.match(r"[A-Za-z_]", token) else f"_{token}"


def _prop(name: str, value: str) -> Json:
    return {"name": name, "ns": NS, "value": value}


def _metadata(title: str, now: dt.datetime, version: str) -> Json:
    return {"title": title, "last-modified": now.isoformat(timespec="seconds"), "version": version,
            "oscal-version": OSCAL_VERSION}


def component_definition(org_key: str, title: str, controls: Sequence[LibraryControl], *, now: dt.datetime,
                         version: str = "1") -> Json:
    """The controls library of the organisation `org_key` (its stable name) as a component-definition: one
    component per control that is not retired, one control implementation per framework it serves."""
    components = []
    for control in controls:
        if control.status not in IMPLEMENTATION_STATUS:
            continue  # retired: no longer implements anything
        by_framework: dict[tuple[str, str], list[LinkedRequirement]] = {}
        for requirement in control.requirements:
            by_framework.setdefault((requirement.framework_key, requirement.framework_version), []).append(requirement)
        component: Json = {
            "uuid": stable_uuid(org_key, "control", control.ref),
            "type": COMPONENT_TYPES.get(control.kind, "process-procedure"),
            "title": f"{control.ref} {control.name}",
            "description": control.description or control.name,
            "props": [_prop("control-ref", control.ref),
                      _prop("implementation-status", IMPLEMENTATION_STATUS[control.status])],
        }
        implementations = []
        for (key, framework_version), requirements in by_framework.items():
            first = requirements[0]
            implementations.append({
                "uuid": stable_uuid(org_key, "control", control.ref, "framework", key, framework_version),
                "source": first.framework_source or f"{NS}:framework:{key}:{framework_version}",
                "description": f"{control.ref} {control.name} for {first.framework_name} {framework_version}",
                "props": [_prop("framework-key", key)],
                "implemented-requirements": [{
                    "uuid": stable_uuid(org_key, "control", control.ref, "requirement", key, r.ref),
                    "control-id": control_id(r.ref, r.oscal_id),
                    "description": f"{control.name} serves {r.ref}.",
                    "props": [_prop("requirement-ref", r.ref)],
                } for r in requirements],
            })
        if implementations:
            component["control-implementations"] = implementations
        components.append(component)
    document: Json = {"uuid": stable_uuid(org_key, "component-definition"),
                      "metadata": _metadata(title, now, version)}
    if components:
        document["components"] = components
    return {"component-definition": document}
