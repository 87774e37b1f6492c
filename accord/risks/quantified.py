"""The register in money: the organisation's risks as one Monte Carlo scenario for the pure engine
(`accord.quant`), simulated once per distinct input and cached. Reads only, like the selectors.

* `portfolio_scenario(org)`: the scenario file (docs/quant.md) of the open risks that have an estimate:
  a compound Poisson-lognormal risk from the two 90% ranges, or the risk's Open FAIR breakdown when it
  has one (FAIR wins); one control per risk whose treatment has a recorded effect; the money tolerance
  of the appetite *in force* (a draft does not count).
* `portfolio_result(org)`: `result_to_dict(simulate(...))` plus `risk_ids` (ref → risk pk) and
  `excluded` (risks the engine refused, with its reason: a stored value its parser refuses, or one whose
  simulation fails or gives figures that are not finite numbers; the other risks are simulated without
  it, so one value never takes the organisation's pages down). Cached in Django's cache under
  sha256(canonical JSON of the scenario and the engine version): an unchanged register is served from
  the cache by every worker process; any change of an estimate, a reduction, a title or the appetite's
  tolerance is a new key, so it is computed again. Nothing has to invalidate anything.
* `risk_money(org)`: the figures of each risk, by primary key, from the same result; `money_of(org, risk)`:
  one risk's figures and why it was left out, what the risk page and the API's risk answer.
* `portfolio_and_refused(org)`, `left_out(org)`: the risks left out ([{ref, problem}], {risk pk: problem}),
  also when none is left to simulate; `register_money(org)`: the figures, the risks left out and how fresh
  they are, from one read (`RegisterMoney.of(risk)`: a risk's answer, the one rule every front reads).

Never in a request (decision 0027): a value not in the cache is simulated by a worker
(`simulate_on_worker`, the queue's task `SIMULATE_TASK`, once per key), and meanwhile every front answers
at once with the organisation's last figures marked stale, or none marked pending
(`portfolio_state`: FRESH, STALE, PENDING); the Money page polls until they are fresh.

Simulated years: `YEARS` for up to `FULL_YEARS_RISKS` risks; above that the years shrink so that
risks × years stays at `FULL_YEARS_RISKS × YEARS` (never below `MIN_YEARS`), which bounds the time
and memory of a cold page (docs/risks.md, "The register in money").
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
import math
import time
from collections import OrderedDict
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import metadata
from threading import Lock
from typing import TYPE_CHECKING, Any

from django.core.cache import cache
from django.db.models import Q

from accord.compliance.effects import evaluate as evaluate_controls
from accord.compliance.effects import scenario_controls
from accord.core import singleflight
from accord.core.dataversion import data_version, not_storable
from accord.core.jobs import queue as jobs_queue
from accord.core.limits import TryLater
from accord.core.models import Organization
from accord.risks import selectors
from accord.risks.budget import quota as simulation_quota
from accord.risks.budget import run_budget
from accord.risks.choices import RiskStatus
from accord.risks.models import Risk
from accord.risks.p90 import P90_ZERO, p90_note  # noqa: F401 - read as quantified.P90_ZERO / .p90_note
from accord.risks.selectors import appetite_in_force
from accord.risks.simclock import _Clock

if TYPE_CHECKING:  # the engine (NumPy, Numba: over half a second) is imported where a simulation needs it
    from accord.quant import Result, Scenario

logger = logging.getLogger(__name__)

#: Simulated years of a portfolio of up to FULL_YEARS_RISKS risks (tests lower it with monkeypatch).
YEARS = 50_000
FULL_YEARS_RISKS = 500
MIN_YEARS = 2_000
#: Part of every cache key: bump it when the engine, or how this module builds a scenario, changes the
#: numbers a scenario gives. The installed package version is added, so a release starts afresh.
ENGINE_VERSION = "accord.quant/5"  # 5: tolerance verdicts say whether they are borderline
CACHE_PREFIX = "accord:quant:portfolio:"
CACHE_SECONDS = 30 * 24 * 3600
#: How long a result degraded by the time budget is kept (the load that slowed it may pass).
DEGRADED_SECONDS = 300
#: What a simulation's lease holds beyond its time budget (two rounds, see `_simulate`), should its
#: process die without giving it back (a file lease is given back by the kernel at once).
HOLD_MARGIN_SECONDS = 30
# The last few results this process read, so that a page does not unpickle the same result twice.
_LOCAL: OrderedDict[str, dict[str, Any]] = OrderedDict()
_LOCAL_SIZE = 4
_LOCAL_LOCK = Lock()

_FIELDS = ("pk", "number", "title", "fair", "frequency_low", "frequency_high", "loss_low", "loss_high")


def years_for(count: int) -> int:
    """Simulated years for `count` risks: YEARS up to FULL_YEARS_RISKS risks, then fewer, so that a cold
    page's time and memory stay those of FULL_YEARS_RISKS risks."""
    if count <= FULL_YEARS_RISKS:
        return YEARS
    return max(MIN_YEARS, YEARS * FULL_YEARS_RISKS // count)


def portfolio_seed(org: Organization) -> int:
    """A seed derived from the organisation's id: the same register gives the same numbers. 53 bits, so
    that the API's `seed` survives JavaScript's JSON numbers exactly."""
    digest = hashlib.sha256(f"accord portfolio {org.pk}".encode()).digest()
    return int.from_bytes(digest[:8], "big") >> 11


def ref(number: int) -> str:
    return f"R-{number:03d}"


def _quantified_rows(org: Organization) -> list[dict[str, Any]]:
    """The open risks with an estimate (an Open FAIR breakdown or both 90% ranges), in register order."""
    ranges = Q(frequency_low__isnull=False, frequency_high__isnull=False, loss_low__isnull=False,
               loss_high__isnull=False)
    return list(
        selectors.register_risks(org).filter(Q(fair__isnull=False) | ranges).exclude(status=RiskStatus.CLOSED)
        .order_by("number").values(*_FIELDS)
    )


def _scenario_risk(row: Mapping[str, Any]) -> dict[str, Any]:
    item: dict[str, Any] = {"id": ref(row["number"]), "name": row["title"]}
    if row["fair"] is not None:
        item["fair"] = row["fair"]
    else:
        item["frequency"] = {"lognormal_ci90": [float(row["frequency_low"]), float(row["frequency_high"])]}
        item["magnitude"] = {"lognormal_ci90": [float(row["loss_low"]), float(row["loss_high"])]}
    return item


def _scenario(org: Organization, rows: list[dict[str, Any]]) -> dict[str, Any]:
    """The scenario of `rows`, with the implemented controls' effects on them and, under `PLANNED` (a key the
    engine never sees: `_simulate` takes it out), the effects the planned controls would add."""
    scenario: dict[str, Any] = {
        "years": years_for(len(rows)), "seed": portfolio_seed(org), "currency": org.currency,
        "risks": [_scenario_risk(row) for row in rows],
    }
    controls, planned = scenario_controls(org, {row["pk"]: ref(row["number"]) for row in rows})
    if controls:
        scenario["controls"] = controls
    if planned:
        scenario[PLANNED] = planned
    appetite = appetite_in_force(org)
    if appetite is not None and appetite.tolerance:
        scenario["tolerance"] = [[float(loss), float(p)] for loss, p in appetite.tolerance]
    return scenario


def portfolio_scenario(org: Organization) -> dict[str, Any]:
    """The scenario (the engine's JSON shape) of `org`'s open risks that have estimates; `risks` is empty
    when none has one."""
    return _engine_part(_scenario(org, _quantified_rows(org)))


#: Scenario keys the engine never sees: the planned controls' effects, and which value is asked for (the
#: portfolio's result, or with `EFFECTS` each control's marginal effect, `accord.compliance.effects`).
PLANNED, EVALUATE, EFFECTS = "planned", "evaluate", "controls"


def _engine_part(scenario: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in scenario.items() if k not in (PLANNED, EVALUATE)}


@lru_cache(maxsize=1)
def engine_version() -> str:
    """ENGINE_VERSION and the installed Accord version: part of every cache key."""
    try:
        package = metadata.version("accord")
    except metadata.PackageNotFoundError:  # pragma: no cover - running from a bare checkout
        package = "unknown"
    return f"{ENGINE_VERSION} accord/{package}"


def cache_key(scenario: Mapping[str, Any]) -> str:
    """sha256 of the canonical JSON of the scenario and the engine version."""
    text = json.dumps({"engine": engine_version(), "scenario": scenario}, sort_keys=True, separators=(",", ":"),
                      ensure_ascii=False)
    return CACHE_PREFIX + hashlib.sha256(text.encode("utf-8")).hexdigest()


def _without(scenario: dict[str, Any], refs: Collection[str]) -> dict[str, Any]:
    """The scenario without the risks `refs` and the controls' effects on them (a control left with none goes)."""
    controls = [{**c, "effects": kept} for c in scenario.get("controls", [])
                if (kept := [e for e in c["effects"] if e["risk"] not in refs])]
    out = {k: v for k, v in scenario.items() if k != "controls"}
    out["risks"] = [r for r in scenario["risks"] if r["id"] not in refs]
    if controls:
        out["controls"] = controls
    return out


def simulate(scenario: Scenario, **options: Any) -> Result:
    """The engine's `simulate`, imported on first use: it brings NumPy and Numba, which a process that loads
    this module (every command, through the apps' start-up) but simulates nothing should not pay for."""
    from accord.quant import simulate as engine_simulate

    return engine_simulate(scenario, **options)


def _parse_accepted(scenario: dict[str, Any]) -> tuple[Scenario | None, dict[str, Any], list[dict[str, str]]]:
    """The scenario parsed, minus the risks the engine refuses (a value stored before a rule existed must
    not take the register's pages down), the scenario data it was parsed from, and what was refused. Each
    round drops the risk the error names."""
    from accord.quant import ScenarioError, parse_scenario

    excluded: list[dict[str, str]] = []
    while scenario["risks"]:
        try:
            return parse_scenario(scenario), scenario, excluded
        except ScenarioError as exc:
            index = _risk_index(exc.path)
            if index is None:
                raise
            bad = scenario["risks"][index]["id"]
            logger.warning("quant: %s left out of the portfolio: %s", bad, exc)
            excluded.append({"id": bad, "problem": str(exc).removeprefix(f"risks[{index}].")})
            scenario = _without(scenario, {bad})
    return None, scenario, excluded


#: What a numerical failure of the engine looks like (OverflowError and ZeroDivisionError are
#: ArithmeticErrors; NumPy raises ValueError): a stored value its parser did not foresee.
_ENGINE_FAILURES = (ArithmeticError, ValueError)
_NOT_FINITE = "its simulated losses are not finite numbers (an estimate too large to simulate)"


def _finite(value: Any) -> bool:
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, dict):
        return all(_finite(v) for v in value.values())
    if isinstance(value, list | tuple):
        return all(_finite(v) for v in value)
    return True


