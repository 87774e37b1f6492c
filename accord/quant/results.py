"""Results: loss statistics per risk and for the portfolio, tolerance verdicts, and their JSON form.

Statistics of a vector x of n simulated annual losses (formulas also in docs/quant.md):

* ALE = mean(x); its Monte Carlo standard error sd(x)/sqrt(n).
* p50, p90, p95, p99: sample quantiles with linear interpolation between order statistics
  (NumPy's default, Hyndman-Fan type 7): h = (n-1) q, Q = x_(floor h) + (h - floor h)(x_(floor h + 1) - x_(floor h)).
* var_99 = p99, the 99% value-at-risk of the annual loss.
* es_99: expected shortfall, the mean of the worst ceil(n/100) years, i.e. the mean of the losses at
  or above VaR99 (ties at VaR99 are split so the tail always holds 1% of the years; with an atom at
  zero, "every year >= 0" would otherwise give back the ALE).
* prob_any_loss = #{x > 0}/n.
* LEC: exceedance probability P(x > L) = #{x > L}/n at 50 log-spaced losses L from the power of ten at
  or below the 1st percentile of positive losses to the power of ten at or above the largest (same grid for
  inherent and residual).
* Tolerance point (L, p_max): probability P(x > L), standard error sqrt(P(1-P)/n), ok iff P <= p_max;
  borderline iff |P - p_max| < BORDERLINE_SE x the standard error (a verdict more simulated years could
  turn). A result is borderline when any of its points is.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from accord.quant import kernels
from accord.quant.distributions import FloatArray

LEC_POINTS = 50
QUANTILES = (0.5, 0.9, 0.95, 0.99)
#: A tolerance verdict this close to its limit (in standard errors) could flip with more simulated years.
BORDERLINE_SE = 2.0


@dataclass(frozen=True)
class LossStats:
    """Statistics of one vector of simulated annual losses."""

    ale: float
    ale_standard_error: float
    p50: float
    p90: float
    p95: float
    p99: float
    var_99: float
    es_99: float
    prob_any_loss: float
    lec: tuple[tuple[float, float], ...]


class LossVector:
    """Simulated annual losses (read-only) and their statistics, computed on first use.

    `grid` is the LEC grid (None: derived from these losses). `scaled_from=(base, m)` says the losses are
    m x base's (m > 0), whose sorted positive values are then m x base's, exactly: x -> m x is monotone in
    floating point (a product underflowing to 0 is detected and falls back to sorting).
    """

    def __init__(
        self, losses: FloatArray, grid: FloatArray | None, *, scaled_from: tuple[LossVector, float] | None = None
    ) -> None:
        losses.setflags(write=False)
        self.losses = losses
        self._grid = grid
        self._scaled_from = scaled_from
        self._sorted_positive: FloatArray | None = None

    @property
    def sorted_positive(self) -> FloatArray:
        # Cached by hand, not with functools.cached_property: before Python 3.12 that holds one lock for
        # every instance, which would make the engine's worker threads sort one vector at a time.
        if self._sorted_positive is None:
            self._sorted_positive = self._sort()
        return self._sorted_positive

    def _sort(self) -> FloatArray:
        if self._scaled_from is not None:
            base, factor = self._scaled_from
            scaled = base.sorted_positive * factor
            if not (scaled.size and scaled[0] == 0.0):
                return scaled
        return sorted_positive(self.losses)

    @cached_property
    def grid(self) -> FloatArray:
        return lec_grid(self.sorted_positive) if self._grid is None else self._grid

    @cached_property
    def stats(self) -> LossStats:
        return loss_stats(self.losses, self.sorted_positive, self.grid)


@dataclass(frozen=True, eq=False)
class RiskResult:
    """One risk's annual losses and statistics, with the frequency and magnitude factors of the control set.

    `stats` is computed on first use (an evaluation made with `risk_statistics=False` leaves it to then)."""

    id: str
    vector: LossVector = field(repr=False)
    frequency_factor: float = 1.0
    magnitude_factor: float = 1.0

    @property
    def stats(self) -> LossStats:
        return self.vector.stats

    @property
    def losses(self) -> FloatArray:
        return self.vector.losses


@dataclass(frozen=True)
class ToleranceVerdict:
    """Whether P(annual loss > loss) stays at or below max_probability; `borderline` when the simulated
    probability is within BORDERLINE_SE standard errors of the limit (the verdict could turn)."""

    loss: float
    max_probability: float
    probability: float
    standard_error: float
    ok: bool
    borderline: bool = False


@dataclass(frozen=True)
class ToleranceResult:
    """Every point's verdict; `within` when all are ok, `borderline` when any is borderline."""

    within: bool
    points: tuple[ToleranceVerdict, ...]
    borderline: bool = False

    @classmethod
    def of(cls, points: tuple[ToleranceVerdict, ...]) -> ToleranceResult:
        return cls(within=all(v.ok for v in points), points=points, borderline=any(v.borderline for v in points))


