"""Mapping-set files in Accord's own JSON format (docs/frameworks.md, "Mapping sets"): read and validate.

Pure Python, no Django (import contract "frameworkfile-pure"), like the framework loader whose checks it
shares. `parse(data, lookup)` returns a `MappingFile`, or raises `FileInvalid` listing every problem at once,
each as `path: problem` (`mappings[3].source: no requirement "A.9.9" in iso27001-2022`). The requirement ids
are checked against what `lookup` answers for each framework key: the organisation's frameworks, given by
the service that imports the set.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal
from pathlib import Path
from typing import Any

from accord.compliance import frameworkfile
from accord.compliance.frameworkfile import KEY_PATTERN, MAX_ID, MAX_SHORT, MAX_TEXT, FileInvalid

FORMAT_VERSION = 1
BUILTIN_DIR = frameworkfile.BUILTIN_DIR / "mappings"
RELATIONSHIPS = ("equivalent", "subset", "superset", "intersects")
#: A set's pairs at most (the built-in one has 200; every CSF subcategory to every SP 800-53 control is 120,000).
MAX_PAIRS = 50_000
#: Strengths are kept to this many decimals (a finer one is rounded half to even).
STRENGTH_PLACES = Decimal("0.001")

_TOP = ("accord_mapping", "key", "name", "description", "source_framework", "target_framework", "mappings")
_PAIR = ("source", "target", "relationship", "strength")

#: A framework reference (`key` or `key@version`) → the ids of its requirements, or why it cannot be used.
Lookup = Callable[[str], "Collection[str] | str"]


@dataclass(frozen=True)
class Pair:
    """One pair of a set, read from the source."""

    source: str
    target: str
    relationship: str
    strength: Decimal


@dataclass(frozen=True)
class MappingFile:
    """A valid mapping-set file."""

    key: str
    name: str
    description: str
    source_framework: str
    target_framework: str
    mappings: tuple[Pair, ...]


def looks_like_mapping(data: Any) -> bool:
    """True for a document in this format (it says `accord_mapping`)."""
    return isinstance(data, Mapping) and "accord_mapping" in data


def parse(data: Any, lookup: Lookup | None = None) -> MappingFile:
    """Validate an already parsed document; with `lookup`, every requirement id is checked against the
    framework its side names (without it, only the file's own shape is checked)."""
    return _Checker(lookup).mapping_set(data)


def loads(text: str | bytes, lookup: Lookup | None = None) -> MappingFile:
    """Parse and validate a mapping-set file's text (UTF-8 when bytes; a name twice in one object refused)."""
    return parse(frameworkfile.read_json(text), lookup)


def builtin_keys() -> list[str]:
    """The keys of the built-in mapping sets (the files of `builtin/mappings/`, sorted)."""
    return sorted(path.stem for path in BUILTIN_DIR.glob("*.json"))


def builtin_document(key: str) -> dict[str, Any]:
    """The parsed document of the built-in set `key`; `KeyError` when there is none of that name."""
    if key not in builtin_keys():
        raise KeyError(key)
    document: dict[str, Any] = json.loads((BUILTIN_DIR / f"{key}.json").read_bytes())
    return document


def builtin_frameworks(key: str) -> tuple[str, str]:
    """The (source, target) framework keys the built-in set `key` joins."""
    document = builtin_document(key)
    return str(document["source_framework"]), str(document["target_framework"])


def load(path: str | Path, lookup: Lookup | None = None) -> MappingFile:
    """Read and validate a mapping-set file (OSError when it cannot be read)."""
    return loads(Path(path).read_bytes(), lookup)


class _Checker(frameworkfile._Checker):
    def __init__(self, lookup: Lookup | None) -> None:
        super().__init__()
        self.lookup = lookup

    def known(self, obj: Any, allowed: tuple[str, ...], path: str) -> bool:
        if not isinstance(obj, Mapping):
            self.error(path, f"expected an object, got {_kind(obj)}")
            return False
        noun = "mapping set" if allowed is _TOP else "pair"
        for name in obj:
            if name not in allowed:
                self.error(f"{path}.{name}" if path else str(name),
                           f"unknown field; a {noun} has: {', '.join(allowed)}")
        return True

    def framework_ref(self, data: Mapping[str, Any], name: str) -> tuple[str, Collection[str] | None]:
        ref = self.text(data, name, "", limit=MAX_SHORT, required=True)
        if not ref:
            return "", None
        key, _, _version = ref.partition("@")
        if not KEY_PATTERN.match(key):
            self.error(name, f'"{ref}" is not a framework key (or key@version), e.g. "iso27001-2022"')
            return ref, None
        if self.lookup is None:
            return ref, None
        ids = self.lookup(ref)
        if isinstance(ids, str):
            self.error(name, ids)
            return ref, None
        return ref, ids

    def mapping_set(self, data: Any) -> MappingFile:
        if not self.known(data, _TOP, ""):
            raise FileInvalid(self.errors)
        fmt = data.get("accord_mapping")
        if fmt is None:
            self.error("accord_mapping", f"required: the format's version, {FORMAT_VERSION}")
        elif fmt != FORMAT_VERSION or isinstance(fmt, bool):
            self.error("accord_mapping", f"format version {json.dumps(fmt)} is not known; this Accord reads "
                                         f"{FORMAT_VERSION}")
        key = self.text(data, "key", "", limit=MAX_SHORT, required=True)
        if key and not KEY_PATTERN.match(key):
            self.error("key", f'"{key}" is not a key: use lowercase letters, digits, "-" and "." (starting with '
                              'a letter or digit), e.g. "iso27001-2022--nist-csf-2.0"')
        name = self.text(data, "name", "", limit=MAX_SHORT, required=True)
        description = self.text(data, "description", "", limit=MAX_TEXT)
        source_ref, sources = self.framework_ref(data, "source_framework")
        target_ref, targets = self.framework_ref(data, "target_framework")
        if source_ref and source_ref == target_ref:
            self.error("target_framework", f'"{target_ref}" is the source framework too; a set joins two frameworks')
        if "mappings" not in data:
            self.error("mappings", "required: the list of pairs, each {source, target, relationship, strength}")
        items = self.items(data, "mappings", "")
        if len(items) > MAX_PAIRS:
            self.error("mappings", f"{len(items):,} pairs, at most {MAX_PAIRS:,}; split the set")
            items = items[:MAX_PAIRS]
        seen: dict[tuple[str, str], str] = {}
        pairs = []
        for path, item in items:
            pair = self.pair(item, path, (source_ref, sources), (target_ref, targets))
            if pair is None:
                continue
            first = seen.setdefault((pair.source, pair.target), path)
            if first != path:
                self.error(path, f'the pair "{pair.source}" → "{pair.target}" appears twice (first at {first})')
            pairs.append(pair)
        if "mappings" in data and not items and isinstance(data.get("mappings"), list):
            self.error("mappings", "the set has no pair")
        if self.errors:
            raise FileInvalid(self.errors)
        return MappingFile(key, name, description, source_ref, target_ref, tuple(pairs))

    def pair(self, obj: Any, path: str, source: tuple[str, Collection[str] | None],
             target: tuple[str, Collection[str] | None]) -> Pair | None:
        if not self.known(obj, _PAIR, path):
            return None
        ends = []
        for name, (ref, ids) in (("source", source), ("target", target)):
            ident = self.text(obj, name, path, limit=MAX_ID, required=True)
            if ident and ids is not None and ident not in ids:
                self.error(f"{path}.{name}", f'no requirement "{ident}" in {ref}')
            ends.append(ident)
        relationship = obj.get("relationship")
        if relationship not in RELATIONSHIPS:
            shown = json.dumps(relationship) if isinstance(relationship, str) else _kind(relationship)
            self.error(f"{path}.relationship", f"{'required' if relationship is None else shown + ' is not known'}"
                                               f"; one of: {', '.join(RELATIONSHIPS)}")
        strength = self.strength(obj.get("strength"), f"{path}.strength")
        if strength is None or relationship not in RELATIONSHIPS or not all(ends):
            return None
        return Pair(ends[0], ends[1], str(relationship), strength)

    def strength(self, value: Any, where: str) -> Decimal | None:
        if value is None:
            self.error(where, "required: a number in (0, 1], e.g. 0.8")
            return None
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
            self.error(where, f"expected a number in (0, 1], got {_kind(value)}")
            return None
        number = Decimal(str(value)).quantize(STRENGTH_PLACES, rounding=ROUND_HALF_EVEN)
        if not Decimal(0) < number <= Decimal(1):
            self.error(where, f"{value} is not in (0, 1]: above 0 (at least {STRENGTH_PLACES}), at most 1")
            return None
        return number


def _kind(value: Any) -> str:
    return frameworkfile._kind(value)
