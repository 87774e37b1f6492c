"""Framework files in Accord's own JSON format (docs/frameworks.md, decision 0040): read, validate, walk.

Pure Python, no Django (import contract "frameworkfile-pure"), so the built-in files, the OSCAL converter's
output and a file given to the CLI or the API are checked by the same code, alone in a test or a script.
`loads`/`load`/`parse` return a `FrameworkFile` of frozen dataclasses, or raise `FileInvalid` listing every
problem of the file at once, each as `path: problem` (`groups[2].requirements[0].id: duplicate id "A.5.1"`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

FORMAT_VERSION = 1
BUILTIN_DIR = Path(__file__).resolve().parent / "builtin"
KEY_PATTERN = re.compile(r"^[a-z0-9][a-z0-9.-]*$")
#: Bounds that keep one file's import reasonable (NIST SP 800-53 HIGH is about 1,200 nodes).
MAX_BYTES = 20 * 1024 * 1024
MAX_NODES = 20_000
MAX_DEPTH = 12
MAX_ID = 100
MAX_TITLE = 500
MAX_TEXT = 20_000
MAX_SHORT = 300  # key, name, version, publisher, source, a parameter's label and values
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

_TOP = ("accord_framework", "key", "name", "version", "publisher", "description", "licence_note", "source",
        "groups")
_GROUP = ("id", "title", "description", "groups", "requirements", "oscal_id")
_REQUIREMENT = ("id", "title", "description", "guidance", "evidence", "assessable", "parameters", "requirements",
                "oscal_id", "objectives")
_PARAMETER = ("id", "label", "values", "choices", "how_many")
HOW_MANY = ("one", "one-or-more")


class FileInvalid(ValueError):
    """A framework file that cannot be used; `errors` holds every problem as `path: problem`."""

    def __init__(self, errors: list[str]) -> None:
        self.errors = list(errors)
        super().__init__("; ".join(self.errors))

    @property
    def problems(self) -> list[tuple[str, str]]:
        """Every error as (path, problem)."""
        return [(path, problem) for path, _, problem in (error.partition(": ") for error in self.errors)]


@dataclass(frozen=True)
class Parameter:
    """A value an organisation or a profile sets in a requirement's text."""

    id: str
    label: str = ""
    values: tuple[str, ...] = ()
    choices: tuple[str, ...] = ()
    how_many: str = ""  # with choices: "one" or "one-or-more"

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id, "label": self.label, "values": list(self.values),
                               "choices": list(self.choices)}
        if self.how_many:
            out["how_many"] = self.how_many
        return out


@dataclass(frozen=True)
class Requirement:
    """One requirement (a clause, a control, an enhancement), possibly split into sub-requirements."""

    id: str
    title: str
    description: str = ""
    guidance: str = ""
    evidence: tuple[str, ...] = ()
    assessable: bool = True
    parameters: tuple[Parameter, ...] = ()
    requirements: tuple[Requirement, ...] = ()
    oscal_id: str = ""  # imported from OSCAL: its OSCAL id (ac-2.1) beside the display id (AC-2(1))
    objectives: tuple[str, ...] = ()  # what an assessor checks


@dataclass(frozen=True)
class Group:
    """A heading of the framework (a theme, a function, a chapter) holding groups and requirements."""

    id: str
    title: str
    description: str = ""
    groups: tuple[Group, ...] = ()
    requirements: tuple[Requirement, ...] = ()
    oscal_id: str = ""


@dataclass(frozen=True)
class FrameworkFile:
    """A validated framework: its metadata and its tree of groups."""

    key: str
    name: str
    version: str
    publisher: str = ""
    description: str = ""
    licence_note: str = ""
    source: str = ""
    groups: tuple[Group, ...] = ()


@dataclass(frozen=True)
class Node:
    """One step of `walk`: a group or a requirement, its parent (None at the top), its depth (0 at the top)
    and the path of the file it was read from (`groups[1].requirements[0]`)."""

    item: Group | Requirement
    parent: Group | Requirement | None
    depth: int
    path: str

    @property
    def is_group(self) -> bool:
        return isinstance(self.item, Group)