def tolerance_verdict(loss: float, max_probability: float, probability: float, years: int) -> ToleranceVerdict:
    """The verdict on one tolerance point from the simulated P(annual loss > loss) over `years` years:
    standard error sqrt(P(1-P)/years); ok iff P <= max_probability; borderline iff
    |P - max_probability| < BORDERLINE_SE x standard error (never without a standard error)."""
    se = math.sqrt(probability * (1.0 - probability) / years) if years > 0 else 0.0
    return ToleranceVerdict(
        loss=loss,
        max_probability=max_probability,
        probability=probability,
        standard_error=se,
        ok=probability <= max_probability,
        borderline=se > 0 and abs(probability - max_probability) < BORDERLINE_SE * se,
    )


@dataclass(frozen=True, eq=False)
class Evaluation:
    """Inherent or residual results. `risk_losses[i]` and `portfolio_losses` are the simulated annual
    losses (read-only arrays of length `years`), kept so callers can chart or compare them."""

    risks: tuple[RiskResult, ...]
    portfolio: LossStats
    tolerance: ToleranceResult | None
    risk_losses: tuple[FloatArray, ...]
    portfolio_losses: FloatArray

    def risk(self, risk_id: str) -> RiskResult:
        """The result of one risk by id (KeyError if absent)."""
        for result in self.risks:
            if result.id == risk_id:
                return result
        raise KeyError(risk_id)


@dataclass(frozen=True, eq=False)
class Result:
    """A simulation: the inherent evaluation and, when the scenario has controls, the residual one."""

    years: int
    seed: int
    currency: str | None
    inherent: Evaluation
    residual: Evaluation | None
    models: tuple[str, ...] = ()
    susceptibility: tuple[float | None, ...] = ()


def sorted_positive(losses: FloatArray) -> FloatArray:
    """The positive losses in increasing order (a compiled radix sort: `accord.quant.kernels`)."""
    return kernels.sorted_positive(losses)


def lec_grid(sorted_positive: FloatArray, points: int = LEC_POINTS) -> FloatArray:
    """Log-spaced losses from the power of ten at or below the 1st percentile of the positive losses to
    the power of ten at or above the largest loss (empty when no year had a loss)."""
    if sorted_positive.size == 0:
        return np.empty(0)
    low_value = float(sorted_positive[int(0.01 * sorted_positive.size)])
    high_value = float(sorted_positive[-1])
    low = 10.0 ** math.floor(math.log10(low_value))
    high = 10.0 ** math.ceil(math.log10(high_value))
    if high <= low:
        high = low * 10.0
    return np.geomspace(low, high, points)


def _lerp(a: FloatArray, b: FloatArray, t: FloatArray) -> FloatArray:
    # The same two-sided form NumPy's percentile uses, so the results agree to the last bit.
    diff = b - a
    return np.asarray(np.where(t >= 0.5, b - diff * (1.0 - t), a + diff * t), dtype=np.float64)


def order_statistics(sorted_positive: FloatArray, n: int, ranks: FloatArray) -> FloatArray:
    """x_(i) for 0-based ranks i of a vector of n losses with `n - len(sorted_positive)` zeros."""
    zeros = n - sorted_positive.size
    ranks = np.asarray(ranks, dtype=np.int64)
    idx = np.clip(ranks - zeros, 0, max(sorted_positive.size - 1, 0))
    values = sorted_positive[idx] if sorted_positive.size else np.zeros(ranks.shape)
    return np.where(ranks < zeros, 0.0, values)


