"""The European Commission's adequacy decisions (Art. 45 GDPR) and the EEA, read from
`accord/privacy/data/adequacy.json` (written for Accord; docs/privacy-ropa.md, "Transfers").

Pure Python, no Django (import contract "privacy-rules-pure"): the transfer rules and the tests read it alone.
`load()` returns an `AdequacyList`, or raises `FileInvalid` listing every problem of the file at once, each as
`path: problem`. A decision dated only to a month or a year counts from the last day of that period, so the
list never says a decision was in force before it was.
"""

from __future__ import annotations

import calendar
import datetime
import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

FORMAT_VERSION = 1
DEFAULT_FILE = Path(__file__).resolve().parent / "data" / "adequacy.json"
KINDS = ("country", "territory", "international_organisation")
SCOPES = ("whole", "limited")
_COUNTRY = re.compile(r"^[A-Z]{2}$")  # ISO 3166-1 alpha-2
_ORGANISATION = re.compile(r"^[A-Z][A-Z0-9]{2,15}$")
_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
_DECISION_KEYS = ("code", "name", "kind", "decision", "decided_on", "scope", "notes")


class FileInvalid(ValueError):
    """An adequacy file that cannot be used; `errors` holds every problem as `path: problem`."""

    def __init__(self, errors: list[str]) -> None:
        self.errors = list(errors)
        super().__init__("; ".join(self.errors))


@dataclass(frozen=True)
class Decision:
    """One adequacy decision: who it covers (`code`: ISO 3166-1 alpha-2, or a key for an international
    organisation), the act, its date as written (`decided_on`: YYYY-MM-DD, YYYY-MM or YYYY) and its scope."""

    code: str
    name: str
    kind: str
    decision: str
    decided_on: str
    scope: str
    notes: str

    @property
    def in_force_from(self) -> datetime.date:
        """The first day the list counts the decision in force: its date, or the last day of its month or
        year when only those are known."""
        return _latest_day(self.decided_on)

    @property
    def limited(self) -> bool:
        """Whether the decision covers only some recipients (the notes say which)."""
        return self.scope == "limited"


@dataclass(frozen=True)
class AdequacyList:
    """The decisions by code, and the EEA's members (no transfer within the EEA is a Chapter V transfer)."""

    decisions: tuple[Decision, ...]
    eea: frozenset[str]

    def find(self, code: str) -> Decision | None:
        """The decision covering `code` (case-insensitive), or None."""
        wanted = code.strip().upper()
        return next((d for d in self.decisions if d.code == wanted), None)

    def is_eea(self, code: str) -> bool:
        """Whether `code` is a member of the EEA (the 27 EU member states, Iceland, Liechtenstein, Norway)."""
        return code.strip().upper() in self.eea

    def covers(self, code: str, on: datetime.date) -> bool:
        """Whether a decision for `code` was in force on `on` (a decision with a limited scope covers only the
        recipients it names: the caller confirms that)."""
        decision = self.find(code)
        return decision is not None and decision.in_force_from <= on


def _latest_day(text: str) -> datetime.date:
    match = _DATE.match(text)
    if match is None:
        raise ValueError(f"not a date: {text!r}")
    year, month, day = match.groups()
    if day:
        return datetime.date(int(year), int(month), int(day))
    if month:
        return datetime.date(int(year), int(month), calendar.monthrange(int(year), int(month))[1])
    return datetime.date(int(year), 12, 31)


def _check_decision(path: str, item: Any, errors: list[str]) -> Decision | None:
    if not isinstance(item, dict):
        errors.append(f"{path}: expected an object")
        return None
    for key in sorted(set(item) - set(_DECISION_KEYS)):
        errors.append(f"{path}.{key}: unknown key")
    values: dict[str, str] = {}
    for key in _DECISION_KEYS:
        value = item.get(key)
        if not isinstance(value, str) or (key != "notes" and not value.strip()):
            errors.append(f"{path}.{key}: expected a text" + ("" if key == "notes" else ", not empty"))
            return None
        values[key] = value
    before = len(errors)
    if values["kind"] not in KINDS:
        errors.append(f"{path}.kind: {values['kind']!r} is not one of {', '.join(KINDS)}")
    elif (_ORGANISATION if values["kind"] == "international_organisation" else _COUNTRY).match(values["code"]) is None:
        errors.append(f"{path}.code: {values['code']!r} is not a code for a {values['kind']}")
    if values["scope"] not in SCOPES:
        errors.append(f"{path}.scope: {values['scope']!r} is not one of {', '.join(SCOPES)}")
    try:
        _latest_day(values["decided_on"])
    except ValueError:
        errors.append(f"{path}.decided_on: {values['decided_on']!r} is not YYYY-MM-DD, YYYY-MM or YYYY")
    return Decision(**values) if len(errors) == before else None


def parse(data: Any) -> AdequacyList:
    """Check a decoded adequacy file and return its list; `FileInvalid` names every problem."""
    if not isinstance(data, dict):
        raise FileInvalid(["$: expected an object"])
    errors: list[str] = []
    if data.get("accord_adequacy") != FORMAT_VERSION:
        errors.append(f"accord_adequacy: expected {FORMAT_VERSION}")
    eea = data.get("eea")
    if not isinstance(eea, list) or not all(isinstance(c, str) and _COUNTRY.match(c) for c in eea):
        errors.append("eea: expected a list of ISO 3166-1 alpha-2 codes")
        eea = []
    items = data.get("decisions")
    if not isinstance(items, list):
        raise FileInvalid([*errors, "decisions: expected a list"])
    decisions: list[Decision] = []
    seen: set[str] = set()
    for index, item in enumerate(items):
        decision = _check_decision(f"decisions[{index}]", item, errors)
        if decision is None:
            continue
        if decision.code in seen:
            errors.append(f"decisions[{index}].code: duplicate code {decision.code!r}")
        elif decision.code in eea:
            errors.append(f"decisions[{index}].code: {decision.code!r} is in the EEA")
        seen.add(decision.code)
        decisions.append(decision)
    if errors:
        raise FileInvalid(errors)
    return AdequacyList(decisions=tuple(decisions), eea=frozenset(eea))


def load(path: Path = DEFAULT_FILE) -> AdequacyList:
    """Read and check an adequacy file (by default the one shipped with Accord)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise FileInvalid([f"$: not JSON ({error.msg}, line {error.lineno})"]) from error
    return parse(data)


@cache
def shipped() -> AdequacyList:
    """The list shipped with Accord, read once per process."""
    return load()