def _run(parsed: Scenario, clock: _Clock, planned: list[dict[str, Any]] | None = None,
         ) -> tuple[dict[str, Any] | None, dict[str, str]]:
    """(the result, {}) or (None, {risk ref: problem}): the risks whose simulation fails, passes the run's
    budget, or whose figures are not finite (they would make the pages and the API's JSON fail). With
    `planned`, the result is each control's marginal effect instead (`accord.compliance.effects`)."""
    from accord.quant import BudgetExceeded, result_to_dict

    try:
        if planned is not None:
            effects = evaluate_controls(parsed, planned, budget=clock.run_budget())
            return (effects, {}) if _finite(effects) else (None, {r.id: _NOT_FINITE for r in parsed.risks})
        result: dict[str, Any] = result_to_dict(simulate(parsed, budget=clock.run_budget()))
    except BudgetExceeded as exc:
        logger.warning("quant: the portfolio passed its budget: %s", exc)
        ref = exc.risk_id or parsed.risks[0].id
        return None, {ref: clock.stopped(exc)}
    except _ENGINE_FAILURES as exc:
        logger.warning("quant: the portfolio failed (%s: %s); simulating each risk alone", type(exc).__name__, exc)
        return None, _failing_alone(parsed, clock)
    bad = {item["id"]: _NOT_FINITE for evaluation in (result["inherent"], result["residual"]) if evaluation
           for item in evaluation["risks"] if not _finite(item)}
    if bad or _finite(result):
        return (None, bad) if bad else (result, {})
    return None, {risk.id: _NOT_FINITE for risk in parsed.risks}  # only the sum overflows: no risk alone


