"""Solve a round: the model, its verification by simulation, and what a board asks next.

`solve_round(round)`:

1. simulates the inherent portfolio once (`accord.quant.prepare`) and reads each risk's mean annual loss;
2. solves the model (`accord.optimize.model`): in `value` mode the most benefits plus risk reduced within
   the envelope; in `appetite` mode the least cost, the tolerance points P(annual loss > L) <= p being
   judged by simulation: the cheapest set is simulated and, while it misses a point, a cut is added and the
   model solved again (below), until a set meets every point or the model proves none can;
3. verifies the chosen set by simulation on the same events (common random numbers): residual ALE and
   tolerance verdicts, and their gap to the model's figure;
4. names the constraint that makes an infeasible round infeasible (each group relaxed in turn);
5. compares with a greedy ranking by value per unit of money, flags spend above Gordon and Loeb's 1/e of the
   expected loss it protects, and traces the efficient frontier from no envelope to twice the envelope.

The appetite cut. With common random numbers every simulated year's loss can only fall when a control is
added (an event is kept iff its uniform is below the product of the frequency factors; each loss is scaled
by the product of the magnitude factors), so P(annual loss > L) never rises. When a set S misses a point,
every subset of S misses it too. S is grown to S' by adding the remaining allowed controls in increasing
order of the risk each reduces alone, as far as the grown set still misses (a binary search over that order,
about log2(controls) simulations), and the cut "at least one control outside S'" is valid: it removes S' and
its subsets only, all of which miss. The loop ends: each cut removes the solution just found.
"""

from __future__ import annotations

import itertools
import math
import time
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field, replace

import numpy as np

from accord.optimize.model import Problem, Solution, default_gap, solve
from accord.optimize.round import Cost, Round
from accord.quant.engine import PreparedPortfolio, prepare
from accord.quant.model import Control, Scenario
from accord.quant.results import Evaluation, ToleranceResult

#: Most cuts, and seconds, of one appetite solve's cut loop before it stops with the best set it has verified
#: (status "feasible", with its gap to the bound; "limit" when it has none).
MAX_CUTS = 500
APPETITE_SECONDS = 30.0
#: Gordon and Loeb's bound: the optimal security investment never exceeds 1/e of the expected loss.
GORDON_LOEB = 1.0 / math.e
#: The frontier's default number of points, envelopes from 0 to twice the round's.
FRONTIER_POINTS = 20

Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class Verified:
    """The simulated figures of a chosen set against the prepared events (common random numbers)."""

    controls: tuple[str, ...]
    ale: float
    ale_standard_error: float
    inherent_ale: float
    model_ale: float
    tolerance: ToleranceResult | None
    seconds: float = 0.0

    @property
    def risk_reduced(self) -> float:
        return self.inherent_ale - self.ale

    @property
    def gap(self) -> float:
        """Verified minus model residual mean annual loss (positive: the model was optimistic)."""
        return self.ale - self.model_ale


@dataclass(frozen=True)
class Infeasibility:
    """Why no set satisfies the round: each of `constraints` alone, relaxed, makes it feasible; when none
    does alone, `together` names two that do."""

    constraints: tuple[str, ...]
    together: tuple[str, ...] = ()
    message: str = ""


@dataclass(frozen=True)
class GordonLoebFlag:
    """Security spend on a group of risks (linked by the chosen controls) above 1/e of their expected loss."""

    risks: tuple[str, ...]
    controls: tuple[str, ...]
    spend: int
    expected_loss: float
    limit: float
    reason: str


@dataclass(frozen=True)
class Greedy:
    """The naive ranking: candidates by value per unit of money (value alone / total cost), taken while
    they fit; `left_on_table` is the optimum's value minus this set's (both by the model)."""

    chosen: tuple[str, ...]
    value: float
    cost: Cost
    left_on_table: float
    left_on_table_share: float
    violations: tuple[str, ...]
    verified: Verified | None = None
    extra_cost: int | None = None


@dataclass(frozen=True)
class FrontierPoint:
    """The value-maximising set for one envelope (the round's scaled by `scale`)."""

    scale: float
    envelope: Cost
    status: str
    chosen: tuple[str, ...] = ()
    value: float | None = None
    cost: Cost | None = None
    model_ale: float | None = None
    verified: Verified | None = None


