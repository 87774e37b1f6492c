"""The mixed-integer model of a round, solved by SciPy's `milp` (HiGHS).

One binary x_i per candidate. A control c multiplies each risk r it names by k_cr = (1 - f_cr)(1 - m_cr)
(its frequency and magnitude fractions); the expected annual loss of r under a set S is, exactly,

    ALE_r(S) = A_r x prod_{c in S} k_cr          (A_r: r's simulated inherent mean annual loss)

(thinning a compound Poisson process by F and scaling each loss by M multiplies its mean by F x M). The
product is not linear, and two controls on one risk do not add, so each risk's residual is written
exactly, by how many candidate controls name it (docs/budget.md, "The model"):

* one control: ALE_r = A_r - A_r (1 - k) x_c, linear;
* two to SUBSET_LIMIT controls: one continuous weight z_T per subset T of them, sum_T z_T = 1 and, per
  control, sum_{T contains c} z_T = x_c, so that binary x leaves one z_T = 1: ALE_r = sum_T A_r P_T z_T
  with P_T = prod_{c in T} k_c, the exact product of every subset (the convex hull of the risk's terms);
* more: a chain y_j = y_{j-1} - d_j over the controls in a fixed order, y_0 = A_r, with
  d_j <= (1 - k_j) y_{j-1} and d_j <= (1 - k_j) A_r x_j: d_j can reach (1 - k_j) y_{j-1} x_j and no
  more, which is y_{j-1} x k_j when x_j = 1 and y_{j-1} when x_j = 0. Both uses of the residual
  (maximised value; least cost is judged by simulation, not by the model) push d_j to its bound, so
  the optimum is exact; only HiGHS's tolerances separate it from the product.

So the model has no approximation error of its own: the model's residual is the product formula on the
simulated inherent means, and the gap to the verified (simulated) residual is the Monte Carlo noise of
thinning events with common random numbers, which `accord.optimize.engine` measures and reports.
"""

from __future__ import annotations

import contextlib
import itertools
import math
import os
import sys
import time
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp  # type: ignore[import-untyped]  # no stubs: SciPy ships none
from scipy.sparse import coo_array  # type: ignore[import-untyped]

from accord.optimize.round import Cost, Round

#: Most controls on one risk written with one weight per subset (2^4 = 16 weights); more use the chain.
SUBSET_LIMIT = 4
#: The relative MIP gap HiGHS stops at by default past EXACT_UP_TO candidates: the value found is within
#: 0.1% of the optimum, as HiGHS's bound proves. 1,000 candidates take under half a second at this gap, about
#: two at 1e-4 and ten to prove optimality (docs/benchmarks.md).
DEFAULT_GAP = 1e-3
#: Rounds of at most this many candidates are solved to proven optimality by default (gap 0).
EXACT_UP_TO = 100


def default_gap(candidates: int) -> float:
    """The gap a round is solved to when none is asked for: 0 (proven optimal) for small rounds, else DEFAULT_GAP."""
    return 0.0 if candidates <= EXACT_UP_TO else DEFAULT_GAP
#: Tie-break weight of cost against value (value mode) or of benefit against cost (appetite mode), per
#: unit of money in the scaled objective: among portfolios worth the same, the cheaper (or more useful).
TIE_BREAK = 1e-9

Status = Literal["optimal", "feasible", "infeasible", "limit"]

GROUPS = ("envelope.capex", "envelope.opex", "caps.initiative", "caps.control", "security_share.min",
          "security_share.max", "mandatory", "excluded", "requires", "excludes")


@dataclass(frozen=True)
class RiskTerm:
    """One risk the candidates' controls name: its inherent mean annual loss and (candidate, factor) pairs."""

    risk: int
    ale: float
    controls: tuple[tuple[int, float], ...]