def _failing_alone(parsed: Scenario, clock: _Clock) -> dict[str, str]:
    """Each risk simulated alone (with its treatment), within what is left of the time budget: those that
    fail, with the engine's reason; all of them when none fails alone (the portfolio failed as a whole)."""
    from accord.quant import BudgetExceeded, result_to_dict

    failing: dict[str, str] = {}
    for risk in parsed.risks:
        controls = tuple(dataclasses.replace(c, effects=tuple(e for e in c.effects if e.risk == risk.id))
                         for c in parsed.controls if any(e.risk == risk.id for e in c.effects))
        try:
            alone = result_to_dict(simulate(dataclasses.replace(parsed, risks=(risk,), controls=controls),
                                            budget=clock.run_budget()))
        except BudgetExceeded as exc:
            failing[risk.id] = clock.stopped(exc)
        except _ENGINE_FAILURES as exc:
            failing[risk.id] = f"the engine failed on it: {exc}"
        else:
            if not _finite(alone):
                failing[risk.id] = _NOT_FINITE
    if not failing:
        failing = {risk.id: "the engine failed on the whole portfolio" for risk in parsed.risks}
    return failing


def _risk_index(path: str) -> int | None:
    if not path.startswith("risks["):
        return None
    try:
        return int(path[len("risks["):path.index("]")])
    except ValueError:
        return None