@dataclass(frozen=True)
class Increment:
    """What the next frontier point above the round's envelope buys, compared with the chosen set."""

    scale: float
    envelope: Cost
    extra_cost: int
    extra_value: float
    risk_reduced: float
    added: tuple[str, ...]
    removed: tuple[str, ...]


@dataclass(frozen=True)
class Frontier:
    points: tuple[FrontierPoint, ...]
    next_increment: Increment | None
    seconds: float = 0.0


@dataclass(frozen=True)
class Outcome:
    """Everything `solve_round` found; `result_to_dict` (accord.optimize.results) gives its JSON form."""

    round: Round
    status: str
    chosen: tuple[str, ...]
    value: float | None
    cost: Cost | None
    benefits: float | None
    model_ale: float | None
    inherent_ale: float
    gap: float | None
    cuts: int
    model_seconds: float
    verified: Verified | None
    infeasible: Infeasibility | None = None
    gordon_loeb: tuple[GordonLoebFlag, ...] = ()
    greedy: Greedy | None = None
    frontier: Frontier | None = None
    timings: dict[str, float] = field(default_factory=dict)


def _controls(problem: Problem, chosen: np.ndarray) -> list[Control]:
    cands = problem.round.candidates
    return [c.control for i, c in enumerate(cands) if chosen[i] and c.control is not None]


def _ids(problem: Problem, chosen: np.ndarray) -> tuple[str, ...]:
    return tuple(c.id for i, c in enumerate(problem.round.candidates) if chosen[i])


def evaluate(prepared: PreparedPortfolio, problem: Problem, chosen: np.ndarray) -> Evaluation:
    """The simulated residual of a chosen set on the prepared events (no per-risk statistics)."""
    return prepared.evaluate(_controls(problem, chosen), risk_statistics=False)


def verify(prepared: PreparedPortfolio, problem: Problem, chosen: np.ndarray) -> Verified:
    """Simulate a chosen set with common random numbers and set it beside the model's residual."""
    started = time.perf_counter()
    controls = _controls(problem, chosen)
    evaluation = prepared.evaluate(controls, risk_statistics=False) if controls else prepared.inherent
    return Verified(
        controls=tuple(c.id for c in controls),
        ale=evaluation.portfolio.ale,
        ale_standard_error=evaluation.portfolio.ale_standard_error,
        inherent_ale=prepared.inherent.portfolio.ale,
        model_ale=problem.residual(chosen),
        tolerance=evaluation.tolerance,
        seconds=time.perf_counter() - started,
    )


class _Tolerance:
    """Judges control sets against the tolerance points by simulation (points in `relaxed` are ignored)."""

    def __init__(self, prepared: PreparedPortfolio, problem: Problem) -> None:
        self.prepared = prepared
        self.problem = problem
        self.evaluations = 0

    def within(self, chosen: np.ndarray, relaxed: Collection[int] = ()) -> bool:
        controls = _controls(self.problem, chosen)
        self.evaluations += 1
        evaluation = self.prepared.evaluate(controls, risk_statistics=False) if controls else self.prepared.inherent
        if evaluation.tolerance is None:
            return True
        return all(point.ok for k, point in enumerate(evaluation.tolerance.points) if k not in relaxed)