@dataclass(frozen=True)
class Counts:
    groups: int
    requirements: int
    assessable: int


def walk(framework: FrameworkFile) -> Iterator[Node]:
    """Every group and requirement, depth first in file order (a node's sub-groups, then its requirements)."""

    def visit(item: Group | Requirement, parent: Group | Requirement | None, depth: int, path: str) -> Iterator[Node]:
        yield Node(item, parent, depth, path)
        if isinstance(item, Group):
            for n, group in enumerate(item.groups):
                yield from visit(group, item, depth + 1, f"{path}.groups[{n}]")
        for n, requirement in enumerate(item.requirements):
            yield from visit(requirement, item, depth + 1, f"{path}.requirements[{n}]")

    for n, group in enumerate(framework.groups):
        yield from visit(group, None, 0, f"groups[{n}]")


def count(framework: FrameworkFile) -> Counts:
    """How many groups, requirements and assessable requirements the framework has (nested ones included)."""
    groups = requirements = assessable = 0
    for node in walk(framework):
        if isinstance(node.item, Group):
            groups += 1
        else:
            requirements += 1
            assessable += node.item.assessable
    return Counts(groups, requirements, assessable)


def looks_like_framework(data: Any) -> bool:
    """True for a document in this format (it says `accord_framework`), as opposed to a mapping set or OSCAL."""
    return isinstance(data, Mapping) and "accord_framework" in data


def loads(text: str | bytes) -> FrameworkFile:
    """Parse and validate a framework file's text (UTF-8 when bytes)."""
    return parse(read_json(text))


def read_json(text: str | bytes) -> Any:
    """A JSON document's value (UTF-8 when bytes, a name twice in one object refused), before it is checked
    as a framework: the CLI looks at it first to tell an OSCAL document from one in this format."""
    if len(text) > MAX_BYTES:
        raise FileInvalid([f"(file): {len(text):,} bytes, more than the {MAX_BYTES:,} a framework file may have"])
    duplicates: list[str] = []

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        seen: dict[str, Any] = {}
        for name, value in items:
            if name in seen:
                duplicates.append(name)
            seen[name] = value
        return seen

    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise FileInvalid([f"(file): not UTF-8 text ({exc.reason} at byte {exc.start})"]) from None
    try:
        data = json.loads(text, object_pairs_hook=pairs)
    except json.JSONDecodeError as exc:
        raise FileInvalid([f"(file): not JSON: {exc.msg} at line {exc.lineno} column {exc.colno}"]) from None
    except RecursionError:
        raise FileInvalid([f"(file): nested deeper than a framework file may be ({MAX_DEPTH} levels)"]) from None
    if duplicates:
        names = ", ".join(sorted({f'"{name}"' for name in duplicates}))
        raise FileInvalid([f"(file): a name appears twice in one object: {names}"])
    return data


def load(path: str | Path) -> FrameworkFile:
    """Read and validate a framework file (OSError when it cannot be read)."""
    return loads(Path(path).read_bytes())


def parse(data: Any) -> FrameworkFile:
    """Validate an already parsed document (an API body, the OSCAL converter's output)."""
    return _Checker().framework(data)


def builtin_keys() -> list[str]:
    """The keys of the built-in frameworks present (the files of `builtin/` in this format, sorted)."""
    keys = []
    for path in sorted(BUILTIN_DIR.glob("*.json")):
        try:
            head = json.loads(path.read_bytes())
        except ValueError:
            keys.append(path.stem)  # a broken built-in file is reported when it is loaded, not hidden
            continue
        if looks_like_framework(head):
            keys.append(path.stem)
    return keys


def load_builtin(key: str) -> FrameworkFile:
    """The built-in framework `key`; `KeyError` when there is none of that name."""
    if key not in builtin_keys():
        raise KeyError(key)
    return load(BUILTIN_DIR / f"{key}.json")