#: Why the risks still in the register are left out when its simulation ran out of time twice.
_OUT_OF_TIME = ("the register's simulation ran out of its time budget ({seconds:g} s) before this risk could be "
                "simulated; it is tried again in a few minutes")


def _simulate(scenario: dict[str, Any]) -> dict[str, Any]:
    """The stored value of a scenario: the engine's result of the risks it could simulate within the run
    budget (accord.risks.budget), the risks left out and why, and whether time ran out (`timed_out`:
    such a value is kept only `DEGRADED_SECONDS`). A run past its budget leaves out the risk that costs
    most and simulates the others again; a second run out of time leaves out every risk still in."""
    started = time.perf_counter()
    budget = run_budget()
    clock = _Clock(budget)
    timed_out = False
    planned = scenario.get(PLANNED, []) if scenario.get(EVALUATE) == EFFECTS else None
    parsed, scenario, excluded = _parse_accepted(_engine_part(scenario))
    result = None
    while parsed is not None:
        clock.out_of_time = False
        result, failing = _run(parsed, clock, planned)
        if not failing:
            break
        if clock.out_of_time:
            timed_out = True
            if not clock.extend():
                failing = {risk.id: _OUT_OF_TIME.format(seconds=budget.max_seconds) for risk in parsed.risks}
        for bad, problem in failing.items():
            logger.warning("quant: %s left out of the portfolio: %s", bad, problem)
            excluded.append({"id": bad, "problem": problem})
        parsed, scenario, more = _parse_accepted(_without(scenario, failing))
        excluded += more
    seconds = time.perf_counter() - started
    logger.info("quant: simulated %d risks x %d years in %.2f s", len(scenario["risks"]),
                scenario["years"], seconds)
    return {"result": result, "excluded": excluded, "seconds": seconds, "timed_out": timed_out}


def _remember(key: str, value: dict[str, Any]) -> dict[str, Any]:
    with _LOCAL_LOCK:
        _LOCAL[key] = value
        _LOCAL.move_to_end(key)
        while len(_LOCAL) > _LOCAL_SIZE:
            _LOCAL.popitem(last=False)
    return value


#: How fresh the figures a front shows are (the API's `figures`): computed for the register as it is now,
#: the last ones computed before its latest change (a worker is computing the new ones), or none yet.
FRESH, STALE, PENDING = "fresh", "stale", "pending"
#: The simulation task on the queue (registered by RisksConfig.ready()).
SIMULATE_TASK = "risks.simulate_portfolio"
LAST_PREFIX = "accord:quant:last:"
QUEUED_PREFIX = "accord:quant:queued:"
#: How long a worker waits for a place in the organisation's quota before it tries again later.
RETRY_SECONDS = 5


def _hold() -> float:
    return 2 * (run_budget().max_seconds or 0) + HOLD_MARGIN_SECONDS


def _stored(org: Organization, key: str, scenario: dict[str, Any], names: _Names | None = None,
            ) -> tuple[dict[str, Any] | None, str, _Names | None]:
    """The value under `key` and how fresh it is, never waiting for a simulation (decision 0027): this
    process's memory, then the shared cache (fresh); else a worker is asked to simulate it (once per key
    however many requests ask, `_request`) and the answer is the last value computed for the
    organisation's register (stale, with the refs and names it was computed with) when `names` are given
    (the register, not a what-if), or none (pending). In immediate mode (tests) the worker's run happens
    inside `_request`, so the value is fresh at once."""
    with _LOCAL_LOCK:
        if key in _LOCAL:
            _LOCAL.move_to_end(key)
            return _LOCAL[key], FRESH, names
    value = cache.get(key)
    if value is None:
        _request(org, key, scenario, names)
        value = cache.get(key)
    if value is not None:
        if value.get("timed_out"):
            not_storable()
            return value, FRESH, names
        return _remember(key, value), FRESH, names
    # A worker will store the fresh figures without any write to the organisation's data: an answer built
    # from stale or pending figures is not kept (accord.core.answers).
    not_storable()
    if names is not None:
        last = cache.get(LAST_PREFIX + str(org.pk))
        if last is not None:
            return last["value"], STALE, _Names(last["risk_ids"], last["names"])
    return None, PENDING, names


@dataclass(frozen=True)
class _Names:
    """Each ref's risk pk and title at the time a value was computed."""

    risk_ids: dict[str, int]
    names: dict[str, str]


def _request(org: Organization, key: str, scenario: dict[str, Any], names: _Names | None) -> None:
    """Ask a worker to simulate `scenario`, unless it was asked within the lease's hold already."""
    if cache.add(QUEUED_PREFIX + key, 1, timeout=math.ceil(_hold())):
        extra = None if names is None else {"risk_ids": names.risk_ids, "names": names.names}
        jobs_queue.send(SIMULATE_TASK, org.pk, key, scenario, extra)


