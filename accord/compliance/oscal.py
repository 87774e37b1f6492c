"""OSCAL catalogs and profiles (JSON, models 1.0.x to 1.2.x) into Accord's framework tree.

`to_framework(document, against=None)` takes a parsed OSCAL document and returns the dict of
docs/frameworks.md (`{"accord_framework": 1, "key": ..., "groups": [...]}`); decision 0042 says why it
works this way. A catalog converts on its own. A profile is first resolved against the catalog given
as `against` (an OSCAL catalog, or an Accord framework dict that was imported before) by
`resolve_profile`, which returns a resolved OSCAL catalog, and that catalog is then converted.

Pure: no Django, no files, no network. Every problem is an `OscalError` whose `errors` are
`path: problem` lines; a profile that names controls the catalog lacks raises `MissingControls`
listing every one of them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator, Mapping
from fnmatch import fnmatchcase
from typing import Any

FORMAT = 1
SUPPORTED_VERSIONS = ("1.0", "1.1", "1.2")

Json = dict[str, Any]

INSERT = re.compile(r"\{\{\s*insert:\s*([\w-]+)\s*,\s*([^\s}]+)\s*\}\}")
OBJECTIVE_PARTS = ("assessment-objective", "objective")
METHOD_PARTS = ("assessment-method", "assessment")
OBJECT_PARTS = ("assessment-objects", "objects")
WITHDRAWN_LINKS = {"incorporated-into": "Incorporated into", "moved-to": "Moved to"}
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


# ---------------------------------------------------------------------------------------------------
# Entry point


def to_framework(document: Mapping[str, Any] | str | bytes, against: Mapping[str, Any] | str | bytes | None = None,
                 *, key: str | None = None) -> Json:
    """Convert an OSCAL catalog, or a profile resolved against `against`, into an Accord framework dict.

    `key` names the framework; without it the key is made from the document's title.
    """
    root = _parse(document, "document")
    if "catalog" in root:
        if against is not None:
            raise OscalError(["against: only a profile is resolved against a catalog; this document is a catalog"])
        catalog = root["catalog"]
        _check_version(catalog, "catalog")
        return _convert(catalog, key=key, description=None)
    if "profile" in root:
        if against is None:
            raise OscalError(["against: a profile selects controls from a catalog; give the catalog it imports "
                              "(the CLI's --against KEY)"])
        base = _as_catalog(_parse(against, "against"))
        resolved = resolve_profile(root, base)["catalog"]
        title = _title(root["profile"])
        return _convert(resolved, key=key,
                        description=f"Profile '{title}' resolved against the catalog '{_title(base['catalog'])}'.")
    raise OscalError(["document: neither an OSCAL catalog nor an OSCAL profile (no 'catalog' or 'profile' key)"])


def _parse(document: Mapping[str, Any] | str | bytes, where: str) -> Json:
    if isinstance(document, str | bytes):
        try:
            document = json.loads(document)
        except ValueError as exc:
            raise OscalError([f"{where}: not JSON ({exc})"]) from exc
    if not isinstance(document, Mapping):
        raise OscalError([f"{where}: a JSON object is needed, got {type(document).__name__}"])
    return dict(document)


def _check_version(model: Json, where: str) -> None:
    metadata = model.get("metadata")
    if not isinstance(metadata, dict) or not metadata.get("title"):
        raise OscalError([f"{where}.metadata.title: missing"])
    version = str(metadata.get("oscal-version", ""))
    if ".".join(version.split(".")[:2]) not in SUPPORTED_VERSIONS:
        raise OscalError([f"{where}.metadata.oscal-version: '{version}' is not supported "
                          f"(models {', '.join(v + '.x' for v in SUPPORTED_VERSIONS)} are)"])


def _title(model: Json) -> str:
    return str(model.get("metadata", {}).get("title", ""))


# ---------------------------------------------------------------------------------------------------
# Small readers of OSCAL objects


def _props(obj: Json, name: str) -> list[Json]:
    return [p for p in obj.get("props", []) if p.get("name") == name]


def _label(obj: Json) -> str:
    """The display label: the `label` prop without a class (NIST's `AC-2(1)`), else the first one."""
    labels = _props(obj, "label")
    plain = [p for p in labels if not p.get("class")]
    chosen = (plain or labels)[:1]
    return str(chosen[0]["value"]).strip() if chosen else ""


def _withdrawn(control: Json) -> bool:
    return any(str(p.get("value", "")).lower() == "withdrawn" for p in _props(control, "status"))


def _controls(node: Json) -> Iterator[Json]:
    """Every control under a catalog, group or control, depth first, enhancements included."""
    for control in node.get("controls", []):
        yield control
        yield from _controls(control)
    for group in node.get("groups", []):
        yield from _controls(group)


def _params(node: Json) -> Iterator[Json]:
    yield from node.get("params", [])
    for child in (*node.get("groups", []), *node.get("controls", [])):
        yield from _params(child)


# ---------------------------------------------------------------------------------------------------
# Parameters rendered into prose, as NIST's own renderings write them


class Renderer:
    """Replaces `{{ insert: param, ID }}` in prose by the parameter's value or placeholder.

    A parameter with values renders as its values (comma-separated); a selection as
    `[Selection (one or more): a; b]` (or `[Selection: a; b]` when one is chosen), its choices rendered
    in turn so that a parameter inside a choice shows too; otherwise `[Assignment: organization-defined
    LABEL]` (the label is not prefixed again when it already says "organization-defined"). A parameter
    that only aggregates others (NIST's `aggregates` prop) renders as their values once all are set.
    """

    def __init__(self, params: Mapping[str, Json]) -> None:
        self.params = params

    def text(self, prose: str, stack: tuple[str, ...] = ()) -> str:
        if "{{" not in prose:
            return prose
        return INSERT.sub(lambda m: self.param(m.group(2), stack) if m.group(1) == "param" else m.group(0), prose)

    def param(self, param_id: str, stack: tuple[str, ...] = ()) -> str:
        param = self.params.get(param_id)
        if param is None or param_id in stack:
            return f"[Assignment: {param_id}]"
        values = [str(v) for v in param.get("values", []) if str(v).strip()]
        if values:
            return ", ".join(values)
        parts = [str(p.get("value")) for p in _props(param, "aggregates")]
        if parts and all(self.params.get(p, {}).get("values") for p in parts):
            return ", ".join(self.param(p, (*stack, param_id)) for p in parts)
        select = param.get("select")
        if isinstance(select, dict):
            choices = "; ".join(self.choices(param, (*stack, param_id)))
            many = " (one or more)" if select.get("how-many") == "one-or-more" else ""
            return f"[Selection{many}: {choices}]"
        label = str(param.get("label") or param_id).strip()
        if not label.lower().startswith("organization-defined"):
            label = f"organization-defined {label}"
        return f"[Assignment: {label}]"

    def choices(self, param: Json, stack: tuple[str, ...] = ()) -> list[str]:
        return [self.text(str(c), stack).strip() for c in param.get("select", {}).get("choice", [])]


def _parameter(param: Json, render: Renderer) -> Json:
    out: Json = {"id": param["id"], "label": str(param.get("label") or param["id"])}
    values = [str(v) for v in param.get("values", [])]
    if values:
        out["values"] = values
    select = param.get("select")
    if isinstance(select, dict):
        out["choices"] = render.choices(param, (param["id"],))
        out["how_many"] = select.get("how-many", "one")
    return out


# ---------------------------------------------------------------------------------------------------
# Catalog → framework


def _convert(catalog: Json, *, key: str | None, description: str | None) -> Json:
    errors: list[str] = []
    params: dict[str, Json] = {}
    for param in _params(catalog):
        if isinstance(param, dict) and param.get("id"):
            params[str(param["id"])] = param
    state = _State(Renderer(params), errors, catalog)
    groups = [state.group(g, f"catalog.groups[{n}]") for n, g in enumerate(catalog.get("groups", []))]
    if catalog.get("controls"):
        loose = {**TOP_GROUP, "controls": catalog["controls"]}
        groups.append(state.group(loose, "catalog.controls"))
    if errors:
        raise OscalError(errors)
    metadata = catalog["metadata"]
    title = str(metadata["title"])
    version = str(metadata.get("version", ""))
    oscal_version = str(metadata.get("oscal-version", ""))
    return {
        "accord_framework": FORMAT,
        "key": key or _slug(title),
        "name": title,
        "version": version,
        "publisher": _publisher(metadata),
        "description": description or f"OSCAL catalog '{title}', version {version}.",
        "licence_note": f"Converted by Accord from an OSCAL {oscal_version} document; the texts are the source's own.",
        "source": _source(catalog),
        "groups": groups,
    }


class _State:
    """One conversion: the renderer, the errors found so far and the ids already given out."""

    def __init__(self, render: Renderer, errors: list[str], catalog: Json) -> None:
        self.render = render
        self.errors = errors
        self.ids: set[str] = set()
        self.labels = {str(c.get("id")): _label(c) or str(c.get("id")) for c in _controls(catalog)}

    def unique(self, wanted: str, fallback: str, path: str) -> str:
        for candidate in (wanted, fallback):
            if candidate and candidate not in self.ids:
                self.ids.add(candidate)
                return candidate
        self.errors.append(f"{path}.id: '{fallback}' is used twice")
        return fallback

    def group(self, group: Json, path: str) -> Json:
        oscal_id = str(group.get("id") or "")
        if not group.get("title"):
            self.errors.append(f"{path}.title: missing")
        out: Json = {"id": self.unique(_label(group) or oscal_id, oscal_id or path, path),
                     "oscal_id": oscal_id, "title": str(group.get("title", ""))}
        if not oscal_id:
            del out["oscal_id"]
        overview = _paragraphs(list(group.get("parts", [])), self.render)
        if overview:
            out["description"] = overview
        groups = [self.group(g, f"{path}.groups[{n}]") for n, g in enumerate(group.get("groups", []))]
        if groups:
            out["groups"] = groups
        return self.children(out, group, path)

    def children(self, out: Json, node: Json, path: str) -> Json:
        requirements = [self.control(c, f"{path}.controls[{n}]") for n, c in enumerate(node.get("controls", []))]
        if requirements:
            out["requirements"] = requirements
        return out

    def control(self, control: Json, path: str) -> Json:
        oscal_id = str(control.get("id") or "")
        if not oscal_id:
            self.errors.append(f"{path}.id: missing")
        if not control.get("title"):
            self.errors.append(f"{path}.title: missing")
        out: Json = {"id": self.unique(_label(control), oscal_id, path), "oscal_id": oscal_id,
                     "title": str(control.get("title", ""))}
        parts = [p for p in control.get("parts", []) if isinstance(p, dict)]
        by_name: dict[str, list[Json]] = {}
        for part in parts:
            by_name.setdefault(str(part.get("name")), []).append(part)
        statement = "\n".join(line for p in by_name.pop("statement", []) for line in _lines(p, self.render))
        withdrawn = _withdrawn(control)
        if withdrawn and not statement:
            statement = self.withdrawal(control)
        if statement:
            out["description"] = statement
        guidance = _paragraphs(by_name.pop("guidance", []), self.render)
        objectives = [text for name in OBJECTIVE_PARTS for p in by_name.pop(name, [])
                      for text in _objectives(p, self.render)]
        evidence = [item for name in METHOD_PARTS for p in by_name.pop(name, []) for item in _examined(p)]
        others = _paragraphs([p for rest in by_name.values() for p in rest], self.render)
        guidance = "\n\n".join(t for t in (guidance, others) if t)
        if guidance:
            out["guidance"] = guidance
        if evidence:
            out["evidence"] = evidence
        if objectives:
            out["objectives"] = objectives
        out["assessable"] = not withdrawn
        params = [_parameter(p, self.render) for p in control.get("params", []) if isinstance(p, dict) and p.get("id")]
        if params:
            out["parameters"] = params
        return self.children(out, control, path)

    def withdrawal(self, control: Json) -> str:
        moves = []
        for link in control.get("links", []):
            if link.get("rel") in WITHDRAWN_LINKS:
                target = str(link.get("href", "")).lstrip("#")
                moves.append(f"{WITHDRAWN_LINKS[str(link['rel'])]} {self.labels.get(target, target)}")
        return "Withdrawn." + ("" if not moves else " " + "; ".join(moves) + ".")


def _lines(part: Json, render: Renderer, depth: int = 0) -> list[str]:
    """A statement as text: one line per item, `label prose`, indented two spaces per level."""
    head = " ".join(t for t in (_label(part), render.text(str(part.get("prose", ""))).strip()) if t)
    lines = ["  " * depth + head] if head else []
    for sub in part.get("parts", []):
        lines += _lines(sub, render, depth + 1 if head else depth)
    return lines


def _paragraphs(parts: list[Json], render: Renderer) -> str:
    """Guidance and other prose parts as paragraphs, nested parts after their parent."""
    out: list[str] = []

    def walk(part: Json) -> None:
        prose = render.text(str(part.get("prose", ""))).strip()
        head = _label(part) or str(part.get("title", "")).strip()
        if prose or head:
            out.append(f"{head}: {prose}" if head and prose else head or prose)
        for sub in part.get("parts", []):
            walk(sub)

    for part in parts:
        walk(part)
    return "\n\n".join(out)


def _objectives(part: Json, render: Renderer) -> list[str]:
    """Each assessment objective that says something, `label prose`, depth first."""
    prose = render.text(str(part.get("prose", ""))).strip()
    found = [" ".join(t for t in (_label(part), prose) if t)] if prose else []
    for sub in part.get("parts", []):
        if sub.get("name") in OBJECTIVE_PARTS:
            found += _objectives(sub, render)
    return found


def _examined(part: Json) -> list[str]:
    """What an EXAMINE assessment method lists: the typical evidence, one item per paragraph."""
    if not any(str(p.get("value", "")).upper() == "EXAMINE" for p in _props(part, "method")):
        return []
    items: list[str] = []
    for sub in part.get("parts", []):
        if sub.get("name") in OBJECT_PARTS:
            items += [t.strip() for t in re.split(r"\n\s*\n", str(sub.get("prose", ""))) if t.strip()]
    return items


def _slug(title: str) -> str:
    return re.sub(r"[^a-z0-9.]+", "-", title.lower()).strip("-.")[:80].strip("-.") or "oscal"


def _publisher(metadata: Json) -> str:
    parties = {p.get("uuid"): p for p in metadata.get("parties", [])}
    for role in ("creator", "publisher"):
        for rp in metadata.get("responsible-parties", []):
            if rp.get("role-id") == role:
                names = [parties[u]["name"] for u in rp.get("party-uuids", []) if parties.get(u, {}).get("name")]
                if names:
                    return ", ".join(names)
    named = [p["name"] for p in metadata.get("parties", []) if p.get("name")]
    return named[0] if named else "not stated in the OSCAL document"


def _source(catalog: Json) -> str:
    for link in catalog["metadata"].get("links", []):
        if link.get("rel") in ("canonical", "alternate") and link.get("href"):
            return str(link["href"])
    return f"urn:uuid:{catalog.get('uuid', '')}"


# ---------------------------------------------------------------------------------------------------
# Profile resolution


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
    profile = dict(profile_document)["profile"]
    catalog = dict(catalog_document)["catalog"]
    _check_version(profile, "profile")
    index: dict[str, Json] = {str(c.get("id")): c for c in _controls(catalog)}
    params = {str(p.get("id")): p for p in _params(catalog)}
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
        raise MissingControls(_title(catalog), missing, missing_params)

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
                                                 {"name": "resolved-against", "value": _title(catalog)}]}
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
            found |= {str(c.get("id")) for c in _controls(index[control_id])}
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


