"""A control's links in one cell of a file each (docs/controls.md#files), written by the export and read by the
import: plain values in, plain values out, no database.

* `risks`: `R-001 (frequency 0.4, loss 0.2); R-003 (loss 30%)`: each linked risk by reference, with the control's
  effect on it (the share of its events it prevents, `frequency`, and of the loss per event it removes, `loss`;
  0 to 1 or a percentage; a part left out is 0, and a risk alone has no effect recorded).
* `requirements`: `iso27001-2022:A.8.13; gdpr:32(1)(b)`: each requirement as its framework's key (its newest
  version; `key@version` another one), a colon, and its id in the framework.
"""

from __future__ import annotations

import decimal
import re
from dataclasses import dataclass

from accord.core import inputs
from accord.core.fields import LIST_SEPARATOR

#: A share left out of a cell: no effect, with the four decimals the database keeps (so that it reads unchanged).
ZERO = decimal.Decimal("0.0000")
_RISK = re.compile(r"^(?P<ref>[^\s(]+)\s*(?:\((?P<effect>[^()]*)\))?$")
_PART = re.compile(r"^(?P<name>frequency|loss)\s*[:=]?\s*(?P<value>\S+)$", re.IGNORECASE)


@dataclass(frozen=True)
class RiskCell:
    """One risk of a `risks` cell: its reference as written and the effect's shares (0 when left out)."""

    ref: str
    frequency: decimal.Decimal
    loss: decimal.Decimal


@dataclass(frozen=True)
class RequirementCell:
    """One requirement of a `requirements` cell: the framework (key or key@version) and the requirement's id."""

    framework: str
    requirement: str


def share_text(value: decimal.Decimal) -> str:
    """A share as the shortest decimal that says it (`0.4000` → `0.4`, `1.0000` → `1`)."""
    return format(value.normalize(), "f")


def risks_text(links: list[tuple[str, decimal.Decimal, decimal.Decimal]]) -> str:
    """(risk ref, frequency share, loss share) as a `risks` cell."""
    parts = []
    for ref, frequency, loss in links:
        effect = [f"{name} {share_text(value)}" for name, value in (("frequency", frequency), ("loss", loss)) if value]
        parts.append(f"{ref} ({', '.join(effect)})" if effect else ref)
    return LIST_SEPARATOR.join(parts)


def requirements_text(links: list[tuple[str, str]]) -> str:
    """(framework key or key@version, requirement id) as a `requirements` cell."""
    return LIST_SEPARATOR.join(f"{framework}:{requirement}" for framework, requirement in links)


def _items(text: str) -> list[str]:
    return [item.strip() for item in str(text or "").split(";") if item.strip()]


def parse_risks(text: str) -> tuple[list[RiskCell], list[str]]:
    """A `risks` cell as its risks, and the problems (each naming the item), none when it reads."""
    found: list[RiskCell] = []
    problems: list[str] = []
    for item in _items(text):
        match = _RISK.match(item)
        if match is None:
            problems.append(f"'{item}' is not a risk with its effect, such as R-001 (frequency 0.4, loss 0.2).")
            continue
        shares = {"frequency": ZERO, "loss": ZERO}
        for part in filter(None, (p.strip() for p in (match["effect"] or "").split(","))):
            named = _PART.match(part)
            if named is None:
                problems.append(f"'{part}' (in {item}) is not frequency X or loss X, X a share from 0 to 1 or a "
                                "percentage.")
                continue
            value, problem = inputs.share(named["value"])
            if problem:
                problems.append(f"{named['name'].lower()} of {match['ref']}: {problem}")
                continue
            shares[named["name"].lower()] = ZERO if value is None else value
        found.append(RiskCell(match["ref"], shares["frequency"], shares["loss"]))
    return found, problems


def parse_requirements(text: str) -> tuple[list[RequirementCell], list[str]]:
    """A `requirements` cell as its requirements, and the problems (each naming the item)."""
    found: list[RequirementCell] = []
    problems: list[str] = []
    for item in _items(text):
        framework, colon, requirement = item.partition(":")
        if not colon or not framework.strip() or not requirement.strip():
            problems.append(f"'{item}' is not a framework's key, a colon and a requirement's id, such as "
                            "iso27001-2022:A.8.13.")
            continue
        found.append(RequirementCell(framework.strip(), requirement.strip()))
    return found, problems