def simulate_on_worker(org_pk: int, key: str, scenario: dict[str, Any], extra: dict[str, Any] | None) -> None:
    """The queue's simulation task: `scenario` simulated once however many workers are asked
    (`singleflight.once`), within the organisation's quota of simulations at once (`singleflight.slot`) and
    the run budget (decision 0020); its value stored under `key`, and as the organisation's last known
    figures when `extra` names the register's risks. A worker that finds the quota full tries again in
    `RETRY_SECONDS`."""
    org = Organization.objects.filter(pk=org_pk).first()
    if org is not None:
        simulate_for(org, key, scenario, extra)


def simulate_for(org: Organization, key: str, scenario: dict[str, Any], extra: dict[str, Any] | None) -> None:
    """`simulate_on_worker` for an organisation at hand."""
    org_pk = org.pk
    quota = simulation_quota()
    hold = _hold()

    def leader() -> dict[str, Any]:
        with singleflight.slot(f"accord:quota:simulation:{org.pk}", size=quota.per_org, wait=quota.wait_seconds,
                               hold=hold, what=f"Simulations of {org.name}'s register"):
            return _simulate(scenario)

    try:
        value = singleflight.once(key, leader, hold=hold, wait=hold,
                                  timeout=lambda v: DEGRADED_SECONDS if v.get("timed_out") else CACHE_SECONDS,
                                  what="The money figures of this register")
    except TryLater:
        logger.info("quant: %s's simulation waits for a place in its quota; tried again in %d s", org.slug,
                    RETRY_SECONDS)
        cache.delete(QUEUED_PREFIX + key)  # the next answer may ask again; a repeat finds the value and stops
        jobs_queue.send(SIMULATE_TASK, org_pk, key, scenario, extra, delay=RETRY_SECONDS)
        return
    if extra is not None and not value.get("timed_out"):
        cache.set(LAST_PREFIX + str(org.pk), {"key": key, "value": value, **extra}, timeout=CACHE_SECONDS)
    cache.delete(QUEUED_PREFIX + key)


def simulate_here(org: Organization) -> str:
    """For work outside any request that may take seconds (a report printed by a worker or by `accord
    report`): simulate the register in this process when its figures are not in the cache, within the same
    single flight, quota and run budget as the worker's task (`simulate_for`), so the figures read next are
    the register's as it is. Returns how fresh they are then: FRESH, or STALE/PENDING when the quota stayed
    full (the task is then queued again, as a worker's would be)."""
    inputs = _inputs(org)
    if inputs.scenario is not None and cache.get(inputs.key) is None:
        simulate_for(org, inputs.key, inputs.scenario, {"risk_ids": inputs.risk_ids, "names": inputs.names})
    return _portfolio(org)[3]


def forget_local() -> None:
    """Drop this process's copies (the shared cache keeps its own): what a new worker process starts with."""
    with _LOCAL_LOCK:
        _LOCAL.clear()
        _INPUTS.clear()
        _JSON.clear()


@dataclass(frozen=True)
class _Inputs:
    """What the register gave at one version of the organisation's data: the scenario, its cache key, and
    each ref's risk pk and title."""

    version: tuple[str, int]
    scenario: dict[str, Any] | None
    key: str
    risk_ids: dict[str, int]
    names: dict[str, str]
    planned: list[dict[str, Any]] = dataclasses.field(default_factory=list)  # what planned controls would add


# Organisation pk → its inputs at the last data version this process saw.
_INPUTS: OrderedDict[int, _Inputs] = OrderedDict()
_INPUTS_SIZE = 32


def _inputs(org: Organization) -> _Inputs:
    """The scenario and its key, rebuilt only when the organisation's data changed.

    The organisation's data version (`accord.core.dataversion.data_version`, its audit chain's head) is a
    version of everything the scenario is made of:
    estimates, treatment effects, titles, statuses, the appetite, the currency. One small query
    instead of reading every estimated risk and hashing the scenario on each page (45 ms at 3,000
    estimated risks). The head is read before the risks, so a write landing in between makes the next
    request rebuild, never keeps stale inputs. The content key stays the authority for what is
    simulated.
    """
    version = (data_version(org), YEARS)
    with _LOCAL_LOCK:
        known = _INPUTS.get(org.pk)
    if known is not None and known.version == version:
        return known
    rows = _quantified_rows(org)
    full = _scenario(org, rows) if rows else None
    scenario = _engine_part(full) if full else None
    inputs = _Inputs(version=version, scenario=scenario, key=cache_key(scenario) if scenario else "",
                     risk_ids={ref(row["number"]): row["pk"] for row in rows},
                     names={ref(row["number"]): row["title"] for row in rows},
                     planned=full.get(PLANNED, []) if full else [])
    with _LOCAL_LOCK:
        _INPUTS[org.pk] = inputs
        _INPUTS.move_to_end(org.pk)
        while len(_INPUTS) > _INPUTS_SIZE:
            _INPUTS.popitem(last=False)
    return inputs


