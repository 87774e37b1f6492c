"""A catalog into the framework tree: statements, guidance, objectives and evidence as text, parameters
rendered into them, enhancements nested; and a framework imported before read back as a catalog."""

from __future__ import annotations

import re
from collections.abc import Mapping

from accord.compliance.oscal.common import (
    FORMAT,
    TOP_GROUP,
    Json,
    OscalError,
    all_controls,
    all_params,
    check_version,
    is_withdrawn,
    label_of,
    props_named,
)

INSERT = re.compile(r"\{\{\s*insert:\s*([\w-]+)\s*,\s*([^\s}]+)\s*\}\}")
OBJECTIVE_PARTS = ("assessment-objective", "objective")
METHOD_PARTS = ("assessment-method", "assessment")
OBJECT_PARTS = ("assessment-objects", "objects")
WITHDRAWN_LINKS = {"incorporated-into": "Incorporated into", "moved-to": "Moved to"}


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
        parts = [str(p.get("value")) for p in props_named(param, "aggregates")]
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


def convert(catalog: Json, *, key: str | None, description: str | None) -> Json:
    """The framework dict of a catalog (the `catalog` object of a document), as docs/frameworks.md describes."""
    errors: list[str] = []
    params: dict[str, Json] = {}
    for param in all_params(catalog):
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
        self.labels = {str(c.get("id")): label_of(c) or str(c.get("id")) for c in all_controls(catalog)}

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
        out: Json = {"id": self.unique(label_of(group) or oscal_id, oscal_id or path, path),
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
        out: Json = {"id": self.unique(label_of(control), oscal_id, path), "oscal_id": oscal_id,
                     "title": str(control.get("title", ""))}
        parts = [p for p in control.get("parts", []) if isinstance(p, dict)]
        by_name: dict[str, list[Json]] = {}
        for part in parts:
            by_name.setdefault(str(part.get("name")), []).append(part)
        statement = "\n".join(line for p in by_name.pop("statement", []) for line in _lines(p, self.render))
        withdrawn = is_withdrawn(control)
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
    head = " ".join(t for t in (label_of(part), render.text(str(part.get("prose", ""))).strip()) if t)
    lines = ["  " * depth + head] if head else []
    for sub in part.get("parts", []):
        lines += _lines(sub, render, depth + 1 if head else depth)
    return lines


def _paragraphs(parts: list[Json], render: Renderer) -> str:
    """Guidance and other prose parts as paragraphs, nested parts after their parent."""
    out: list[str] = []

    def walk(part: Json) -> None:
        prose = render.text(str(part.get("prose", ""))).strip()
        head = label_of(part) or str(part.get("title", "")).strip()
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
    found = [" ".join(t for t in (label_of(part), prose) if t)] if prose else []
    for sub in part.get("parts", []):
        if sub.get("name") in OBJECTIVE_PARTS:
            found += _objectives(sub, render)
    return found


def _examined(part: Json) -> list[str]:
    """What an EXAMINE assessment method lists: the typical evidence, one item per paragraph."""
    if not any(str(p.get("value", "")).upper() == "EXAMINE" for p in props_named(part, "method")):
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


def as_catalog(document: Json) -> Json:
    """An OSCAL catalog document as given, or one built from an Accord framework dict.

    From an Accord framework, a control's id is the requirement's `oscal_id` (else its id), its label
    the requirement's id, its statement, guidance and objectives the texts already rendered, in which
    each rendering of one of the requirement's own parameters that names no value (`[Assignment: ...]`,
    `[Selection...]`) is turned back into `{{ insert: param, ID }}` (`unrender`), so that the parameters
    a profile sets reach the text as they do from the source catalog.
    """
    if "catalog" in document:
        check_version(document["catalog"], "against.catalog")
        return document
    if document.get("accord_framework") != FORMAT:
        raise OscalError(["against: neither an OSCAL catalog nor an Accord framework (accord_framework: 1)"])

    def control(req: Json) -> Json:
        params = []
        for p in req.get("parameters", []):
            param: Json = {"id": p["id"], "label": p.get("label") or p["id"]}
            if p.get("values"):
                param["values"] = list(p["values"])
            if p.get("choices"):
                param["select"] = {"how-many": p.get("how_many") or "one", "choice": list(p["choices"])}
            params.append(param)
        back = Unrender(params)
        for param in params:
            if "select" in param:
                param["select"]["choice"] = [back.texts([c], skip=param["id"])[0] for c in param["select"]["choice"]]
        parts: list[Json] = []
        if req.get("description"):
            parts.append({"name": "statement", "prose": back.texts([req["description"]])[0]})
        if req.get("guidance"):
            parts.append({"name": "guidance", "prose": back.texts([req["guidance"]])[0]})
        if req.get("objectives"):
            parts.append({"name": "assessment-objective", "parts": [
                {"name": "assessment-objective", "prose": text} for text in back.texts(list(req["objectives"]))]})
        if req.get("evidence"):
            parts.append({"name": "assessment-method", "props": [{"name": "method", "value": "EXAMINE"}],
                          "parts": [{"name": "assessment-objects", "prose": "\n\n".join(req["evidence"])}]})
        props = [{"name": "label", "value": req["id"]}]
        if req.get("assessable", True) is False:
            props.append({"name": "status", "value": "withdrawn"})
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


class Unrender:
    """Turns the renderings of a control's own parameters in its texts back into `{{ insert: param, ID }}`.

    Only the bracketed renderings (`[Assignment: ...]`, `[Selection...]`) are turned back: a parameter with
    values renders as plain words that the text may hold for other reasons. The longest rendering goes
    first (a selection can hold another parameter's rendering in a choice). Parameters that render alike
    (two "organization-defined frequency") are given out in their order, one per occurrence, across the
    texts of one call (a statement, or the list of objectives), the last one taking any further occurrence;
    those no earlier call used come first (NIST's statements name a parameter that aggregates others, its
    objectives the aggregated ones, which render alike).
    """

    def __init__(self, params: list[Json]) -> None:
        render = Renderer({p["id"]: p for p in params})
        self.alike: dict[str, list[str]] = {}
        for param in params:
            if param.get("values"):
                continue
            self.alike.setdefault(render.param(param["id"]), []).append(param["id"])
        self.used: set[str] = set()

    def texts(self, texts: list[str], *, skip: str = "") -> list[str]:
        out = list(texts)
        for rendering in sorted(self.alike, key=len, reverse=True):
            ids = [i for i in self.alike[rendering] if i != skip]
            if not ids:
                continue
            ids.sort(key=lambda i: i in self.used)  # stable: the file's order within each half
            seen = 0
            for n, text in enumerate(out):
                pieces = text.split(rendering)
                if len(pieces) == 1:
                    continue
                joined = pieces[0]
                for piece in pieces[1:]:
                    chosen = ids[min(seen, len(ids) - 1)]
                    self.used.add(chosen)
                    joined += "{{ insert: param, " + chosen + " }}" + piece
                    seen += 1
                out[n] = joined
        return out