def quantiles(sorted_positive: FloatArray, n: int, qs: tuple[float, ...]) -> FloatArray:
    """Type-7 sample quantiles of a vector of n losses given only its sorted positive values."""
    h = (n - 1) * np.asarray(qs, dtype=np.float64)
    lower = np.floor(h)
    upper = np.minimum(lower + 1, n - 1)
    a = order_statistics(sorted_positive, n, lower)
    b = order_statistics(sorted_positive, n, upper)
    return _lerp(a, b, h - lower)


def loss_stats(losses: FloatArray, sorted_positive: FloatArray, grid: FloatArray) -> LossStats:
    """All statistics of `losses` (annual losses, >= 0); `sorted_positive` is its positive part sorted."""
    n = losses.size
    ale = float(losses.mean())
    # sd from the sum of squares (one pass, no temporary; einsum, not BLAS, whose own threads would spin
    # against the engine's): accurate to ~1e-10 relative here.
    variance = max(float(np.einsum("i,i->", losses, losses)) / n - ale * ale, 0.0)
    se = math.sqrt(variance / n)
    p50, p90, p95, p99 = (float(v) for v in quantiles(sorted_positive, n, QUANTILES))
    tail = -(-n // 100)
    es = float(sorted_positive[-tail:].sum() if sorted_positive.size >= tail else sorted_positive.sum()) / tail
    positives = sorted_positive.size
    exceed = (positives - np.searchsorted(sorted_positive, grid, side="right")) / n
    return LossStats(
        ale=ale,
        ale_standard_error=se,
        p50=p50,
        p90=p90,
        p95=p95,
        p99=p99,
        var_99=p99,
        es_99=es,
        prob_any_loss=positives / n,
        lec=tuple((float(x), float(p)) for x, p in zip(grid, exceed, strict=True)),
    )


def exceedance(sorted_positive: FloatArray, n: int, loss: float) -> float:
    """P(annual loss > loss) from the sorted positive losses of n years."""
    return float(sorted_positive.size - np.searchsorted(sorted_positive, loss, side="right")) / n


def _stats_dict(stats: LossStats) -> dict[str, object]:
    return {
        "ale": stats.ale,
        "ale_standard_error": stats.ale_standard_error,
        "p50": stats.p50,
        "p90": stats.p90,
        "p95": stats.p95,
        "p99": stats.p99,
        "var_99": stats.var_99,
        "es_99": stats.es_99,
        "prob_any_loss": stats.prob_any_loss,
        "lec": [[x, p] for x, p in stats.lec],
    }


def tolerance_to_dict(tolerance: ToleranceResult | None) -> dict[str, object] | None:
    """The JSON form of a tolerance verdict: within, borderline and each point's probability and verdict."""
    if tolerance is None:
        return None
    return {
        "within": tolerance.within,
        "borderline": tolerance.borderline,
        "points": [
            {
                "loss": point.loss,
                "max_probability": point.max_probability,
                "probability": point.probability,
                "standard_error": point.standard_error,
                "ok": point.ok,
                "borderline": point.borderline,
            }
            for point in tolerance.points
        ],
    }


def evaluation_to_dict(
    evaluation: Evaluation, models: tuple[str, ...] = (), susceptibility: tuple[float | None, ...] = ()
) -> dict[str, object]:
    """The JSON form of an inherent or residual evaluation."""
    risks: list[dict[str, object]] = []
    for i, risk in enumerate(evaluation.risks):
        item: dict[str, object] = {"id": risk.id}
        if i < len(models):
            item["model"] = models[i]
        item.update(_stats_dict(risk.stats))
        item["frequency_factor"] = risk.frequency_factor
        item["magnitude_factor"] = risk.magnitude_factor
        if i < len(susceptibility) and susceptibility[i] is not None:
            item["susceptibility"] = susceptibility[i]
        risks.append(item)
    tolerance = tolerance_to_dict(evaluation.tolerance)
    return {"risks": risks, "portfolio": _stats_dict(evaluation.portfolio), "tolerance": tolerance}


def result_to_dict(result: Result) -> dict[str, object]:
    """The JSON form of a simulation result (the shape documented in docs/quant.md)."""
    return {
        "years": result.years,
        "seed": result.seed,
        "currency": result.currency,
        "inherent": evaluation_to_dict(result.inherent, result.models, result.susceptibility),
        "residual": (
            evaluation_to_dict(result.residual, result.models, result.susceptibility)
            if result.residual is not None
            else None
        ),
    }
