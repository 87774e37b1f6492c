"""Round files: JSON-shaped data in, a validated `Round` out, every problem named by its field path.

`parse_round(data)` raises `RoundError` whose text is one line, `<path>: <problem>`, for example
`candidates[3].requires[0]: unknown candidate 'soc'` or `scenario.risks[2].magnitude.pert: low 50000 > mode
20000` (the scenario part is checked by `accord.quant.scenario`, its paths prefixed with `scenario.`). The
accepted shape is documented in docs/budget.md.

Money: costs, the envelope and the caps are whole minor units; benefits and the scenario's losses are in
the same unit (a benefit may be fractional, a 90% range's mean rarely is whole).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from accord.quant.distributions import LognormalCI90
from accord.quant.model import MAX_AMOUNT, Control, Scenario
from accord.quant.scenario import ScenarioError, json_type, parse_scenario

Mode = Literal["value", "appetite"]
Kind = Literal["initiative", "control"]
MODES: tuple[Mode, ...] = ("value", "appetite")
KINDS: tuple[Kind, ...] = ("initiative", "control")
#: Most candidates of one round (a MILP of a few thousand binaries stays within seconds).
MAX_CANDIDATES = 5000

_TOP = ("name", "currency", "mode", "envelope", "caps", "security_share", "scenario", "candidates")
_CANDIDATE = ("id", "name", "kind", "cost", "benefit", "control", "mandatory", "reason", "excluded", "requires",
              "excludes")


class RoundError(ScenarioError):
    """Invalid round input; `str()` is one line: `<path>: <problem>`."""


@dataclass(frozen=True)
class Cost:
    """What a candidate costs in the round's period, in whole minor units: one-off (capex) and running (opex)."""

    capex: int = 0
    opex: int = 0

    @property
    def total(self) -> int:
        return self.capex + self.opex


@dataclass(frozen=True)
class Candidate:
    """One thing the round may fund: an initiative (a benefit) or a control (effects on the scenario's risks).

    `benefit` is the mean of the stated 90% range (docs/budget.md, "Benefits"); a control's is 0, its
    value is the risk it reduces, which depends on the other controls chosen."""

    id: str
    kind: Kind
    cost: Cost
    benefit: float = 0.0
    benefit_range: tuple[float, float] | None = None
    control: Control | None = None
    mandatory: bool = False
    reason: str = ""
    excluded: bool = False
    requires: tuple[str, ...] = ()
    excludes: tuple[str, ...] = ()
    name: str = ""


@dataclass(frozen=True)
class Share:
    """The organisation's policy on security spend: its share of the total spend chosen, within [low, high]."""

    low: float = 0.0
    high: float = 1.0


@dataclass(frozen=True)
class Round:
    """A budget round: the envelope, the mode, the risks (a quant scenario) and the candidates."""

    envelope: Cost
    scenario: Scenario
    candidates: tuple[Candidate, ...]
    mode: Mode = "value"
    caps: Mapping[str, int] | None = None
    security_share: Share | None = None
    name: str = ""
    currency: str | None = None

    @property
    def index(self) -> dict[str, int]:
        return {c.id: i for i, c in enumerate(self.candidates)}

    def with_envelope(self, envelope: Cost) -> Round:
        """The same round with another envelope (a point of the frontier, a variant)."""
        return Round(envelope=envelope, scenario=self.scenario, candidates=self.candidates, mode=self.mode,
                     caps=self.caps, security_share=self.security_share, name=self.name, currency=self.currency)


def benefit_mean(low: float, high: float) -> float:
    """The mean of a benefit stated as a 90% range [low, high] (docs/budget.md, "Benefits").

    0 < low < high: the lognormal with those 5th and 95th percentiles, exp(mu + sigma^2/2). low == high:
    that value. Otherwise (a range reaching zero or below): the normal with those percentiles, (low + high)/2."""
    if low == high:
        return low
    if low > 0:
        return LognormalCI90(low, high).mean
    return (low + high) / 2.0