def _portfolio(org: Organization) -> tuple[dict[str, Any] | None, _Inputs, list[dict[str, str]], str]:
    """(the result, the inputs it names risks by, the risks left out, how fresh it is: FRESH, STALE or
    PENDING). A stale result comes with the refs and titles it was computed with."""
    inputs = _inputs(org)
    scenario = inputs.scenario
    if scenario is None:
        return None, inputs, [], FRESH
    stored, freshness, names = _stored(org, inputs.key, scenario, _Names(inputs.risk_ids, inputs.names))
    if stored is None:
        return None, inputs, [], freshness
    if names is not None and freshness == STALE:
        inputs = dataclasses.replace(inputs, risk_ids=names.risk_ids, names=names.names)
    if stored["result"] is None:
        return None, inputs, stored["excluded"], freshness
    return ({**stored["result"], "risk_ids": inputs.risk_ids, "excluded": stored["excluded"]}, inputs,
            stored["excluded"], freshness)


def control_effects(org: Organization) -> tuple[dict[str, Any] | None, str]:
    """Each control's marginal effect on the register's mean annual loss (`accord.compliance.effects.evaluate`'s
    shape, plus `excluded`), simulated by a worker like the register's figures, and how fresh it is: FRESH,
    or PENDING while a worker computes it; (None, FRESH) when no risk has an estimate to simulate."""
    inputs = _inputs(org)
    if inputs.scenario is None:
        return None, FRESH
    scenario = {**inputs.scenario, PLANNED: inputs.planned, EVALUATE: EFFECTS}
    stored = _stored(org, cache_key(scenario), scenario)[0]
    if stored is None:
        return None, PENDING
    if stored["result"] is None:
        return {"controls": [], "excluded": stored["excluded"]}, FRESH
    return {**stored["result"], "excluded": stored["excluded"]}, FRESH


def portfolio_state(org: Organization) -> tuple[dict[str, Any] | None, list[dict[str, str]], str]:
    """`portfolio_and_refused` and how fresh the figures are: FRESH (the register as it is), STALE (the
    last figures, before its latest change; a worker computes the new ones) or PENDING (none yet: a
    worker computes them). The Money page and the API say which."""
    result, _, refused, freshness = _portfolio(org)
    return result, refused, freshness


def portfolio_result(org: Organization) -> dict[str, Any] | None:
    """The simulated register (`result_to_dict` shape) plus `risk_ids` ({ref: risk pk}) and `excluded`
    ([{id, problem}] for risks the engine refused); None when no open risk has an estimate the engine
    accepts (`left_out` still names the refused ones)."""
    return _portfolio(org)[0]


def portfolio_and_refused(org: Organization) -> tuple[dict[str, Any] | None, list[dict[str, str]]]:
    """`portfolio_result`, and the risks the engine left out ([{id: ref, problem}], in the order it refused
    them) also when none is left to simulate."""
    result, _, refused, _ = _portfolio(org)
    return result, refused


def _left_out(inputs: _Inputs, refused: list[dict[str, str]]) -> dict[int, str]:
    return {inputs.risk_ids[item["id"]]: item["problem"] for item in refused if item["id"] in inputs.risk_ids}


def left_out(org: Organization) -> dict[int, str]:
    """Risk pk → why the engine left it out of the money view (empty when it simulated every estimate)."""
    _, inputs, refused, _ = _portfolio(org)
    return _left_out(inputs, refused)


def tolerance_under(org: Organization, tolerance: Sequence[Sequence[float]]) -> dict[str, Any] | None:
    """The engine's money tolerance verdict of the register against other `tolerance` points (a draft
    appetite's), beside the one `portfolio_result` gives under the appetite in force: the same scenario
    with only its `tolerance` replaced, simulated (and cached) the same way, so the same seed gives the
    same years and only the judgement differs. The verdict is on the residual curve when the register
    has treatment effects, else the inherent one: `{"curve": "residual"|"inherent", "within",
    "borderline", "points": [...]}`; None without tolerance points or without estimates to simulate."""
    inputs = _inputs(org)
    if not tolerance or inputs.scenario is None:
        return None
    scenario = {**inputs.scenario, "tolerance": [[float(loss), float(p)] for loss, p in tolerance]}
    stored = _stored(org, cache_key(scenario), scenario)[0]
    result = stored["result"] if stored is not None else None
    if result is None:
        return None
    curve = "residual" if result["residual"] is not None else "inherent"
    verdict = result[curve]["tolerance"]
    return None if verdict is None else {"curve": curve, **verdict}