def _appetite(
    problem: Problem,
    judge: _Tolerance,
    *,
    relax: Collection[str] = (),
    gap: float,
    time_limit: float | None = None,
    max_cuts: int = MAX_CUTS,
    max_seconds: float = APPETITE_SECONDS,
) -> tuple[Solution, int]:
    """The least-cost set meeting every tolerance point not relaxed (module docstring: the cut loop). Past
    `max_cuts` cuts or `max_seconds`, the best set verified so far (or found by the proxy search) is returned
    as "feasible", its gap measured against the last model's cost, a lower bound of the optimum."""
    if "scenario.tolerance" in relax:
        return solve(problem, mode="appetite", relax=relax, gap=gap, time_limit=time_limit), 0
    deadline = time.perf_counter() + max_seconds
    points = problem.round.scenario.tolerance or ()
    relaxed_points = {k for k in range(len(points)) if f"scenario.tolerance[{k}]" in relax}
    excluded_fixed = {
        i for i, c in enumerate(problem.round.candidates)
        if c.excluded and "excluded" not in relax and f"candidates[{i}].excluded" not in relax
    }
    controls = [i for i in range(problem.size) if problem.is_control[i] and i not in excluded_fixed]
    order = sorted(controls, key=lambda i: (problem.standalone[i], i))
    cuts: list[list[int]] = []
    incumbent: np.ndarray | None = None
    total = problem.total_cost

    def keep(mask: np.ndarray) -> None:
        nonlocal incumbent
        if relax or problem.violations(mask):
            return
        if incumbent is None or total[mask].sum() < total[incumbent].sum():
            incumbent = mask

    bound = 0.0
    while True:
        solution = solve(problem, mode="appetite", relax=relax, cuts=cuts, gap=gap, time_limit=time_limit)
        if solution.chosen is None:
            return solution, len(cuts)
        chosen = solution.chosen
        bound = float(total[chosen].sum()) * (1.0 - gap)
        if judge.within(chosen, relaxed_points):
            return solution, len(cuts)
        if len(cuts) >= max_cuts or time.perf_counter() > deadline:
            break
        rest = [i for i in order if not chosen[i]]

        def grown(count: int, base: np.ndarray = chosen, rest: list[int] = rest) -> np.ndarray:
            mask = base.copy()
            mask[rest[:count]] = True
            return mask

        if not judge.within(grown(len(rest)), relaxed_points):
            # Every allowed control together misses a point: no set can meet it.
            return Solution("infeasible", None, None, None, message="every allowed control together misses "
                            "a tolerance point"), len(cuts) + 1
        low, high = 0, len(rest)  # grown(low) misses, grown(high) meets
        while high - low > 1:
            middle = (low + high) // 2
            if judge.within(grown(middle), relaxed_points):
                high = middle
            else:
                low = middle
        keep(grown(high))
        outside = grown(low)
        cuts.append([i for i in range(problem.size) if problem.is_control[i] and not outside[i]])
    if not relax:
        found = _proxy(problem, judge, cuts, gap=gap, time_limit=time_limit)
        if found is not None:
            keep(found)
    if incumbent is None:
        return Solution("limit", None, None, None, message=f"no set within tolerance after {len(cuts)} cuts"), \
            len(cuts)
    cost = float(total[incumbent].sum())
    return Solution("feasible", incumbent, problem.value(incumbent), max(0.0, (cost - bound) / cost) if cost else 0.0,
                    message=f"stopped after {len(cuts)} cuts; the gap is to the last model's cost"), len(cuts)


#: Halvings of the proxy search's cap on the residual mean annual loss.
PROXY_STEPS = 14


def _proxy(
    problem: Problem, judge: _Tolerance, cuts: Sequence[Sequence[int]], *, gap: float, time_limit: float | None
) -> np.ndarray | None:
    """A set within tolerance when the cut loop stops early: the cheapest set whose model residual mean
    annual loss is at most a cap, the cap found by bisection (the largest that still meets every point in
    simulation). It is a heuristic: a tolerance point is about a tail, the cap about a mean."""
    low, high = 0.0, float(problem.inherent.sum())
    best: np.ndarray | None = None
    total = problem.total_cost
    for _ in range(PROXY_STEPS):
        cap = (low + high) / 2
        solution = solve(problem, mode="appetite", cuts=cuts, gap=gap, time_limit=time_limit, ale_cap=cap)
        if solution.chosen is None:
            low = cap
        elif judge.within(solution.chosen):
            if best is None or total[solution.chosen].sum() < total[best].sum():
                best = solution.chosen
            low = cap
        else:
            high = cap
    return best


def _feasible(problem: Problem, judge: _Tolerance, relax: Collection[str], *, gap: float) -> bool:
    if problem.round.mode == "value":
        return solve(problem, mode="value", relax=relax, gap=max(gap, 1e-2)).chosen is not None
    return _appetite(problem, judge, relax=relax, gap=max(gap, 1e-2))[0].chosen is not None


def _items(problem: Problem, group: str) -> list[str]:
    """The single constraints of a list group, by their field paths."""
    rnd = problem.round
    if group == "scenario.tolerance":
        return [f"scenario.tolerance[{k}]" for k in range(len(rnd.scenario.tolerance or ()))]
    out: list[str] = []
    for i, cand in enumerate(rnd.candidates):
        if group in ("mandatory", "excluded") and getattr(cand, group):
            out.append(f"candidates[{i}].{group}")
        if group in ("requires", "excludes"):
            out.extend(f"candidates[{i}].{group}[{j}]" for j in range(len(getattr(cand, group))))
    return out


