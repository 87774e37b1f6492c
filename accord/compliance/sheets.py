"""A framework from a spreadsheet (CSV or XLSX, one row per requirement; docs/frameworks.md lists the
columns), read by the core tables kit (`accord.core.tables`) and built into a document in Accord's format,
which the framework loader then checks as any file. Every refused row is named with its field, from the
rows' own checks (a parent that no earlier row has, a group titled two ways) and from the loader's (a
title too long, a control character), and nothing is written.

The framework's key, name, version and publisher come from the `framework_*` columns (on any row; rows
that give one must agree) or from the caller (the CLI's `--key`, `--name`, `--version`, `--publisher`,
the API's query), which fills what the columns leave blank."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext_lazy

from accord.compliance import frameworkfile
from accord.compliance.models import Requirement
from accord.core import tables
from accord.core.choices import ImportAction
from accord.core.fields import FieldSpec, Kind, ModelSpec

#: What separates the groups of a path (`A > A.5`) and their titles (`Annex A > Organisational controls`).
PATH_SEPARATOR = ">"
_YES = {"yes", "y", "true", "1", "oui", "o", "x"}
_NO = {"no", "n", "false", "0", "non"}
META = ("key", "name", "version", "publisher")


def _group_path(req: Requirement) -> str:
    return req.group.ref


SPEC = ModelSpec(Requirement, fields=(
    FieldSpec("framework_key", Kind.TEXT, compute=lambda r: r.framework.key),
    FieldSpec("framework_name", Kind.TEXT, compute=lambda r: r.framework.name),
    FieldSpec("framework_version", Kind.TEXT, compute=lambda r: r.framework.version),
    FieldSpec("framework_publisher", Kind.TEXT, compute=lambda r: r.framework.publisher),
    FieldSpec("group", Kind.TEXT, compute=_group_path),
    FieldSpec("group_title", Kind.TEXT, compute=lambda r: r.group.title),
    FieldSpec("ref", Kind.TEXT, required=True),
    FieldSpec("parent", Kind.TEXT, compute=lambda r: r.parent.ref if r.parent_id else ""),
    FieldSpec("title", Kind.TEXT, required=True),
    FieldSpec("description", Kind.TEXT),
    FieldSpec("guidance", Kind.TEXT),
    FieldSpec("evidence", Kind.LIST),
    FieldSpec("objectives", Kind.LIST),
    FieldSpec("assessable", Kind.BOOLEAN),
    FieldSpec("oscal_id", Kind.TEXT),
))

TABLE = tables.Table(SPEC, noun=gettext_lazy("requirements"), whole=gettext_lazy("the framework"), sheet="Requirements",
                     max_rows=frameworkfile.MAX_NODES)

#: Which column a loader's path names: a requirement's field, a group's field, a framework's field.
_REQUIREMENT_COLUMN = {"id": "ref", "requirements": "ref"}
_GROUP_COLUMN = {"id": "group", "title": "group_title", "groups": "group", "requirements": "group",
                 "oscal_id": "group", "description": "group_title"}


def looks_like_sheet(filename: str, head: bytes) -> bool:
    """A CSV or XLSX file (by its name, or an XLSX by its zip signature), as opposed to a JSON document."""
    name = filename.lower()
    return name.endswith((".csv", ".xlsx", ".xls")) or head[:4] == b"PK\x03\x04"


def read(fileobj: tables.Readable, filename: str) -> list[tables.Record]:
    """The rows of the sheet (ValidationError on `file` for a file the kit cannot read)."""
    return tables.parse(TABLE, fileobj, filename)


@dataclass
class _Build:
    """One spreadsheet being turned into a framework document, with every row's problems."""

    given: Mapping[str, str]
    errors: dict[int, list[tuple[str, str]]] = field(default_factory=dict)
    meta: dict[str, tuple[str, int]] = field(default_factory=dict)
    groups: dict[tuple[str, ...], dict[str, Any]] = field(default_factory=dict)
    group_rows: dict[tuple[str, ...], int] = field(default_factory=dict)
    titles: dict[tuple[str, ...], tuple[str, int]] = field(default_factory=dict)
    top: list[dict[str, Any]] = field(default_factory=list)
    refs: dict[str, tuple[int, dict[str, Any], tuple[str, ...]]] = field(default_factory=dict)
    node_rows: dict[int, int] = field(default_factory=dict)
    seen: dict[str, int] = field(default_factory=dict)

    def error(self, row: int, column: str, message: str) -> None:
        self.errors.setdefault(row, []).append((column, message))

    def framework_meta(self, row: int, cells: Mapping[str, Any]) -> None:
        for name in META:
            value = str(cells.get(f"framework_{name}", "")).strip()
            if not value:
                continue
            if name in self.meta and self.meta[name][0] != value:
                first, at = self.meta[name]
                self.error(row, f"framework_{name}", f"'{value}' differs from '{first}' on row {at}; every row "
                                                     "that gives it must give the same")
            elif self.given.get(name) and self.given[name] != value:
                self.error(row, f"framework_{name}", f"'{value}' differs from the {name} given with the import "
                                                     f"('{self.given[name]}')")
            else:
                self.meta.setdefault(name, (value, row))

    def group(self, row: int, cells: Mapping[str, Any]) -> tuple[str, ...] | None:
        path = _split(cells.get("group", ""))
        if not path:
            return ()
        if any(not part for part in path):
            self.error(row, "group", f"'{cells['group']}' has an empty step; write the path of group ids as "
                                     "'A > A.5'")
            return None
        titles = _split(cells.get("group_title", ""))
        if titles and len(titles) not in (1, len(path)):
            self.error(row, "group_title", f"{len(titles)} titles for a path of {len(path)} groups; give one title "
                                           "(the last group's) or one per group, separated by '>'")
            titles = ()
        for depth in range(1, len(path) + 1):
            key = path[:depth]
            if len(titles) == len(path):
                title = titles[depth - 1]
            else:
                title = titles[0] if titles and depth == len(path) else ""
            if key not in self.groups:
                node: dict[str, Any] = {"id": key[-1], "title": "", "groups": [], "requirements": []}
                self.groups[key] = node
                self.group_rows[key] = row
                (self.groups[key[:-1]]["groups"] if depth > 1 else self.top).append(node)
            if title:
                if key in self.titles and self.titles[key][0] != title:
                    first, at = self.titles[key]
                    self.error(row, "group_title", f"group '{key[-1]}' is titled '{first}' on row {at}, here "
                                                   f"'{title}'; give one title")
                else:
                    self.titles.setdefault(key, (title, row))
                    self.groups[key]["title"] = title
        return path

    def requirement(self, row: int, cells: Mapping[str, Any]) -> None:
        ref = str(cells.get("ref", "")).strip()
        title = str(cells.get("title", "")).strip()
        if not ref:
            self.error(row, "ref", "required: the requirement's id (e.g. A.5.1)")
        if not title:
            self.error(row, "title", "required")
        path = self.group(row, cells)
        parent_ref = str(cells.get("parent", "")).strip()
        parent = None
        if parent_ref:
            parent = self.refs.get(parent_ref)
            if parent is None and parent_ref in self.seen:
                self.error(row, "parent", f"its parent {parent_ref} (row {self.seen[parent_ref]}) is refused")
            elif parent is None:
                self.error(row, "parent", f"no earlier row has ref '{parent_ref}' (a parent comes before its "
                                          "sub-requirements)")
            elif path and path != parent[2]:
                self.error(row, "group", f"'{' > '.join(path)}' is not the group of its parent {parent_ref} "
                                         f"('{' > '.join(parent[2])}'); leave it blank under a parent")
        elif path == ():
            self.error(row, "group", "required (the path of group ids, such as 'A > A.5') unless the row has a "
                                     "parent")
        assessable = _yes_no(cells.get("assessable", ""))
        if assessable is None:
            self.error(row, "assessable", f"'{cells.get('assessable')}' is not yes or no")
        if ref in self.seen:
            self.error(row, "ref", f"'{ref}' is on row {self.seen[ref]} already; a ref is unique in the framework")
        elif ref:
            self.seen[ref] = row
        if row in self.errors or path is None:
            return
        node: dict[str, Any] = {"id": ref, "title": title, "assessable": assessable}
        for name in ("description", "guidance", "oscal_id"):
            value = str(cells.get(name, "")).strip()
            if value:
                node[name] = value
        evidence = [item.strip() for item in re.split(r"[;\n]", str(cells.get("evidence", ""))) if item.strip()]
        objectives = [item.strip() for item in str(cells.get("objectives", "")).splitlines() if item.strip()]
        if evidence:
            node["evidence"] = evidence
        if objectives:
            node["objectives"] = objectives
        node["requirements"] = []
        if parent is not None:
            parent[1]["requirements"].append(node)
            path = parent[2]
        else:
            self.groups[path]["requirements"].append(node)
        self.refs[ref] = (row, node, path)
        self.node_rows[id(node)] = row

    def untitled(self) -> None:
        for key, node in self.groups.items():
            if not node["title"]:
                self.error(self.group_rows[key], "group_title",
                           f"group '{key[-1]}' has no title: give it in group_title on a row of the group "
                           f"(one title per group of the path, such as 'Annex A > Organisational controls')")