# ---------------------------------------------------------------------------------------------------
# An Accord framework read back as a catalog, so a profile can be resolved against an imported one


def _as_catalog(document: Json) -> Json:
    """An OSCAL catalog document as given, or one built from an Accord framework dict.

    From an Accord framework, a control's id is the requirement's `oscal_id` (else its id), its label
    the requirement's id, its statement the already rendered description: parameters a profile sets
    change the requirement's `parameters` but not that text.
    """
    if "catalog" in document:
        _check_version(document["catalog"], "against.catalog")
        return document
    if document.get("accord_framework") != FORMAT:
        raise OscalError(["against: neither an OSCAL catalog nor an Accord framework (accord_framework: 1)"])

    def control(req: Json) -> Json:
        parts: list[Json] = []
        if req.get("description"):
            parts.append({"name": "statement", "prose": req["description"]})
        if req.get("guidance"):
            parts.append({"name": "guidance", "prose": req["guidance"]})
        if req.get("objectives"):
            parts.append({"name": "assessment-objective", "parts": [
                {"name": "assessment-objective", "prose": text} for text in req["objectives"]]})
        if req.get("evidence"):
            parts.append({"name": "assessment-method", "props": [{"name": "method", "value": "EXAMINE"}],
                          "parts": [{"name": "assessment-objects", "prose": "\n\n".join(req["evidence"])}]})
        props = [{"name": "label", "value": req["id"]}]
        if req.get("assessable", True) is False:
            props.append({"name": "status", "value": "withdrawn"})
        params = []
        for p in req.get("parameters", []):
            param: Json = {"id": p["id"], "label": p.get("label", p["id"])}
            if p.get("values"):
                param["values"] = p["values"]
            if "choices" in p:
                param["select"] = {"how-many": p.get("how_many", "one"), "choice": p["choices"]}
            params.append(param)
        return {"id": req.get("oscal_id") or req["id"], "title": req["title"], "props": props, "params": params,
                "parts": parts, "controls": [control(r) for r in req.get("requirements", [])]}

    def group(g: Json) -> Json:
        return {"id": g.get("oscal_id") or g["id"], "title": g["title"], "props": [{"name": "label", "value": g["id"]}],
                "parts": [{"name": "overview", "prose": g["description"]}] if g.get("description") else [],
                "groups": [group(sub) for sub in g.get("groups", [])],
                "controls": [control(r) for r in g.get("requirements", [])]}

    metadata = {"title": document.get("name", document.get("key", "")), "version": document.get("version", ""),
                "oscal-version": "1.1.2", "links": [{"rel": "canonical", "href": document.get("source", "")}]}
    return {"catalog": {"uuid": "", "metadata": metadata, "groups": [group(g) for g in document.get("groups", [])]}}