def _groups(problem: Problem) -> list[str]:
    rnd = problem.round
    groups = ["envelope.capex", "envelope.opex"]
    groups += [f"caps.{kind}" for kind in (rnd.caps or {})]
    if rnd.security_share is not None:
        groups += [name for name, on in (("security_share.min", rnd.security_share.low > 0),
                                         ("security_share.max", rnd.security_share.high < 1)) if on]
    groups += [g for g in ("mandatory", "excluded", "requires", "excludes") if _items(problem, g)]
    if rnd.mode == "appetite":
        groups.append("scenario.tolerance")
    return groups


#: Most single constraints of one group tried one by one to name the culprit precisely.
MAX_ITEMS = 50


def diagnose(problem: Problem, judge: _Tolerance, *, gap: float) -> Infeasibility:
    """Relax each constraint group alone; for a list group that helps (mandatory, requires, ...), name the
    single items whose relaxation alone helps. With no single group, try pairs."""
    groups = _groups(problem)
    helping: list[str] = []
    for group in groups:
        if not _feasible(problem, judge, {group}, gap=gap):
            continue
        items = _items(problem, group) if group not in ("envelope.capex", "envelope.opex") else []
        singles = [item for item in items[:MAX_ITEMS] if _feasible(problem, judge, {item}, gap=gap)] \
            if len(items) > 1 else items
        helping.extend(singles or [group])
    if helping:
        names = ", ".join(helping)
        lead = "relaxing" if len(helping) == 1 else "relaxing any one of"
        return Infeasibility(tuple(helping), message=f"infeasible: {lead} {names} makes it feasible")
    for first, second in itertools.combinations(groups, 2):
        if _feasible(problem, judge, {first, second}, gap=gap):
            return Infeasibility((), (first, second), message=f"infeasible: no single constraint group is to "
                                 f"blame; relaxing {first} and {second} together makes it feasible")
    return Infeasibility((), (), message="infeasible: no one or two constraint groups relaxed make it feasible")


def greedy(problem: Problem, optimum: float | None) -> Greedy:
    """Take candidates by value alone per unit of money (mandatory first), each while it still fits the
    envelope and caps, its requirements are in and nothing it excludes is; the value is then the model's
    (overlaps counted), which the ranking ignored."""
    rnd = problem.round
    n = problem.size
    total = problem.total_cost
    chosen = np.zeros(n, dtype=bool)
    index = rnd.index
    ratio = np.where(total > 0, problem.standalone / np.maximum(total, 1.0), np.inf)
    order = [i for i in range(n) if rnd.candidates[i].mandatory]
    order += sorted((i for i in range(n) if not rnd.candidates[i].mandatory and not rnd.candidates[i].excluded),
                    key=lambda i: (-ratio[i], i))
    env = rnd.envelope
    for i in order:
        cand = rnd.candidates[i]
        trial = chosen.copy()
        trial[i] = True
        if not cand.mandatory:
            if problem.capex[trial].sum() > env.capex or problem.opex[trial].sum() > env.opex:
                continue
            if problem.standalone[i] <= 0:
                continue
            broken = set(problem.violations(trial))
            if broken & {"caps.initiative", "caps.control", "security_share.max"}:
                continue
            if any(not chosen[index[o]] for o in cand.requires) or any(chosen[index[o]] for o in cand.excludes):
                continue
        chosen = trial
    value = problem.value(chosen)
    left = (optimum - value) if optimum is not None else 0.0
    share = left / optimum if optimum else 0.0
    return Greedy(_ids(problem, chosen), value, problem.cost(chosen), left, share,
                  tuple(problem.violations(chosen)))


def greedy_appetite(problem: Problem, judge: _Tolerance, optimum: Cost | None) -> Greedy | None:
    """Appetite mode's naive ranking: mandatory candidates, then controls by risk reduced alone per unit of
    money, the shortest such list whose set meets every tolerance point (None: even all of them miss);
    `extra_cost` is what it costs above the optimum."""
    rnd = problem.round
    total = problem.total_cost
    base = np.array([c.mandatory for c in rnd.candidates], dtype=bool)
    ratio = np.where(total > 0, problem.standalone / np.maximum(total, 1.0), np.inf)
    order = sorted((i for i in range(problem.size) if problem.is_control[i] and not base[i]
                    and not rnd.candidates[i].excluded), key=lambda i: (-ratio[i], i))

    def taken(count: int) -> np.ndarray:
        mask = base.copy()
        mask[order[:count]] = True
        return mask

    if not judge.within(taken(len(order))):
        return None
    low, high = -1, len(order)  # taken(high) meets; taken(low) misses (low = -1: not tried)
    if judge.within(taken(0)):
        high = 0
    else:
        low = 0
    while high - low > 1:
        middle = (low + high) // 2
        if judge.within(taken(middle)):
            high = middle
        else:
            low = middle
    chosen = taken(high)
    cost = problem.cost(chosen)
    extra = cost.total - optimum.total if optimum is not None else None
    return Greedy(_ids(problem, chosen), problem.value(chosen), cost, 0.0, 0.0, tuple(problem.violations(chosen)),
                  extra_cost=extra)