#: The keys of the API's answer from `result_to_dict` (`risk_ids` is for the pages); `excluded` is added.
RESULT_KEYS = ("years", "seed", "currency", "inherent", "residual")
# Scenario key → the API's JSON of its result: a large register's answer is megabytes of numbers, so it
# is encoded once per result rather than validated and encoded on every request.
_JSON: OrderedDict[str, bytes] = OrderedDict()


def portfolio_json(org: Organization) -> bytes:
    """`portfolio_result` (or `empty_result`) as the API sends it: the result file's keys, encoded once."""
    result, inputs, refused, freshness = _portfolio(org)
    if result is None:
        empty = empty_result(org, pending=freshness == PENDING)
        return json.dumps({**empty, "excluded": refused, "figures": freshness}, allow_nan=False).encode()
    cached = f"{inputs.key}:{freshness}"
    with _LOCAL_LOCK:
        if cached in _JSON:
            _JSON.move_to_end(cached)
            return _JSON[cached]
    body = json.dumps({**{key: result[key] for key in RESULT_KEYS}, "excluded": refused, "figures": freshness},
                      allow_nan=False, separators=(",", ":")).encode()
    with _LOCAL_LOCK:
        _JSON[cached] = body
        while len(_JSON) > _LOCAL_SIZE:
            _JSON.popitem(last=False)
    return body


def empty_result(org: Organization, *, pending: bool = False) -> dict[str, Any]:
    """The answer for a register without figures: the result shape with no risks, zero figures and no
    simulated years. Without estimates each tolerance point of the appetite in force is trivially met;
    while the figures are `pending` (a worker has not simulated them yet) nothing is known of them, so
    each point keeps its loss and limit, and its probability, standard error and verdicts are null, as
    is the overall verdict: a client never reads "within tolerance" that nobody computed."""
    zeros: dict[str, Any] = dict.fromkeys(("ale", "ale_standard_error", "p50", "p90", "p95", "p99", "var_99",
                                           "es_99", "prob_any_loss"), 0.0)
    appetite = appetite_in_force(org)
    tolerance = None
    if appetite is not None and appetite.tolerance:
        known = not pending
        tolerance = {"within": True if known else None, "borderline": False if known else None, "points": [
            {"loss": float(loss), "max_probability": float(p), "probability": 0.0 if known else None,
             "standard_error": 0.0 if known else None, "ok": True if known else None,
             "borderline": False if known else None} for loss, p in appetite.tolerance]}
    return {"years": 0, "seed": portfolio_seed(org), "currency": org.currency,
            "inherent": {"risks": [], "portfolio": {**zeros, "lec": []}, "tolerance": tolerance},
            "residual": None}


# --- figures per risk -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class LossFigures:
    """One risk's (or the portfolio's) simulated annual loss, in the organisation's currency."""

    ale: float
    ale_standard_error: float
    p50: float
    p90: float
    p95: float
    p99: float
    prob_any_loss: float
    lec: tuple[tuple[float, float], ...]

    @property
    def p90_note(self) -> str:
        return p90_note(self.ale, self.p90, self.prob_any_loss)

    @classmethod
    def of(cls, data: Mapping[str, Any]) -> LossFigures:
        return cls(ale=data["ale"], ale_standard_error=data["ale_standard_error"], p50=data["p50"],
                   p90=data["p90"], p95=data["p95"], p99=data["p99"], prob_any_loss=data["prob_any_loss"],
                   lec=tuple((float(x), float(p)) for x, p in data["lec"]))


@dataclass(frozen=True)
class RiskMoney:
    """A risk in money: inherent, and residual after its treatment's recorded effect (the same figures as
    inherent when none is recorded); `share_*` is its part of the portfolio's ALE."""

    risk_id: int
    ref: str
    name: str
    model: str
    years: int
    inherent: LossFigures
    residual: LossFigures
    treated: bool
    share_inherent: float
    share_residual: float
    susceptibility: float | None = None  # Open FAIR with tcap and rs: the exact P(TCap > RS)

    @property
    def ale(self) -> float:
        return self.residual.ale

    @property
    def p90(self) -> float:
        return self.residual.p90

    @property
    def p90_note(self) -> str:
        return self.residual.p90_note

    @property
    def figures(self) -> tuple[LossFigures, LossFigures]:
        """Inherent, then residual: the columns of the risk page's money table."""
        return self.inherent, self.residual