def _split(value: Any) -> tuple[str, ...]:
    text = str(value or "").strip()
    return tuple(part.strip() for part in text.split(PATH_SEPARATOR)) if text else ()


def _yes_no(value: Any) -> bool | None:
    text = str(value or "").strip().lower()
    if not text or text in _YES:
        return True
    return False if text in _NO else None


def _prune(node: dict[str, Any]) -> dict[str, Any]:
    for name in ("groups", "requirements"):
        if name in node:
            node[name] = [_prune(child) for child in node[name]]
            if not node[name]:
                del node[name]
    return node


def build(records: list[tables.Record], given: Mapping[str, str], *, source: str = "") -> dict[str, Any]:
    """The framework document of a sheet's rows; `tables.ImportRejected` naming every refused row and
    field (the rows' own checks, then the framework loader's) when any row is wrong."""
    state = _Build({k: v for k, v in given.items() if v})
    for row, cells in records:
        state.framework_meta(row, cells)
        state.requirement(row, cells)
    state.untitled()
    first_row = records[0][0] if records else 2
    meta = {name: state.given.get(name) or state.meta.get(name, ("", 0))[0] for name in META}
    for name in ("key", "name", "version"):
        if not meta[name]:
            state.error(first_row, f"framework_{name}", f"required: give the framework's {name} in the column "
                                                        f"framework_{name} or with the import (--{name})")
    if state.errors:
        raise _rejected(records, state.errors)
    document = {"accord_framework": frameworkfile.FORMAT_VERSION, **meta, "source": source,
                "description": f"Imported from the spreadsheet {source}." if source else "",
                "groups": [_prune(g) for g in state.top]}
    try:
        frameworkfile.parse(document)
    except frameworkfile.FileInvalid as exc:
        errors: dict[int, list[tuple[str, str]]] = {}
        rows = _paths(document, state, first_row)
        for path, problem in exc.problems:
            row, column = _locate(path, rows, first_row)
            errors.setdefault(row, []).append((column, problem))
        raise _rejected(records, errors) from None
    return document