def gordon_loeb(problem: Problem, chosen: np.ndarray) -> tuple[GordonLoebFlag, ...]:
    """Groups of risks linked by the chosen controls (two controls on one risk join their groups) whose
    security spend (capex + opex of those controls) is above 1/e of their inherent expected annual loss."""
    rnd = problem.round
    risk_ids = [r.id for r in rnd.scenario.risks]
    parent: dict[int, int] = {}

    def find(r: int) -> int:
        while parent.setdefault(r, r) != r:
            parent[r] = parent[parent[r]]
            r = parent[r]
        return r

    touched: dict[int, list[int]] = {}
    for i, cand in enumerate(rnd.candidates):
        if not chosen[i] or cand.control is None:
            continue
        risks = [rnd.scenario.risk_index[e.risk] for e in cand.control.effects]
        touched[i] = risks
        for r in risks[1:]:
            parent[find(r)] = find(risks[0])
    groups: dict[int, tuple[set[int], list[int]]] = {}
    for i, risks in touched.items():
        root = find(risks[0])
        members, controls = groups.setdefault(root, (set(), []))
        members.update(risks)
        controls.append(i)
    flags: list[GordonLoebFlag] = []
    total = problem.total_cost
    for members, controls in groups.values():
        spend = round(float(total[controls].sum()))
        expected = float(problem.inherent[sorted(members)].sum())
        limit = expected * GORDON_LOEB
        if spend > limit:
            names = [risk_ids[r] for r in sorted(members)]
            flags.append(GordonLoebFlag(
                risks=tuple(names),
                controls=tuple(rnd.candidates[i].id for i in sorted(controls)),
                spend=spend,
                expected_loss=expected,
                limit=limit,
                reason=(f"security spend {spend:,} on {', '.join(names)} is above 1/e of their expected annual "
                        f"loss ({expected:,.0f} / e = {limit:,.0f}); Gordon and Loeb show the best investment "
                        "in protecting an information set never exceeds 1/e (about 37%) of its expected loss"),
            ))
    return tuple(flags)


def frontier(
    problem: Problem,
    prepared: PreparedPortfolio,
    chosen: np.ndarray | None,
    *,
    points: int = FRONTIER_POINTS,
    gap: float | None = None,
    time_limit: float | None = None,
    progress: Progress | None = None,
) -> Frontier:
    """The value-maximising set for envelopes from 0 to twice the round's (`points` evenly spaced scales),
    each verified by simulation, and what the first point above the round's envelope buys over `chosen`.
    Points are solved to `gap` (None: `default_gap`), the chosen set's, so the increment compares answers
    of the same precision."""
    started = time.perf_counter()
    env = problem.round.envelope
    out: list[FrontierPoint] = []
    scales = np.linspace(0.0, 2.0, points) if points > 1 else np.array([1.0])
    for k, scale in enumerate(scales):
        envelope = Cost(capex=math.floor(env.capex * scale), opex=math.floor(env.opex * scale))
        solution = solve(problem, mode="value", envelope=envelope, gap=gap, time_limit=time_limit)
        if solution.chosen is None:
            out.append(FrontierPoint(float(scale), envelope, solution.status))
        else:
            mask = solution.chosen
            out.append(FrontierPoint(
                float(scale), envelope, solution.status, _ids(problem, mask), solution.value, problem.cost(mask),
                problem.residual(mask), verify(prepared, problem, mask),
            ))
        if progress is not None:
            progress("frontier", k + 1, len(scales))
    increment = None
    if chosen is not None:
        base_value = problem.value(chosen)
        base_cost = problem.cost(chosen)
        base_ids = set(_ids(problem, chosen))
        for point in out:
            if point.scale > 1.0 and point.value is not None and point.cost is not None:
                ids = set(point.chosen)
                base_residual = problem.residual(chosen)
                increment = Increment(
                    scale=point.scale,
                    envelope=point.envelope,
                    extra_cost=point.cost.total - base_cost.total,
                    extra_value=point.value - base_value,
                    risk_reduced=base_residual - (point.model_ale or 0.0),
                    added=tuple(sorted(ids - base_ids)),
                    removed=tuple(sorted(base_ids - ids)),
                )
                break
    return Frontier(tuple(out), increment, time.perf_counter() - started)