def residual_items(result: Mapping[str, Any]) -> dict[str, Mapping[str, Any]]:
    """Each simulated risk's residual figures by ref: after its treatment's effect, or its inherent
    figures when no risk has a treatment effect (the residual evaluation is then absent)."""
    residual = {r["id"]: r for r in (result["residual"] or {}).get("risks", [])}
    return {item["id"]: residual.get(item["id"], item) for item in result["inherent"]["risks"]}


def money_by_risk(result: Mapping[str, Any], names: Mapping[str, str] | None = None, *,
                  only: Collection[int] | None = None) -> dict[int, RiskMoney]:
    """The figures of each risk of a `portfolio_result` (or of the risks `only` names), by primary key."""
    ids: Mapping[str, int] = result["risk_ids"]
    residual = residual_items(result)
    total_inherent = result["inherent"]["portfolio"]["ale"]
    total_residual = (result["residual"] or result["inherent"])["portfolio"]["ale"]
    out: dict[int, RiskMoney] = {}
    for item in result["inherent"]["risks"]:
        rid = item["id"]
        if only is not None and ids[rid] not in only:
            continue
        after = residual[rid]
        treated = after is not item and (after["frequency_factor"] < 1.0 or after["magnitude_factor"] < 1.0)
        out[ids[rid]] = RiskMoney(
            risk_id=ids[rid], ref=rid, name=(names or {}).get(rid, rid), model=item.get("model", ""),
            years=result["years"],
            inherent=LossFigures.of(item), residual=LossFigures.of(after), treated=treated,
            share_inherent=item["ale"] / total_inherent if total_inherent > 0 else 0.0,
            share_residual=after["ale"] / total_residual if total_residual > 0 else 0.0,
            susceptibility=item.get("susceptibility"),
        )
    return out


def risk_money(org: Organization, only: Collection[int] | None = None) -> dict[int, RiskMoney]:
    """Risk pk → its figures, from the cached portfolio result (empty when no risk has an estimate);
    `only` limits the figures built to some risks (a page of the register), not what is simulated."""
    return register_money(org, only).money


@dataclass(frozen=True)
class RiskMoneyState:
    """A risk in money as every front shows it: its figures (None without an estimate, for a closed or
    archived risk, when the engine left it out, or while they are being computed), why the engine left it
    out (None when it did not), and how fresh that answer is (`figures`): FRESH, STALE (the last figures,
    before the register's latest change; a worker computes the new ones) or PENDING (none yet). A risk
    that is not simulated at all waits for nothing, so its answer is FRESH."""

    money: RiskMoney | None
    problem: str | None
    figures: str = FRESH

    @property
    def computing(self) -> bool:
        """Nothing to show yet: a worker is computing this risk's first figures (pending, or a risk added or
        estimated after the stale figures were computed)."""
        return self.money is None and self.problem is None and self.figures != FRESH


@dataclass(frozen=True)
class RegisterMoney:
    """The register in money from one read of the cached result: the figures of the risks asked for (by
    pk), the risks the engine left out (pk → why), and how fresh they are (FRESH, STALE, PENDING: the
    freshness `portfolio_state` gives). `of(risk)` is the one answer a risk's row, its page and the API
    read."""

    money: dict[int, RiskMoney]
    left_out: dict[int, str]
    figures: str

    def of(self, risk: Risk) -> RiskMoneyState:
        """`risk`'s figures, why it was left out, and how fresh that is; a risk the register does not
        simulate (no estimate, closed, archived) has neither and waits for nothing."""
        if not risk.has_money_estimate or risk.status == RiskStatus.CLOSED or risk.archived_at is not None:
            return RiskMoneyState(money=None, problem=None)
        return RiskMoneyState(money=self.money.get(risk.pk), problem=self.left_out.get(risk.pk),
                              figures=self.figures)


def register_money(org: Organization, only: Collection[int] | None = None) -> RegisterMoney:
    """`risk_money`, `left_out` and the figures' freshness from one read of the cached result (what a page of
    the register shows); `only` limits the figures built to some risks."""
    result, inputs, refused, freshness = _portfolio(org)
    money = money_by_risk(result, inputs.names, only=only) if result is not None else {}
    return RegisterMoney(money=money, left_out=_left_out(inputs, refused), figures=freshness)


def money_of(org: Organization, risk: Risk) -> RiskMoneyState:
    """One risk's money, the one answer the risk page and the API's risk read: its figures from the cached
    portfolio result, the reason when the engine refused its estimate, and how fresh they are."""
    if not risk.has_money_estimate:
        return RiskMoneyState(money=None, problem=None)
    return register_money(org, only={risk.pk}).of(risk)