@dataclass(frozen=True)
class Problem:
    """A round's numbers: costs, benefits and per-risk control factors, indexed like `round.candidates`."""

    round: Round
    capex: np.ndarray
    opex: np.ndarray
    benefit: np.ndarray
    is_control: np.ndarray
    inherent: np.ndarray  # per risk, in scenario order
    terms: tuple[RiskTerm, ...]
    standalone: np.ndarray = field(repr=False)  # each candidate's value alone (benefit, or risk it reduces)

    @classmethod
    def of(cls, round_: Round, inherent_ales: Sequence[float]) -> Problem:
        """The problem of `round_` given each risk's inherent mean annual loss (scenario order)."""
        cands = round_.candidates
        index = round_.scenario.risk_index
        per_risk: dict[int, list[tuple[int, float]]] = {}
        for i, cand in enumerate(cands):
            if cand.control is None:
                continue
            for effect in cand.control.effects:
                k = (1.0 - effect.frequency) * (1.0 - effect.magnitude)
                if k < 1.0:
                    per_risk.setdefault(index[effect.risk], []).append((i, k))
        inherent = np.asarray(inherent_ales, dtype=np.float64)
        terms = tuple(RiskTerm(r, float(inherent[r]), tuple(pairs)) for r, pairs in sorted(per_risk.items()))
        benefit = np.array([c.benefit for c in cands], dtype=np.float64)
        standalone = benefit.copy()
        for term in terms:
            for i, k in term.controls:
                standalone[i] += term.ale * (1.0 - k)
        return cls(
            round=round_,
            capex=np.array([c.cost.capex for c in cands], dtype=np.float64),
            opex=np.array([c.cost.opex for c in cands], dtype=np.float64),
            benefit=benefit,
            is_control=np.array([c.control is not None for c in cands]),
            inherent=inherent,
            terms=terms,
            standalone=standalone,
        )

    @property
    def size(self) -> int:
        return len(self.round.candidates)

    @property
    def total_cost(self) -> np.ndarray:
        return self.capex + self.opex

    def residual(self, chosen: np.ndarray) -> float:
        """The model's residual mean annual loss of a chosen set (a boolean mask): sum_r A_r prod k."""
        total = float(self.inherent.sum())
        for term in self.terms:
            kept = 1.0
            for i, k in term.controls:
                if chosen[i]:
                    kept *= k
            total -= term.ale * (1.0 - kept)
        return total

    def value(self, chosen: np.ndarray) -> float:
        """Benefits plus the risk reduced (inherent minus residual mean annual loss), the model's figure."""
        return float(self.benefit[chosen].sum()) + float(self.inherent.sum()) - self.residual(chosen)

    def cost(self, chosen: np.ndarray) -> Cost:
        return Cost(capex=round(float(self.capex[chosen].sum())), opex=round(float(self.opex[chosen].sum())))

    def violations(self, chosen: np.ndarray, envelope: Cost | None = None) -> list[str]:
        """The constraint groups a chosen set breaks (empty: it is feasible); for checks and the greedy."""
        rnd = self.round
        env = envelope or rnd.envelope
        out: list[str] = []
        if self.capex[chosen].sum() > env.capex:
            out.append("envelope.capex")
        if self.opex[chosen].sum() > env.opex:
            out.append("envelope.opex")
        total = self.total_cost
        for kind, cap in (rnd.caps or {}).items():
            mask = self.is_control if kind == "control" else ~self.is_control
            if total[chosen & mask].sum() > cap:
                out.append(f"caps.{kind}")
        if rnd.security_share is not None:
            spent = total[chosen].sum()
            security = total[chosen & self.is_control].sum()
            if security < rnd.security_share.low * spent - 1e-9:
                out.append("security_share.min")
            if security > rnd.security_share.high * spent + 1e-9:
                out.append("security_share.max")
        index = rnd.index
        for i, cand in enumerate(rnd.candidates):
            if cand.mandatory and not chosen[i]:
                out.append("mandatory")
            if cand.excluded and chosen[i]:
                out.append("excluded")
            if chosen[i] and any(not chosen[index[o]] for o in cand.requires):
                out.append("requires")
            if chosen[i] and any(chosen[index[o]] for o in cand.excludes):
                out.append("excludes")
        return sorted(set(out))


@dataclass(frozen=True)
class Solution:
    """What HiGHS found: status, the chosen mask, the model's value and the relative gap to its bound."""

    status: Status
    chosen: np.ndarray | None
    value: float | None
    gap: float | None
    seconds: float = 0.0
    message: str = ""


