"""A profile resolved against a catalog into a resolved catalog, as NIST's resolver does (docs/frameworks.md)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping
from fnmatch import fnmatchcase
from typing import Any

from accord.compliance.oscal.common import (
    TOP_GROUP,
    Json,
    MissingControls,
    OscalError,
    all_controls,
    all_params,
    check_version,
    title_of,
)


def resolve_profile(profile_document: Mapping[str, Any], catalog_document: Mapping[str, Any]) -> Json:
    """Resolve an OSCAL profile against a catalog; return the resolved catalog (`{"catalog": ...}`).

    Every import is resolved against the one catalog given (this module reads no files). Selection:
    `include-all`, `include-controls` (`with-ids`, `matching` globs, `with-child-controls`) minus
    `exclude-controls`; an import with neither include is `include-all`. `modify.set-parameters`
    replaces a parameter's label, values and select; `modify.alters` adds and removes parts, params,
    props and links. The result keeps the catalog's groups and order (`merge.as-is`, also the default);
    `merge.flat` puts the selected controls in one group. A selected enhancement whose parent is not
    selected takes the parent's place. Every control and parameter id the profile names that the
    catalog lacks is reported at once (`MissingControls`).
    """
    profile = dict(profile_document).get("profile")
    catalog = dict(catalog_document).get("catalog")
    if not isinstance(profile, dict) or not isinstance(catalog, dict):
        raise OscalError(["resolve_profile: needs an OSCAL profile and an OSCAL catalog document"])
    check_version(profile, "profile")
    if not profile.get("imports"):
        raise OscalError(["profile.imports: missing; a profile imports at least one catalog"])
    index: dict[str, Json] = {str(c.get("id")): c for c in all_controls(catalog)}
    params = {str(p.get("id")): p for p in all_params(catalog)}
    missing: list[str] = []
    selected: set[str] = set()
    for imp in profile.get("imports", []):
        chosen: set[str] = set()
        includes = imp.get("include-controls", [])
        if "include-all" in imp or not includes:
            chosen = set(index)
        for rule in includes:
            chosen |= _select(rule, index, missing)
        for rule in imp.get("exclude-controls", []):
            chosen -= _select(rule, index, missing)
        selected |= chosen
    modify = profile.get("modify", {})
    settings = {str(s.get("param-id")): s for s in modify.get("set-parameters", [])}
    missing_params = [p for p in settings if p not in params]
    alters: dict[str, list[Json]] = {}
    for alter in modify.get("alters", []):
        control_id = str(alter.get("control-id"))
        if control_id not in index:
            _note(missing, control_id)
        alters.setdefault(control_id, []).append(alter)
    if missing or missing_params:
        raise MissingControls(title_of(catalog), missing, missing_params)

    errors: list[str] = []

    def keep(control: Json) -> list[Json]:
        kids = [k for sub in control.get("controls", []) for k in keep(sub)]
        if str(control.get("id")) not in selected:
            return kids
        copy = {**control, "controls": kids}
        if copy.get("params"):
            copy["params"] = [_set_param(p, settings.get(str(p.get("id")))) for p in copy["params"]]
        for alter in alters.get(str(control.get("id")), []):
            copy = _alter(copy, alter, errors)
        return [copy]

    def keep_group(group: Json) -> Json | None:
        controls = [k for c in group.get("controls", []) for k in keep(c)]
        groups = [g for g in (keep_group(sub) for sub in group.get("groups", [])) if g]
        if not controls and not groups:
            return None
        return {**group, "controls": controls, "groups": groups}

    merge = profile.get("merge", {})
    if "flat" in merge:
        flat = [k for c in catalog.get("controls", []) for k in keep(c)]
        flat += [k for g in catalog.get("groups", []) for c in _group_controls(g) for k in keep(c)]
        body: Json = {"groups": [{**TOP_GROUP, "controls": flat}] if flat else []}
    else:
        top = [k for c in catalog.get("controls", []) for k in keep(c)]
        body = {"groups": [g for g in (keep_group(g) for g in catalog.get("groups", [])) if g]}
        if top:
            body["controls"] = top
    if errors:
        raise OscalError(errors)
    metadata = {**profile["metadata"], "props": [*profile["metadata"].get("props", []),
                                                 {"name": "resolved-against", "value": title_of(catalog)}]}
    if not metadata.get("links") and catalog["metadata"].get("links"):
        metadata["links"] = catalog["metadata"]["links"]
    return {"catalog": {"uuid": profile.get("uuid", ""), "metadata": metadata, **body,
                        "back-matter": catalog.get("back-matter", {})}}


def _group_controls(group: Json) -> Iterator[Json]:
    yield from group.get("controls", [])
    for sub in group.get("groups", []):
        yield from _group_controls(sub)


def _note(missing: list[str], control_id: str) -> None:
    if control_id not in missing:
        missing.append(control_id)


def _select(rule: Json, index: Mapping[str, Json], missing: list[str]) -> set[str]:
    """The ids one include/exclude rule names: `with-ids`, `matching` globs, children if asked."""
    found: set[str] = set()
    for control_id in rule.get("with-ids", []):
        if str(control_id) in index:
            found.add(str(control_id))
        else:
            _note(missing, str(control_id))
    for match in rule.get("matching", []):
        pattern = str(match.get("pattern", ""))
        found |= {i for i in index if fnmatchcase(i, pattern)}
    if rule.get("with-child-controls") == "yes":
        for control_id in list(found):
            found |= {str(c.get("id")) for c in all_controls(index[control_id])}
    return found


def _set_param(param: Json, setting: Json | None) -> Json:
    if setting is None:
        return param
    changed = {**param}
    for field in ("label", "values", "select", "guidelines", "constraints"):
        if field in setting:
            changed[field] = setting[field]
    if "values" in setting and "select" not in setting:
        changed.pop("select", None)
    if setting.get("props"):
        changed["props"] = [*param.get("props", []), *setting["props"]]
    return changed


def _alter(control: Json, alter: Json, errors: list[str]) -> Json:
    """Apply one `alter` (its removes, then its adds) to a copy of the control."""
    control = json.loads(json.dumps(control))
    where = f"profile.modify.alters[{alter.get('control-id')}]"
    for remove in alter.get("removes", []):
        _remove(control, remove)
    for add in alter.get("adds", []):
        _add(control, add, errors, where)
    return control


def _matches(item: Json, remove: Json) -> bool:
    checks: list[tuple[str, Callable[[Json], Any]]] = [
        ("by-name", lambda i: i.get("name")), ("by-class", lambda i: i.get("class")),
        ("by-id", lambda i: i.get("id")), ("by-ns", lambda i: i.get("ns"))]
    tests = [(remove[k], get) for k, get in checks if k in remove]
    return bool(tests) and all(get(item) == wanted for wanted, get in tests)


def _remove(node: Json, remove: Json) -> None:
    kind = remove.get("by-item-name")
    for field, item in (("parts", "part"), ("params", "param"), ("props", "prop"), ("links", "link")):
        if field in node and kind in (None, item):
            node[field] = [i for i in node[field] if not _matches(i, remove)]
    for part in node.get("parts", []):
        _remove(part, remove)


def _find_part(node: Json, part_id: str) -> tuple[Json, Json] | None:
    """(parent, part) for the part with this id anywhere under the node."""
    for part in node.get("parts", []):
        if part.get("id") == part_id:
            return node, part
        found = _find_part(part, part_id)
        if found:
            return found
    return None


def _add(control: Json, add: Json, errors: list[str], where: str) -> None:
    position = add.get("position", "ending")
    target: Json = control
    parent: Json | None = None
    if add.get("by-id") and add["by-id"] != control.get("id"):
        found = _find_part(control, str(add["by-id"]))
        if found is None:
            errors.append(f"{where}.adds.by-id: the control has no part '{add['by-id']}'")
            return
        parent, target = found
    if add.get("title"):
        target["title"] = add["title"]
    for field in ("params", "props", "links", "parts"):
        new = list(add.get(field, []))
        if not new:
            continue
        if position in ("before", "after") and parent is not None and field == "parts":
            siblings = parent["parts"]
            at = siblings.index(target) + (1 if position == "after" else 0)
            siblings[at:at] = new
        elif position in ("starting", "before"):
            target[field] = [*new, *target.get(field, [])]
        else:
            target[field] = [*target.get(field, []), *new]