def _at(path: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else key


def _fields(value: object, path: str, allowed: Sequence[str]) -> Mapping[str, object]:
    if not isinstance(value, Mapping):
        raise RoundError(path, f"expected an object, got {json_type(value)}")
    unknown = [str(key) for key in value if key not in allowed]
    if unknown:
        raise RoundError(_at(path, unknown[0]), f"unknown field (allowed: {', '.join(allowed)})")
    return value


def _list(value: object, path: str) -> Sequence[object]:
    if not isinstance(value, list | tuple):
        raise RoundError(path, f"expected an array, got {json_type(value)}")
    return value


def _real(value: object, path: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise RoundError(path, f"expected a number, got {json_type(value)}")
    try:
        number = float(value)
    except OverflowError:
        raise RoundError(path, "expected a finite number, got a number beyond range") from None
    if not math.isfinite(number):
        raise RoundError(path, f"expected a finite number, got {value!r}")
    if abs(number) > MAX_AMOUNT:
        raise RoundError(path, f"{number:g} is beyond the limit of 1e15 (minor units)")
    return number


def _money(value: object, path: str) -> int:
    number = _real(value, path)
    if not number.is_integer():
        raise RoundError(path, f"expected whole minor units, got {number:g}")
    if number < 0:
        raise RoundError(path, f"must be >= 0, got {number:g}")
    return int(number)


def _text(value: object, path: str, limit: int = 200) -> str:
    if not isinstance(value, str):
        raise RoundError(path, f"expected a string, got {json_type(value)}")
    if not value.strip():
        raise RoundError(path, "must not be empty")
    if len(value) > limit:
        raise RoundError(path, f"longer than {limit} characters")
    return value


def _flag(value: object, path: str) -> bool:
    if not isinstance(value, bool):
        raise RoundError(path, f"expected true or false, got {json_type(value)}")
    return value


def _cost(value: object, path: str, *, both: bool) -> Cost:
    data = _fields(value, path, ("capex", "opex"))
    if both:
        for key in ("capex", "opex"):
            if key not in data:
                raise RoundError(_at(path, key), "missing (the envelope gives capex and opex)")
    elif not data:
        raise RoundError(path, "give capex and/or opex (whole minor units)")
    return Cost(capex=_money(data.get("capex", 0), _at(path, "capex")),
                opex=_money(data.get("opex", 0), _at(path, "opex")))


def _benefit(value: object, path: str) -> tuple[float, tuple[float, float]]:
    if isinstance(value, int | float) and not isinstance(value, bool):
        number = _real(value, path)
        return number, (number, number)
    items = _list(value, path)
    if len(items) != 2:
        raise RoundError(path, f"expected a number or a 90% range [low, high], got {len(items)} values")
    low, high = _real(items[0], _at(path, 0)), _real(items[1], _at(path, 1))
    if low > high:
        raise RoundError(path, f"low {low:g} > high {high:g}")
    if low > 0 and high > low * 1e12:
        raise RoundError(path, f"high {high:g} is more than 1e12 times low {low:g}; narrow the range")
    return benefit_mean(low, high), (low, high)


def _ids(value: object, path: str) -> tuple[str, ...]:
    items = _list(value, path)
    out = [_text(item, _at(path, i)) for i, item in enumerate(items)]
    return tuple(out)


def _scenario(value: object) -> Scenario:
    try:
        return parse_scenario(value)
    except ScenarioError as exc:
        raise RoundError(_at("scenario", exc.path) if exc.path else "scenario", exc.problem) from None


def _candidate(value: object, path: str, controls: Mapping[str, Control]) -> Candidate:
    data = _fields(value, path, _CANDIDATE)
    if "id" not in data:
        raise RoundError(_at(path, "id"), "missing (every candidate needs an id)")
    cid = _text(data["id"], _at(path, "id"))
    if "cost" not in data:
        raise RoundError(_at(path, "cost"), "missing ({capex, opex} in whole minor units)")
    cost = _cost(data["cost"], _at(path, "cost"), both=False)
    has_benefit, has_control = "benefit" in data, "control" in data
    if has_benefit == has_control:
        raise RoundError(path, "give either benefit (an initiative) or control (a scenario control), not "
                         + ("both" if has_benefit else "neither"))
    kind: Kind = "control" if has_control else "initiative"
    if "kind" in data:
        stated = data["kind"]
        if stated not in KINDS:
            raise RoundError(_at(path, "kind"), f"expected one of {', '.join(KINDS)}, got {stated!r}")
        if stated != kind:
            raise RoundError(_at(path, "kind"), f"{stated} does not match the candidate, which gives "
                             + ("control" if has_control else "benefit"))
    benefit, benefit_range, control = 0.0, None, None
    if has_benefit:
        benefit, benefit_range = _benefit(data["benefit"], _at(path, "benefit"))
    else:
        name = _text(data["control"], _at(path, "control"))
        if name not in controls:
            raise RoundError(_at(path, "control"), f"unknown control {name!r} (not in scenario.controls)")
        control = controls[name]
    mandatory = _flag(data["mandatory"], _at(path, "mandatory")) if "mandatory" in data else False
    excluded = _flag(data["excluded"], _at(path, "excluded")) if "excluded" in data else False
    if mandatory and excluded:
        raise RoundError(_at(path, "excluded"), "a mandatory candidate cannot be excluded")
    reason = _text(data["reason"], _at(path, "reason"), 500) if "reason" in data else ""
    return Candidate(
        id=cid, kind=kind, cost=cost, benefit=benefit, benefit_range=benefit_range, control=control,
        mandatory=mandatory, reason=reason, excluded=excluded,
        requires=_ids(data["requires"], _at(path, "requires")) if "requires" in data else (),
        excludes=_ids(data["excludes"], _at(path, "excludes")) if "excludes" in data else (),
        name=_text(data["name"], _at(path, "name")) if "name" in data else "",
    )


def _links(candidates: Sequence[Candidate]) -> None:
    known = {c.id for c in candidates}
    for i, cand in enumerate(candidates):
        for field in ("requires", "excludes"):
            for j, other in enumerate(getattr(cand, field)):
                where = f"candidates[{i}].{field}[{j}]"
                if other not in known:
                    raise RoundError(where, f"unknown candidate {other!r}")
                if other == cand.id:
                    raise RoundError(where, f"{cand.id!r} cannot name itself")


def parse_round(data: object) -> Round:
    """Validate a round (JSON-shaped data) and build a `Round`; raises `RoundError` naming the field path."""
    top = _fields(data, "", _TOP)
    for key in ("envelope", "scenario", "candidates"):
        if key not in top:
            raise RoundError(key, "missing")
    stated = top.get("mode", "value")
    if stated not in MODES:
        raise RoundError("mode", f"expected one of {', '.join(MODES)}, got {stated!r}")
    mode: Mode = "appetite" if stated == "appetite" else "value"
    envelope = _cost(top["envelope"], "envelope", both=True)
    scenario = _scenario(top["scenario"])
    if mode == "appetite" and scenario.tolerance is None:
        raise RoundError("scenario.tolerance", "missing (appetite mode needs the signed tolerance points)")
    controls = {c.id: c for c in scenario.controls}
    items = _list(top["candidates"], "candidates")
    if not items:
        raise RoundError("candidates", "must list at least one candidate")
    if len(items) > MAX_CANDIDATES:
        raise RoundError("candidates", f"{len(items)} candidates, above the limit of {MAX_CANDIDATES}")
    candidates: list[Candidate] = []
    seen: dict[str, int] = {}
    named: dict[str, int] = {}
    for i, item in enumerate(items):
        cand = _candidate(item, f"candidates[{i}]", controls)
        if cand.id in seen:
            raise RoundError(f"candidates[{i}].id",
                             f"duplicate candidate id {cand.id!r} (also candidates[{seen[cand.id]}])")
        seen[cand.id] = i
        if cand.control is not None:
            if cand.control.id in named:
                raise RoundError(f"candidates[{i}].control", f"control {cand.control.id!r} is already "
                                 f"candidates[{named[cand.control.id]}]")
            named[cand.control.id] = i
        candidates.append(cand)
    for k, control in enumerate(scenario.controls):
        if control.id not in named:
            raise RoundError(f"scenario.controls[{k}].id", f"control {control.id!r} is no candidate's (name it "
                             "in a candidate's control, or leave it out)")
    _links(candidates)
    caps: dict[str, int] | None = None
    if "caps" in top:
        raw = _fields(top["caps"], "caps", KINDS)
        caps = {kind: _money(raw[kind], _at("caps", kind)) for kind in KINDS if kind in raw}
    share = None
    if "security_share" in top:
        raw = _fields(top["security_share"], "security_share", ("min", "max"))
        low = _real(raw["min"], "security_share.min") if "min" in raw else 0.0
        high = _real(raw["max"], "security_share.max") if "max" in raw else 1.0
        for key, number in (("min", low), ("max", high)):
            if not 0.0 <= number <= 1.0:
                raise RoundError(f"security_share.{key}", f"must be a fraction in [0, 1], got {number:g}")
        if low > high:
            raise RoundError("security_share", f"min {low:g} > max {high:g}")
        share = Share(low, high)
    name = _text(top["name"], "name") if "name" in top else ""
    currency = scenario.currency
    if "currency" in top:
        currency = _text(top["currency"], "currency", 3)
        if len(currency) != 3 or not currency.isupper() or not currency.isalpha():
            raise RoundError("currency", f"expected a 3-letter ISO 4217 code such as EUR, got {currency!r}")
        if scenario.currency is not None and scenario.currency != currency:
            raise RoundError("currency", f"{currency} differs from scenario.currency {scenario.currency}")
    return Round(envelope=envelope, scenario=scenario, candidates=tuple(candidates), mode=mode, caps=caps,
                 security_share=share, name=name, currency=currency)