class _Checker:
    """Collects every problem of one document; fields keep their defaults where a value is wrong."""

    def __init__(self) -> None:
        self.errors: list[str] = []
        self.nodes = 0
        self.requirement_ids: dict[str, str] = {}
        self.group_ids: dict[str, str] = {}

    def error(self, path: str, problem: str) -> None:
        self.errors.append(f"{path or '(top level)'}: {problem}")

    # --- values ---
    def text(self, obj: Mapping[str, Any], name: str, path: str, *, limit: int, required: bool = False) -> str:
        where = f"{path}.{name}" if path else name
        value = obj.get(name)
        if value is None:
            if required:
                self.error(where, "required")
            return ""
        if not isinstance(value, str):
            self.error(where, f"expected a text, got {_kind(value)}")
            return ""
        value = value.strip()
        if required and not value:
            self.error(where, "required (it is blank)")
        elif len(value) > limit:
            self.error(where, f"{len(value):,} characters, at most {limit:,}")
        elif _CONTROL.search(value):
            self.error(where, "holds a control character (such as NUL); remove it")
        return value

    def texts(self, obj: Mapping[str, Any], name: str, path: str, *, limit: int) -> tuple[str, ...]:
        where = f"{path}.{name}"
        value = obj.get(name)
        if value is None:
            return ()
        if not isinstance(value, list):
            self.error(where, f"expected a list of texts, got {_kind(value)}")
            return ()
        out = []
        for n, item in enumerate(value):
            if not isinstance(item, str) or not item.strip():
                self.error(f"{where}[{n}]", "expected a non-blank text" if isinstance(item, str)
                           else f"expected a text, got {_kind(item)}")
            elif len(item) > limit:
                self.error(f"{where}[{n}]", f"{len(item):,} characters, at most {limit:,}")
            elif _CONTROL.search(item):
                self.error(f"{where}[{n}]", "holds a control character (such as NUL); remove it")
            else:
                out.append(item.strip())
        return tuple(out)

    def items(self, obj: Mapping[str, Any], name: str, path: str) -> list[tuple[str, Any]]:
        where = f"{path}.{name}" if path else name
        value = obj.get(name)
        if value is None:
            return []
        if not isinstance(value, list):
            self.error(where, f"expected a list, got {_kind(value)}")
            return []
        return [(f"{where}[{n}]", item) for n, item in enumerate(value)]

    def known(self, obj: Any, allowed: tuple[str, ...], path: str) -> bool:
        if not isinstance(obj, Mapping):
            self.error(path, f"expected an object, got {_kind(obj)}")
            return False
        for name in obj:
            if name not in allowed:
                self.error(f"{path}.{name}" if path else str(name),
                           f"unknown field; a {_what(allowed)} has: {', '.join(allowed)}")
        return True

    def identifier(self, obj: Mapping[str, Any], path: str, seen: dict[str, str], noun: str) -> str:
        ident = self.text(obj, "id", path, limit=MAX_ID, required=True)
        if ident:
            if ident in seen:
                self.error(f"{path}.id", f'duplicate {noun} id "{ident}" (first at {seen[ident]})')
            else:
                seen[ident] = path
        return ident

    def counted(self, path: str, depth: int) -> bool:
        self.nodes += 1
        if self.nodes == MAX_NODES + 1:
            self.error(path, f"more than {MAX_NODES:,} groups and requirements; split the framework")
        if depth > MAX_DEPTH:
            self.error(path, f"nested {depth} levels deep, at most {MAX_DEPTH}")
            return False
        return self.nodes <= MAX_NODES

    # --- the tree ---
    def framework(self, data: Any) -> FrameworkFile:
        if not self.known(data, _TOP, ""):
            raise FileInvalid(self.errors)
        fmt = data.get("accord_framework")
        if fmt is None:
            self.error("accord_framework", f"required: the format's version, {FORMAT_VERSION}")
        elif fmt != FORMAT_VERSION or isinstance(fmt, bool):
            self.error("accord_framework", f"format version {json.dumps(fmt)} is not known; this Accord reads "
                                           f"{FORMAT_VERSION}")
        key = self.text(data, "key", "", limit=MAX_SHORT, required=True)
        if key and not KEY_PATTERN.match(key):
            self.error("key", f'"{key}" is not a key: use lowercase letters, digits, "-" and "." '
                              '(starting with a letter or digit), e.g. "iso27001-2022"')
        meta = {name: self.text(data, name, "", limit=MAX_SHORT, required=name in ("name", "version"))
                for name in ("name", "version", "publisher", "source")}
        description = self.text(data, "description", "", limit=MAX_TEXT)
        licence = self.text(data, "licence_note", "", limit=MAX_TEXT)
        groups = tuple(g for path, item in self.items(data, "groups", "") if (g := self.group(item, path, 0)))
        if "groups" not in data:
            self.error("groups", "required: a framework is a list of groups holding its requirements")
        elif not self.requirement_ids and not self.errors:
            self.error("groups", "the framework has no requirement")
        if self.errors:
            raise FileInvalid(self.errors)
        return FrameworkFile(key=key, description=description, licence_note=licence, groups=groups, **meta)

    def group(self, obj: Any, path: str, depth: int) -> Group | None:
        if not self.counted(path, depth) or not self.known(obj, _GROUP, path):
            return None
        ident = self.identifier(obj, path, self.group_ids, "group")
        title = self.text(obj, "title", path, limit=MAX_TITLE, required=True)
        description = self.text(obj, "description", path, limit=MAX_TEXT)
        groups = tuple(g for p, item in self.items(obj, "groups", path) if (g := self.group(item, p, depth + 1)))
        requirements = tuple(r for p, item in self.items(obj, "requirements", path)
                             if (r := self.requirement(item, p, depth + 1)))
        return Group(ident, title, description, groups, requirements,
                     self.text(obj, "oscal_id", path, limit=MAX_ID))

    def requirement(self, obj: Any, path: str, depth: int) -> Requirement | None:
        if not self.counted(path, depth) or not self.known(obj, _REQUIREMENT, path):
            return None
        ident = self.identifier(obj, path, self.requirement_ids, "requirement")
        title = self.text(obj, "title", path, limit=MAX_TITLE, required=True)
        description = self.text(obj, "description", path, limit=MAX_TEXT)
        guidance = self.text(obj, "guidance", path, limit=MAX_TEXT)
        evidence = self.texts(obj, "evidence", path, limit=MAX_TITLE)
        assessable = obj.get("assessable", True)
        if not isinstance(assessable, bool):
            self.error(f"{path}.assessable", f"expected true or false, got {_kind(assessable)}")
            assessable = True
        seen: dict[str, str] = {}
        parameters = tuple(p for where, item in self.items(obj, "parameters", path)
                           if (p := self.parameter(item, where, seen)))
        requirements = tuple(r for p, item in self.items(obj, "requirements", path)
                             if (r := self.requirement(item, p, depth + 1)))
        return Requirement(ident, title, description, guidance, evidence, assessable, parameters, requirements,
                           self.text(obj, "oscal_id", path, limit=MAX_ID),
                           self.texts(obj, "objectives", path, limit=MAX_TEXT))

    def parameter(self, obj: Any, path: str, seen: dict[str, str]) -> Parameter | None:
        if not self.known(obj, _PARAMETER, path):
            return None
        ident = self.identifier(obj, path, seen, "parameter")
        how_many = self.text(obj, "how_many", path, limit=MAX_SHORT)
        if how_many and how_many not in HOW_MANY:
            self.error(f"{path}.how_many", f'"{how_many}" is not one of: {", ".join(HOW_MANY)}')
        return Parameter(ident, self.text(obj, "label", path, limit=MAX_SHORT),
                         self.texts(obj, "values", path, limit=MAX_TEXT),
                         self.texts(obj, "choices", path, limit=MAX_TEXT), how_many)


def _kind(value: Any) -> str:
    """How a JSON value reads in an error: `a number (12)`, `a list`, `null`."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return f"{'true' if value else 'false'}"
    if isinstance(value, int | float):
        return f"a number ({value})"
    if isinstance(value, str):
        return "a text"
    if isinstance(value, list):
        return "a list"
    return "an object"


def _what(allowed: tuple[str, ...]) -> str:
    return {_TOP: "framework", _GROUP: "group", _REQUIREMENT: "requirement", _PARAMETER: "parameter"}[allowed]