def _paths(document: dict[str, Any], state: _Build, first_row: int) -> dict[str, tuple[int, bool]]:
    """Each node's path in the document → (its row, whether it is a group)."""
    found: dict[str, tuple[int, bool]] = {}
    group_rows = {id(node): state.group_rows[key] for key, node in state.groups.items()}

    def visit(node: dict[str, Any], path: str, *, is_group: bool) -> None:
        row = group_rows.get(id(node), first_row) if is_group else state.node_rows.get(id(node), first_row)
        found[path] = (row, is_group)
        for n, child in enumerate(node.get("groups", [])):
            visit(child, f"{path}.groups[{n}]", is_group=True)
        for n, child in enumerate(node.get("requirements", [])):
            visit(child, f"{path}.requirements[{n}]", is_group=False)

    for n, group in enumerate(document["groups"]):
        visit(group, f"groups[{n}]", is_group=True)
    return found


def _locate(path: str, nodes: Mapping[str, tuple[int, bool]], first_row: int) -> tuple[int, str]:
    """The row and column a loader's `path` names."""
    node = path
    while node and node not in nodes:
        node = node.rpartition(".")[0]
    if not node:
        name = path.split(".")[0].split("[")[0]
        return first_row, f"framework_{name}" if name in META else name
    row, is_group = nodes[node]
    name = path[len(node) + 1:].split(".")[0].split("[")[0] or "id"
    if is_group:
        return row, _GROUP_COLUMN.get(name, name)
    return row, _REQUIREMENT_COLUMN.get(name, name)


def _rejected(records: list[tables.Record], errors: Mapping[int, list[tuple[str, str]]]) -> tables.ImportRejected:
    rows = tuple(
        tables.ImportRow(row, ImportAction.REFUSED, str(cells.get("ref", "")), errors=tuple(errors[row]))
        if row in errors else tables.ImportRow(row, ImportAction.CREATE, str(cells.get("ref", "")))
        for row, cells in records)
    extra = tuple(tables.ImportRow(row, ImportAction.REFUSED, "", errors=tuple(problems))
                  for row, problems in sorted(errors.items()) if row not in {r for r, _ in records})
    return tables.ImportRejected(tables.ImportReport(rows=rows + extra, dry_run=False))