class _Rows:
    """Sparse constraint rows: lb <= sum coef x <= ub."""

    def __init__(self) -> None:
        self.rows: list[int] = []
        self.cols: list[int] = []
        self.vals: list[float] = []
        self.lb: list[float] = []
        self.ub: list[float] = []

    def add(self, cols: Sequence[int], vals: Sequence[float], lb: float, ub: float) -> None:
        row = len(self.lb)
        self.rows.extend([row] * len(cols))
        self.cols.extend(cols)
        self.vals.extend(vals)
        self.lb.append(lb)
        self.ub.append(ub)

    def constraint(self, n_vars: int) -> LinearConstraint | None:
        if not self.lb:
            return None
        matrix = coo_array((self.vals, (self.rows, self.cols)), shape=(len(self.lb), n_vars)).tocsr()
        return LinearConstraint(matrix, np.array(self.lb), np.array(self.ub))


@contextlib.contextmanager
def _quiet_stdout() -> Iterator[None]:
    """Send file descriptor 1 to the null device while HiGHS runs: its MIP solver prints a debugging line
    to the C standard output now and then (whatever `disp` says), which would corrupt a result written
    to standard output. Standard error, where Accord's messages and logs go, is left alone."""
    sys.stdout.flush()
    try:
        saved = os.dup(1)
    except OSError:  # no standard output at all: nothing to protect
        yield
        return
    try:
        with open(os.devnull, "wb") as null:
            os.dup2(null.fileno(), 1)
        yield
    finally:
        os.dup2(saved, 1)
        os.close(saved)


def _relaxed(relax: Collection[str], group: str, item: str) -> bool:
    return group in relax or item in relax