def solve_round(
    rnd: Round,
    *,
    prepared: PreparedPortfolio | None = None,
    threads: int | None = None,
    frontier_points: int = FRONTIER_POINTS,
    gap: float | None = None,
    time_limit: float | None = None,
    max_cuts: int = MAX_CUTS,
    progress: Progress | None = None,
) -> Outcome:
    """Solve, verify and explain a round (module docstring). `prepared` reuses a simulation of
    `rnd.scenario` (the frontier and variants of one round share it); `frontier_points=0` skips the frontier."""
    timings: dict[str, float] = {}
    started = time.perf_counter()
    if gap is None:
        gap = default_gap(len(rnd.candidates))
    if prepared is not None and _key(prepared.scenario) != _key(rnd.scenario):
        raise ValueError("the prepared portfolio was simulated from another scenario (risks, years, seed or "
                         "tolerance differ)")
    if prepared is None:
        def sim_progress(done: int, total: int) -> None:
            if progress is not None:
                progress("simulation", done, total)

        prepared = prepare(rnd.scenario, threads=threads, progress=sim_progress)
    timings["simulation"] = time.perf_counter() - started
    inherent = [float(row.mean()) for row in prepared.inherent.risk_losses]
    problem = Problem.of(rnd, inherent)
    judge = _Tolerance(prepared, problem)
    started = time.perf_counter()
    cuts = 0
    if rnd.mode == "value":
        solution = solve(problem, mode="value", gap=gap, time_limit=time_limit)
    else:
        solution, cuts = _appetite(problem, judge, gap=gap, time_limit=time_limit, max_cuts=max_cuts)
    timings["model"] = time.perf_counter() - started
    if progress is not None:
        progress("model", 1, 1)
    inherent_ale = prepared.inherent.portfolio.ale
    infeasible = None
    verified = None
    flags: tuple[GordonLoebFlag, ...] = ()
    chosen = solution.chosen
    if chosen is None:
        started = time.perf_counter()
        if solution.status == "infeasible":
            infeasible = diagnose(problem, judge, gap=gap)
        timings["diagnosis"] = time.perf_counter() - started
        outcome_greedy = None
    else:
        verified = verify(prepared, problem, chosen)
        timings["verification"] = verified.seconds
        outcome_greedy = None
        flags = gordon_loeb(problem, chosen)
        started = time.perf_counter()
        ranked = greedy(problem, solution.value) if rnd.mode == "value" else \
            greedy_appetite(problem, judge, problem.cost(chosen))
        if ranked is not None:
            outcome_greedy = replace(ranked, verified=verify(prepared, problem, _mask(problem, ranked.chosen)))
        timings["greedy"] = time.perf_counter() - started
    curve = None
    if frontier_points > 0:
        curve = frontier(problem, prepared, chosen, points=frontier_points, gap=gap, time_limit=time_limit,
                         progress=progress)
        timings["frontier"] = curve.seconds
    return Outcome(
        round=rnd,
        status=solution.status,
        chosen=_ids(problem, chosen) if chosen is not None else (),
        value=solution.value,
        cost=problem.cost(chosen) if chosen is not None else None,
        benefits=float(problem.benefit[chosen].sum()) if chosen is not None else None,
        model_ale=problem.residual(chosen) if chosen is not None else None,
        inherent_ale=inherent_ale,
        gap=solution.gap,
        cuts=cuts,
        model_seconds=timings["model"],
        verified=verified,
        infeasible=infeasible,
        gordon_loeb=flags,
        greedy=outcome_greedy,
        frontier=curve,
        timings=timings,
    )


def _key(scenario: Scenario) -> tuple[object, ...]:
    return (scenario.risks, scenario.years, scenario.seed, scenario.tolerance)


def _mask(problem: Problem, ids: Sequence[str]) -> np.ndarray:
    index = problem.round.index
    mask = np.zeros(problem.size, dtype=bool)
    mask[[index[i] for i in ids]] = True
    return mask
