"""Scenario files: JSON-shaped data in, validated `Scenario` out, every problem named by its field path.

`parse_scenario(data)` raises `ScenarioError` whose text is one line, `<path>: <problem>`, for example
`risks[2].magnitude.pert: low 50000 > mode 20000`. The accepted shape is documented in docs/quant.md.

What is accepted can be simulated and its figures encoded as finite numbers: every number finite; rates
at most MAX_RATE events per year; losses and scale points at most MAX_AMOUNT in magnitude; a PERT's
gamma in (0, MAX_GAMMA]; a lognormal's 95th percentile at most MAX_LOGNORMAL_RATIO times its 5th.
`parse_risk` checks one risk alone, which is what Accord's register calls before it stores an estimate.
"""

from __future__ import annotations

import math
import re
import secrets
from collections.abc import Callable, Mapping, Sequence

from accord.quant.distributions import (
    BoundedDistribution,
    Constant,
    Distribution,
    LognormalCI90,
    Pert,
    Uniform,
    fmt_number,
)
from accord.quant.model import (
    DEFAULT_YEARS,
    MAX_AMOUNT,
    MAX_GAMMA,
    MAX_HELD_BYTES,
    MAX_LOGNORMAL_RATIO,
    MAX_RATE,
    MAX_YEARS,
    CompoundRisk,
    Control,
    Effect,
    FairRisk,
    Risk,
    Scenario,
    TolerancePoint,
    held_bytes,
)

DISTRIBUTION_KINDS = ("constant", "pert", "uniform", "lognormal_ci90")
_AMOUNT_TEXT = f"{MAX_AMOUNT:.0e}".replace("e+", "e")  # 1e15
_RATIO_TEXT = f"{MAX_LOGNORMAL_RATIO:.0e}".replace("e+", "e")
MAX_SEED = 2**128 - 1
_CURRENCY = re.compile(r"^[A-Z]{3}$")
_TOP_FIELDS = ("years", "seed", "currency", "name", "description", "risks", "controls", "tolerance")
_RISK_FIELDS = ("id", "name", "description", "frequency", "magnitude", "fair")
_FAIR_FIELDS = ("tef", "vulnerability", "tcap", "rs", "primary_loss", "secondary_probability", "secondary_loss")
_CONTROL_FIELDS = ("id", "name", "description", "effects")
_EFFECT_FIELDS = ("risk", "frequency", "magnitude")


class ScenarioError(ValueError):
    """Invalid scenario input; `str()` is one line: `<path>: <problem>`."""

    def __init__(self, path: str, problem: str) -> None:
        super().__init__(f"{path}: {problem}" if path else problem)
        self.path = path
        self.problem = problem