def solve(
    problem: Problem,
    *,
    mode: Literal["value", "appetite"],
    envelope: Cost | None = None,
    relax: Collection[str] = (),
    cuts: Sequence[Sequence[int]] = (),
    gap: float | None = None,
    time_limit: float | None = None,
    ale_cap: float | None = None,
) -> Solution:
    """Solve the round's model: maximise value (`value`) or minimise cost (`appetite`, whose tolerance
    points are the caller's cuts: each says "at least one of these candidates"), within `envelope` (the
    round's by default), leaving out the constraint groups or items named in `relax` (see `GROUPS`;
    items are `candidates[i].mandatory`, `candidates[i].excluded`, `candidates[i].requires[j]`,
    `candidates[i].excludes[j]`). `gap` is HiGHS's relative MIP gap (None: `default_gap`). `ale_cap` adds
    "the model's residual mean annual loss of the portfolio is at most ale_cap" (the appetite search's
    proxy, `accord.optimize.engine`)."""
    rnd = problem.round
    env = envelope or rnd.envelope
    n = problem.size
    if gap is None:
        gap = default_gap(n)
    total = problem.total_cost
    money_scale = max(float(problem.inherent.sum()), float(np.abs(problem.benefit).sum()), float(total.sum()), 1.0)
    cost_scale = max(float(total.sum()), 1.0)
    objective: list[float] = []
    rows = _Rows()
    if mode == "value":
        objective = list(-problem.benefit / money_scale + TIE_BREAK * total / money_scale)
    else:
        objective = list(total / cost_scale - TIE_BREAK * problem.benefit / cost_scale)
    lower = [0.0] * n
    upper = [1.0] * n
    integrality = [1] * n

    def new_var(cost: float, lb: float = 0.0, ub: float = 1.0) -> int:
        objective.append(cost)
        lower.append(lb)
        upper.append(ub)
        integrality.append(0)
        return len(objective) - 1

    # The residual mean annual loss, scaled: sum_r a_r + sum over `residual` of coefficient x variable.
    residual: dict[int, float] = {}
    if mode == "value" or ale_cap is not None:
        weight = 1.0 if mode == "value" else 0.0  # its weight in the objective
        for term in problem.terms:
            a = term.ale / money_scale
            pairs = term.controls
            if len(pairs) == 1:
                i, k = pairs[0]
                residual[i] = residual.get(i, 0.0) - a * (1.0 - k)
                objective[i] -= weight * a * (1.0 - k)
            elif len(pairs) <= SUBSET_LIMIT:
                members = range(len(pairs))
                weights: list[tuple[int, tuple[int, ...]]] = []
                for size in range(len(pairs) + 1):
                    for subset in itertools.combinations(members, size):
                        kept = math.prod(pairs[j][1] for j in subset)
                        z = new_var(weight * (a * kept - a))
                        residual[z] = a * kept - a
                        weights.append((z, subset))
                rows.add([w for w, _ in weights], [1.0] * len(weights), 1.0, 1.0)
                for j, (i, _) in enumerate(pairs):
                    cols = [w for w, subset in weights if j in subset] + [i]
                    rows.add(cols, [1.0] * (len(cols) - 1) + [-1.0], 0.0, 0.0)
            else:
                chain: list[int] = []
                for i, k in sorted(pairs, key=lambda p: p[1]):
                    d = new_var(-weight, 0.0, a)
                    residual[d] = -1.0
                    rows.add([d, i], [1.0, -(1.0 - k) * a], -math.inf, 0.0)
                    rows.add([d, *chain], [1.0] + [1.0 - k] * len(chain), -math.inf, (1.0 - k) * a)
                    chain.append(d)
    if ale_cap is not None:  # residual = sum of every risk's A_r (scaled) + the terms' reductions
        rows.add(list(residual), list(residual.values()), -math.inf,
                 (ale_cap - float(problem.inherent.sum())) / money_scale)
    if "envelope.capex" not in relax:
        rows.add(range(n), list(problem.capex), -math.inf, float(env.capex))
    if "envelope.opex" not in relax:
        rows.add(range(n), list(problem.opex), -math.inf, float(env.opex))
    for kind, cap in (rnd.caps or {}).items():
        if f"caps.{kind}" in relax:
            continue
        mask = problem.is_control if kind == "control" else ~problem.is_control
        cols = [i for i in range(n) if mask[i]]
        rows.add(cols, [float(total[i]) for i in cols], -math.inf, float(cap))
    share = rnd.security_share
    if share is not None:
        security = problem.is_control.astype(np.float64)
        if share.low > 0 and "security_share.min" not in relax:
            rows.add(range(n), list(total * (security - share.low)), 0.0, math.inf)
        if share.high < 1 and "security_share.max" not in relax:
            rows.add(range(n), list(total * (security - share.high)), -math.inf, 0.0)
    index = rnd.index
    pairs_seen: set[frozenset[int]] = set()
    for i, cand in enumerate(rnd.candidates):
        path = f"candidates[{i}]"
        if cand.mandatory and not _relaxed(relax, "mandatory", f"{path}.mandatory"):
            lower[i] = 1.0
        if cand.excluded and not _relaxed(relax, "excluded", f"{path}.excluded"):
            upper[i] = 0.0
        for j, other in enumerate(cand.requires):
            if not _relaxed(relax, "requires", f"{path}.requires[{j}]"):
                rows.add([i, index[other]], [1.0, -1.0], -math.inf, 0.0)
        for j, other in enumerate(cand.excludes):
            pair = frozenset((i, index[other]))
            if pair not in pairs_seen and not _relaxed(relax, "excludes", f"{path}.excludes[{j}]"):
                pairs_seen.add(pair)
                rows.add(sorted(pair), [1.0, 1.0], -math.inf, 1.0)
    for cut in cuts:
        rows.add(list(cut), [1.0] * len(cut), 1.0, math.inf)
    if any(lo > hi for lo, hi in zip(lower, upper, strict=True)):
        return Solution("infeasible", None, None, None, message="a candidate is both fixed in and out")
    n_vars = len(objective)
    constraint = rows.constraint(n_vars)
    # HiGHS's presolve bought nothing on these models (the chain and subset rows are already tight) and cost
    # up to twice the time on the benchmark's round.
    options: dict[str, object] = {"mip_rel_gap": gap, "presolve": False}
    if time_limit is not None:
        options["time_limit"] = time_limit
    started = time.perf_counter()
    with _quiet_stdout():
        result = milp(
            np.array(objective),
            integrality=np.array(integrality),
            bounds=Bounds(np.array(lower), np.array(upper)),
            constraints=[constraint] if constraint is not None else (),
            options=options,
        )
    seconds = time.perf_counter() - started
    if result.status == 2:
        return Solution("infeasible", None, None, None, seconds, str(result.message))
    if result.x is None:
        return Solution("limit", None, None, None, seconds, str(result.message))
    chosen = np.asarray(result.x[:n] > 0.5)
    status: Status = "optimal" if result.status == 0 else "feasible"
    mip_gap = float(result.mip_gap) if getattr(result, "mip_gap", None) is not None else None
    value = problem.value(chosen)
    return Solution(status, chosen, value, mip_gap, seconds, str(result.message))

