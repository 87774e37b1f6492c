"""Reading a CycloneDX SBOM (JSON) into a system's components.

The document is checked first, so that every problem is named by where it is (`components[3].name`): a JSON
object whose `bomFormat` is "CycloneDX", a `specVersion` this reader knows, `components` a list of objects
each with a non-empty `name` and a known `type` (nested `components` likewise, flattened). It is then read by
cyclonedx-python-lib (`Bom.from_json`), the CycloneDX project's own model, which refuses what the shape
check lets through (a malformed purl, a bad licence entry); its refusal is named on `file`.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError

#: The largest SBOM read (bytes) and the most components kept.
MAX_BYTES = 10 * 1024 * 1024
MAX_COMPONENTS = 20_000
#: The specification versions read (JSON exists from 1.2 on).
SPEC_VERSIONS = ("1.2", "1.3", "1.4", "1.5", "1.6")
#: CycloneDX component types, as of 1.6.
COMPONENT_TYPES = ("application", "framework", "library", "container", "platform", "operating-system", "device",
                   "device-driver", "firmware", "file", "machine-learning-model", "data", "cryptographic-asset")
#: The most errors named at once (a file with thousands of bad components says the first ones).
MAX_ERRORS = 50


@dataclass(frozen=True)
class Component:
    """One component as a system keeps it."""

    name: str
    component_type: str
    version: str = ""
    group: str = ""
    purl: str = ""
    licences: tuple[str, ...] = ()
    supplier: str = ""


@dataclass(frozen=True)
class Sbom:
    spec_version: str
    serial_number: str
    components: tuple[Component, ...]


def _walk(items: Any, path: str, errors: dict[str, str]) -> Iterator[tuple[str, Mapping[str, Any]]]:
    if not isinstance(items, list):
        errors[path] = "Must be a list of components."
        return
    for n, item in enumerate(items):
        here = f"{path}[{n}]"
        if not isinstance(item, dict):
            errors[here] = "Must be an object (a component)."
            continue
        name, kind = item.get("name"), item.get("type")
        if not isinstance(name, str) or not name.strip():
            errors[f"{here}.name"] = "A component needs a name (a non-empty text)."
        elif len(name) > 300:
            errors[f"{here}.name"] = f"At most 300 characters (this one has {len(name)})."
        if kind not in COMPONENT_TYPES:
            errors[f"{here}.type"] = (f"'{kind}' is not a CycloneDX component type; use one of: "
                                      f"{', '.join(COMPONENT_TYPES)}.")
        for key, limit in (("version", 200), ("group", 300), ("purl", 2000)):
            value = item.get(key)
            if value is not None and not isinstance(value, str):
                errors[f"{here}.{key}"] = "Must be a text."
            elif isinstance(value, str) and len(value) > limit:
                errors[f"{here}.{key}"] = f"At most {limit} characters (this one has {len(value)})."
        yield here, item
        if "components" in item:
            yield from _walk(item["components"], f"{here}.components", errors)


def _check(document: Any) -> None:
    """Name every problem of the document's shape (at most `MAX_ERRORS`), or pass."""
    if not isinstance(document, dict):
        raise ValidationError({"file": "A CycloneDX SBOM is a JSON object; this file holds something else."})
    errors: dict[str, str] = {}
    if document.get("bomFormat") != "CycloneDX":
        errors["bomFormat"] = f"Must be \"CycloneDX\" (this file says {document.get('bomFormat')!r})."
    if document.get("specVersion") not in SPEC_VERSIONS:
        errors["specVersion"] = (f"{document.get('specVersion')!r} is not a CycloneDX version this reader knows; "
                                 f"use one of: {', '.join(SPEC_VERSIONS)}.")
    count = sum(1 for _ in _walk(document.get("components", []), "components", errors))
    if count > MAX_COMPONENTS:
        errors["components"] = f"At most {MAX_COMPONENTS:,} components (this SBOM has {count:,})."
    if errors:
        raise ValidationError(dict(list(errors.items())[:MAX_ERRORS]))


def _licences(component: Any) -> tuple[str, ...]:
    out = []
    for entry in component.licenses:
        text = getattr(entry, "id", None) or getattr(entry, "name", None) or getattr(entry, "value", None)
        if text:
            out.append(str(text))
    return tuple(out)


def _flatten(components: Any) -> Iterator[Any]:
    for component in components:
        yield component
        yield from _flatten(component.components)


def read_sbom(content: bytes) -> Sbom:
    """The components of a CycloneDX JSON SBOM (nested ones flattened; the library keeps them sorted and
    drops exact repeats), or a ValidationError naming each problem by its place in the document (`file` for
    one about the whole)."""
    from cyclonedx.model.bom import Bom  # imported when used: the library loads its whole model

    if len(content) > MAX_BYTES:
        raise ValidationError({"file": f"At most {MAX_BYTES // (1024 * 1024)} MB (this file has "
                                       f"{len(content):,} bytes)."})
    try:
        document = json.loads(content.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise ValidationError({"file": "The file is not UTF-8 text; a CycloneDX JSON SBOM is."}) from None
    except json.JSONDecodeError as exc:
        raise ValidationError({"file": f"Not JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}."}
                              ) from None
    _check(document)
    try:
        bom = Bom.from_json(document)  # type: ignore[attr-defined]  # added by py-serializable's decorator
    except Exception as exc:  # the library raises many kinds; each is the file's problem
        raise ValidationError({"file": f"Not a valid CycloneDX SBOM: {exc}"}) from None
    components = tuple(
        Component(name=str(c.name).strip(), component_type=str(c.type.value), version=str(c.version or ""),
                  group=str(c.group or ""), purl=str(c.purl) if c.purl else "", licences=_licences(c),
                  supplier=str(c.supplier.name or "") if c.supplier else "")
        for c in _flatten(bom.components))
    serial = str(bom.serial_number) if document.get("serialNumber") else ""
    return Sbom(spec_version=str(document["specVersion"]), serial_number=serial, components=components)
