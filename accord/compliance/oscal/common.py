"""What the catalog and profile code share: the errors, the version check and small readers of OSCAL objects."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

FORMAT = 1
SUPPORTED_VERSIONS = ("1.0", "1.1", "1.2")

Json = dict[str, Any]

TOP_GROUP = {"id": "controls", "title": "Controls"}


class OscalError(ValueError):
    """A document Accord cannot convert; `errors` holds one `path: problem` line per problem."""

    def __init__(self, errors: list[str]) -> None:
        self.errors = errors
        super().__init__("; ".join(errors))


class MissingControls(OscalError):
    """A profile names controls (or parameters) that the catalog it is resolved against lacks."""

    def __init__(self, catalog_title: str, control_ids: list[str], param_ids: list[str]) -> None:
        self.control_ids = control_ids
        self.param_ids = param_ids
        errors = []
        if control_ids:
            errors.append(f"profile: the catalog '{catalog_title}' has no control "
                          f"{', '.join(control_ids)} ({len(control_ids)} ids)")
        if param_ids:
            errors.append(f"profile.modify.set-parameters: the catalog '{catalog_title}' has no parameter "
                          f"{', '.join(param_ids)} ({len(param_ids)} ids)")
        super().__init__(errors)


def check_version(model: Json, where: str) -> None:
    metadata = model.get("metadata")
    if not isinstance(metadata, dict) or not metadata.get("title"):
        raise OscalError([f"{where}.metadata.title: missing"])
    version = str(metadata.get("oscal-version", ""))
    if ".".join(version.split(".")[:2]) not in SUPPORTED_VERSIONS:
        raise OscalError([f"{where}.metadata.oscal-version: '{version}' is not supported "
                          f"(models {', '.join(v + '.x' for v in SUPPORTED_VERSIONS)} are)"])


def title_of(model: Json) -> str:
    return str(model.get("metadata", {}).get("title", ""))


def props_named(obj: Json, name: str) -> list[Json]:
    return [p for p in obj.get("props", []) if p.get("name") == name]


def label_of(obj: Json) -> str:
    """The display label: the `label` prop without a class (NIST's `AC-2(1)`), else the first one."""
    labels = props_named(obj, "label")
    plain = [p for p in labels if not p.get("class")]
    chosen = (plain or labels)[:1]
    return str(chosen[0]["value"]).strip() if chosen else ""


def is_withdrawn(control: Json) -> bool:
    return any(str(p.get("value", "")).lower() == "withdrawn" for p in props_named(control, "status"))


def all_controls(node: Json) -> Iterator[Json]:
    """Every control under a catalog, group or control, depth first, enhancements included."""
    for control in node.get("controls", []):
        yield control
        yield from all_controls(control)
    for group in node.get("groups", []):
        yield from all_controls(group)


def all_params(node: Json) -> Iterator[Json]:
    yield from node.get("params", [])
    for child in (*node.get("groups", []), *node.get("controls", [])):
        yield from all_params(child)