def json_type(value: object) -> str:
    """The JSON name of a Python value's type, for messages."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, Mapping):
        return "object"
    if isinstance(value, list | tuple):
        return "array"
    return type(value).__name__


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _object(value: object, path: str, allowed: Sequence[str]) -> Mapping[str, object]:
    if not isinstance(value, Mapping):
        raise ScenarioError(path, f"expected an object, got {json_type(value)}")
    for key in value:
        if key not in allowed:
            raise ScenarioError(_join(path, str(key)), f"unknown field (allowed: {', '.join(allowed)})")
    return value


def _array(value: object, path: str) -> Sequence[object]:
    if not isinstance(value, list | tuple):
        raise ScenarioError(path, f"expected an array, got {json_type(value)}")
    return value


def _number(value: object, path: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ScenarioError(path, f"expected a number, got {json_type(value)}")
    try:
        number = float(value)
    except OverflowError:  # a whole number beyond float range, valid in JSON
        raise ScenarioError(path, f"expected a finite number, got a {len(str(value))}-digit number") from None
    if not math.isfinite(number):
        raise ScenarioError(path, f"expected a finite number, got {value!r}")
    return number


def _integer(value: object, path: str) -> int:
    number = _number(value, path)
    if not number.is_integer():
        raise ScenarioError(path, f"expected a whole number, got {fmt_number(number)}")
    return int(value) if isinstance(value, int) else int(number)


def _string(value: object, path: str, *, max_length: int = 200) -> str:
    if not isinstance(value, str):
        raise ScenarioError(path, f"expected a string, got {json_type(value)}")
    if not value.strip():
        raise ScenarioError(path, "must not be empty")
    if len(value) > max_length:
        raise ScenarioError(path, f"longer than {max_length} characters")
    return value


def _numbers(value: object, path: str, names: Sequence[str]) -> list[float]:
    items = _array(value, path)
    if len(items) != len(names):
        raise ScenarioError(path, f"expected [{', '.join(names)}], got {len(items)} values")
    return [_number(item, f"{path}[{i}]") for i, item in enumerate(items)]


# What a distribution may describe, and the range its support must stay in.
ROLES: dict[str, str] = {
    "rate": "events per year",
    "loss": "a loss amount",
    "probability": "a probability",
    "scale": "a capability/strength scale",
}


def parse_distribution(spec: object, path: str, role: str) -> Distribution:
    """Parse one distribution spec: a number (a constant) or an object with one of
    `constant`, `pert` (+ optional `gamma`), `uniform`, `lognormal_ci90`.

    `role` is one of `rate`, `loss` (support must be >= 0), `probability` (support within [0, 1])
    or `scale` (any bounded support: TCap and RS).
    """
    if isinstance(spec, int | float) and not isinstance(spec, bool):
        dist: Distribution = _build(lambda: Constant(_number(spec, path)), path)
        kind_path = path
    else:
        if not isinstance(spec, Mapping):
            raise ScenarioError(
                path, f'expected a distribution such as {{"pert": [low, mode, high]}}, got {json_type(spec)}'
            )
        kinds = [key for key in spec if key in DISTRIBUTION_KINDS]
        if not kinds:
            unknown = [str(key) for key in spec if key != "gamma"]
            what = f"unknown distribution {unknown[0]!r}" if unknown else "no distribution given"
            raise ScenarioError(path, f"{what} (use one of: {', '.join(DISTRIBUTION_KINDS)})")
        if len(kinds) > 1:
            raise ScenarioError(path, f"give one distribution, got {' and '.join(kinds)}")
        kind = kinds[0]
        kind_path = _join(path, kind)
        for key in spec:
            if key != kind and not (key == "gamma" and kind == "pert"):
                raise ScenarioError(_join(path, str(key)), f"unknown field for a {kind} distribution")
        value = spec[kind]
        if kind == "constant":
            number = _number(value, kind_path)
            dist = _build(lambda: Constant(number), kind_path)
        elif kind == "uniform":
            low, high = _numbers(value, kind_path, ("low", "high"))
            dist = _build(lambda: Uniform(low, high), kind_path)
        elif kind == "lognormal_ci90":
            low, high = _numbers(value, kind_path, ("low", "high"))
            dist = _build(lambda: LognormalCI90(low, high), kind_path)
        else:
            low, mode, high = _numbers(value, kind_path, ("low", "mode", "high"))
            gamma = _number(spec["gamma"], _join(path, "gamma")) if "gamma" in spec else 4.0
            if "gamma" in spec and not gamma > 0:
                raise ScenarioError(_join(path, "gamma"), f"must be > 0, got {fmt_number(gamma)}")
            if gamma > MAX_GAMMA:
                raise ScenarioError(
                    _join(path, "gamma"),
                    f"{fmt_number(gamma)} is above the limit of {fmt_number(MAX_GAMMA)} (4 is the classic PERT; "
                    "a larger gamma is practically its mode: give a constant)",
                )
            dist = _build(lambda: Pert(low, mode, high, gamma), kind_path)
    _check_role(dist, path, kind_path, role)
    return dist


def _build(factory: Callable[[], Distribution], path: str) -> Distribution:
    try:
        return factory()
    except ScenarioError:
        raise  # already names its own path
    except ValueError as exc:
        raise ScenarioError(path, str(exc)) from None


def _check_role(dist: Distribution, path: str, kind_path: str, role: str) -> None:
    low, high = dist.support
    described = ROLES[role]
    if role in ("probability", "scale") and not dist.is_bounded:
        raise ScenarioError(path, f"{dist.kind} is unbounded; {described} needs constant, uniform or pert")
    path = kind_path
    if role in ("rate", "loss", "probability") and low < 0:
        name = "value" if isinstance(dist, Constant) else "low"
        raise ScenarioError(path, f"{name} {fmt_number(low)} must be >= 0 ({described})")
    if role == "probability" and high > 1:
        name = "value" if isinstance(dist, Constant) else "high"
        raise ScenarioError(path, f"{name} {fmt_number(high)} must be <= 1 ({described})")
    name = "value" if isinstance(dist, Constant) else "high"
    top = dist.high if isinstance(dist, LognormalCI90) else high
    if role == "rate" and top > MAX_RATE:
        raise ScenarioError(
            path, f"{name} {fmt_number(top)} is above the limit of {fmt_number(MAX_RATE)} events per year"
        )
    if role in ("loss", "scale"):
        if top > MAX_AMOUNT:
            raise ScenarioError(path, f"{name} {fmt_number(top)} is above the limit of {_AMOUNT_TEXT} ({described})")
        if low < -MAX_AMOUNT:
            name = "value" if isinstance(dist, Constant) else "low"
            raise ScenarioError(path, f"{name} {fmt_number(low)} is below the limit of -{_AMOUNT_TEXT} ({described})")
    if isinstance(dist, LognormalCI90) and dist.high > dist.low * MAX_LOGNORMAL_RATIO:
        raise ScenarioError(
            path,
            f"high {fmt_number(dist.high)} is more than {_RATIO_TEXT} times low {fmt_number(dist.low)} "
            "(a 90% range that wide cannot be simulated with finite sums; narrow it)",
        )


def _bounded(dist: Distribution) -> BoundedDistribution:
    assert not isinstance(dist, LognormalCI90)  # noqa: S101 - _check_role rejected it
    return dist


def parse_risk(value: object, path: str = "") -> Risk:
    """Validate one risk of a scenario (`{"id", "frequency", "magnitude"}` or `{"id", "fair": {...}}`)
    against the ranges above and build it. Raises `ScenarioError` naming the field path under `path`
    (`fair.tef.gamma: ...` for a risk checked alone)."""
    data = _object(value, path, _RISK_FIELDS)
    if "id" not in data:
        raise ScenarioError(_join(path, "id"), "missing (every risk needs an id)")
    risk_id = _string(data["id"], _join(path, "id"))
    name = _string(data["name"], _join(path, "name")) if "name" in data else ""
    if "description" in data and not isinstance(data["description"], str):
        raise ScenarioError(_join(path, "description"), f"expected a string, got {json_type(data['description'])}")
    if "fair" in data:
        if "frequency" in data or "magnitude" in data:
            raise ScenarioError(path, "give either frequency and magnitude, or fair, not both")
        return _parse_fair(data["fair"], _join(path, "fair"), risk_id, name)
    for key in ("frequency", "magnitude"):
        if key not in data:
            raise ScenarioError(_join(path, key), "missing (a risk needs frequency and magnitude, or a fair block)")
    return CompoundRisk(
        id=risk_id,
        frequency=parse_distribution(data["frequency"], _join(path, "frequency"), "rate"),
        magnitude=parse_distribution(data["magnitude"], _join(path, "magnitude"), "loss"),
        name=name,
    )


def _parse_fair(value: object, path: str, risk_id: str, name: str) -> FairRisk:
    data = _object(value, path, _FAIR_FIELDS)
    for key in ("tef", "primary_loss"):
        if key not in data:
            raise ScenarioError(_join(path, key), "missing")
    has_v = "vulnerability" in data
    has_tcap, has_rs = "tcap" in data, "rs" in data
    if has_v and (has_tcap or has_rs):
        raise ScenarioError(path, "give either vulnerability or tcap and rs, not both")
    if not has_v and not (has_tcap and has_rs):
        missing = "rs" if has_tcap else "tcap" if has_rs else "vulnerability"
        raise ScenarioError(_join(path, missing), "missing (give vulnerability, or both tcap and rs)")
    if ("secondary_probability" in data) != ("secondary_loss" in data):
        missing = "secondary_loss" if "secondary_probability" in data else "secondary_probability"
        raise ScenarioError(_join(path, missing), "missing (secondary_probability and secondary_loss go together)")

    def dist(key: str, role: str) -> Distribution | None:
        return parse_distribution(data[key], _join(path, key), role) if key in data else None

    tef = dist("tef", "rate")
    primary = dist("primary_loss", "loss")
    vulnerability = dist("vulnerability", "probability")
    tcap = dist("tcap", "scale")
    rs = dist("rs", "scale")
    q = dist("secondary_probability", "probability")
    assert tef is not None and primary is not None  # noqa: S101 - required keys checked above
    return FairRisk(
        id=risk_id,
        tef=tef,
        primary_loss=primary,
        vulnerability=_bounded(vulnerability) if vulnerability is not None else None,
        tcap=_bounded(tcap) if tcap is not None else None,
        rs=_bounded(rs) if rs is not None else None,
        secondary_probability=_bounded(q) if q is not None else None,
        secondary_loss=dist("secondary_loss", "loss"),
        name=name,
    )


def parse_controls(value: object, risk_ids: Sequence[str], path: str = "controls") -> tuple[Control, ...]:
    """Parse a list of controls, checking that every effect names one of `risk_ids`."""
    known = set(risk_ids)
    controls: list[Control] = []
    seen: set[str] = set()
    for i, item in enumerate(_array(value, path)):
        cpath = f"{path}[{i}]"
        data = _object(item, cpath, _CONTROL_FIELDS)
        if "id" not in data:
            raise ScenarioError(_join(cpath, "id"), "missing (every control needs an id)")
        control_id = _string(data["id"], _join(cpath, "id"))
        if control_id in seen:
            raise ScenarioError(_join(cpath, "id"), f"duplicate control id {control_id!r}")
        seen.add(control_id)
        name = _string(data["name"], _join(cpath, "name")) if "name" in data else ""
        if "effects" not in data:
            raise ScenarioError(_join(cpath, "effects"), "missing (a list of {risk, frequency, magnitude})")
        effects_path = _join(cpath, "effects")
        items = _array(data["effects"], effects_path)
        if not items:
            raise ScenarioError(effects_path, "must list at least one effect")
        effects: list[Effect] = []
        named: set[str] = set()
        for j, raw in enumerate(items):
            epath = f"{effects_path}[{j}]"
            edata = _object(raw, epath, _EFFECT_FIELDS)
            if "risk" not in edata:
                raise ScenarioError(_join(epath, "risk"), "missing")
            risk = _string(edata["risk"], _join(epath, "risk"))
            if risk not in known:
                raise ScenarioError(_join(epath, "risk"), f"unknown risk {risk!r}")
            if risk in named:
                raise ScenarioError(_join(epath, "risk"), f"risk {risk!r} is already listed in this control")
            named.add(risk)
            if "frequency" not in edata and "magnitude" not in edata:
                raise ScenarioError(epath, "give frequency and/or magnitude (fractions removed, in [0, 1])")
            fractions: dict[str, float] = {}
            for key in ("frequency", "magnitude"):
                if key in edata:
                    fraction = _number(edata[key], _join(epath, key))
                    if not 0.0 <= fraction <= 1.0:
                        raise ScenarioError(
                            _join(epath, key), f"must be a fraction in [0, 1], got {fmt_number(fraction)}"
                        )
                    fractions[key] = fraction
            effects.append(Effect(risk=risk, **fractions))
        controls.append(Control(id=control_id, effects=tuple(effects), name=name))
    return tuple(controls)


def _parse_tolerance(value: object, path: str) -> tuple[TolerancePoint, ...]:
    points: list[TolerancePoint] = []
    items = _array(value, path)
    if not items:
        raise ScenarioError(path, "must list at least one [loss, max_probability] point (or be omitted)")
    for i, item in enumerate(items):
        ppath = f"{path}[{i}]"
        if isinstance(item, Mapping):
            data = _object(item, ppath, ("loss", "max_probability"))
            for key in ("loss", "max_probability"):
                if key not in data:
                    raise ScenarioError(_join(ppath, key), "missing")
            loss = _number(data["loss"], _join(ppath, "loss"))
            prob = _number(data["max_probability"], _join(ppath, "max_probability"))
        elif isinstance(item, list | tuple):
            if len(item) != 2:
                raise ScenarioError(ppath, f"expected [loss, max_probability], got {len(item)} values")
            loss = _number(item[0], f"{ppath}[0]")
            prob = _number(item[1], f"{ppath}[1]")
        else:
            raise ScenarioError(ppath, f"expected [loss, max_probability], got {json_type(item)}")
        if not loss > 0:
            raise ScenarioError(ppath, f"loss must be > 0, got {fmt_number(loss)}")
        if not 0.0 <= prob <= 1.0:
            raise ScenarioError(ppath, f"max_probability must be in [0, 1], got {fmt_number(prob)}")
        points.append(TolerancePoint(loss=loss, max_probability=prob))
    return tuple(points)


def parse_years(value: object, path: str = "years") -> int:
    """A number of simulated years: a whole number in [1, MAX_YEARS]."""
    years = _integer(value, path)
    if years <= 0:
        raise ScenarioError(path, f"must be a positive whole number, got {years}")
    if years > MAX_YEARS:
        raise ScenarioError(path, f"{years} is above the limit of {MAX_YEARS}")
    return years


def parse_seed(value: object, path: str = "seed") -> int:
    """A seed: a whole number in [0, 2^128 - 1]."""
    seed = _integer(value, path)
    if not 0 <= seed <= MAX_SEED:
        raise ScenarioError(path, f"must be a whole number in [0, 2^128 - 1], got {seed}")
    return seed


def new_seed() -> int:
    """A fresh seed for a file that gives none (63 bits, so it survives any JSON reader)."""
    return secrets.randbits(63)


def parse_scenario(data: object, *, years: int | None = None, seed: int | None = None) -> Scenario:
    """Validate a scenario (JSON-shaped data) and build a `Scenario`.

    `years` and `seed` override the file's values. A scenario without a seed gets a fresh one, recorded
    in the result so the run can be repeated. Raises `ScenarioError` naming the field path.
    """
    top = _object(data, "", _TOP_FIELDS)
    if "risks" not in top:
        raise ScenarioError("risks", "missing (a list of risks is required)")
    risk_items = _array(top["risks"], "risks")
    if not risk_items:
        raise ScenarioError("risks", "must list at least one risk")
    risks: list[Risk] = []
    seen: dict[str, int] = {}
    for i, item in enumerate(risk_items):
        risk = parse_risk(item, f"risks[{i}]")
        if risk.id in seen:
            raise ScenarioError(f"risks[{i}].id", f"duplicate risk id {risk.id!r} (also risks[{seen[risk.id]}])")
        seen[risk.id] = i
        risks.append(risk)
    controls = parse_controls(top["controls"], list(seen)) if "controls" in top else ()
    tolerance = _parse_tolerance(top["tolerance"], "tolerance") if top.get("tolerance") is not None else None
    if years is not None:
        final_years = parse_years(years, "--years")
    elif "years" in top:
        final_years = parse_years(top["years"])
    else:
        final_years = DEFAULT_YEARS
    if seed is not None:
        final_seed = parse_seed(seed, "--seed")
    elif "seed" in top:
        final_seed = parse_seed(top["seed"])
    else:
        final_seed = new_seed()
    currency = None
    if top.get("currency") is not None:
        currency = _string(top["currency"], "currency")
        if not _CURRENCY.match(currency):
            raise ScenarioError("currency", f"expected a 3-letter ISO 4217 code such as EUR, got {currency!r}")
    name = _string(top["name"], "name") if "name" in top else ""
    held = held_bytes(final_years, len(risks), with_controls=bool(controls))
    if held > MAX_HELD_BYTES:
        raise ScenarioError(
            "--years" if years is not None else "years",
            f"{final_years} years x {len(risks)} risks would hold {held / 2**30:.1f} GiB of annual losses "
            f"(limit {MAX_HELD_BYTES >> 30} GiB); simulate fewer years",
        )
    return Scenario(
        risks=tuple(risks),
        controls=controls,
        tolerance=tolerance,
        years=final_years,
        seed=final_seed,
        currency=currency,
        name=name,
    )
