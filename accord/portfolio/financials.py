"""Financials of an initiative, pure (NumPy, no Django): total cost of ownership over its horizon, NPV at
a discount rate, payback period and, because the yearly benefit is a 90% range, P(NPV < 0) by Monte Carlo
through `accord.quant`'s distributions with a fixed seed. Formulas (also in docs/portfolio.md):

Year t = 0 … H−1 of the horizon H (year 0 is the first year of the horizon); C_t = capex_t + opex_t of that
year; B the yearly benefit, earned in years t ≥ f (f = `benefit_from`, 1 by default: nothing is earned
in the year the work starts); r the yearly discount rate; cash flow CF_t = B·[t ≥ f] − C_t.

* TCO = Σ C_t (not discounted).
* NPV = Σ CF_t / (1 + r)^t = B·A − PV_C, with A = Σ_{t=f}^{H−1} (1 + r)^−t and PV_C = Σ C_t (1 + r)^−t.
  The NPV shown uses the mean of B.
* Payback: year 0's cash flow happens at once, year t's (t ≥ 1) evenly over the t-th year; with
  S_t = Σ_{s≤t} CF_s, payback is 0 when S_0 ≥ 0, else (t − 1) + (−S_{t−1}) / CF_t for the first t with
  S_t ≥ 0 (in years); none within the horizon: None.
* B's distribution from its 90% range [low, high]: `LognormalCI90(low, high)` when 0 < low < high,
  `Uniform(0, high)` when low = 0 < high, a constant when low = high.
* P(NPV < 0) = P(B·A < PV_C): the share of `draws` samples of B (NumPy PCG64, seed `seed`) whose NPV is
  negative. For the lognormal it equals Φ((ln(PV_C / A) − μ) / σ) in closed form (`closed_form_p_loss`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from accord.quant.distributions import Constant, Distribution, LognormalCI90, Uniform

DEFAULT_DRAWS = 20_000
DEFAULT_SEED = 20_260_101


@dataclass(frozen=True)
class Financials:
    """An initiative's figures, in the same unit as its inputs (minor units). `npv`, `payback_years` and
    `p_npv_negative` are None without a benefit range."""

    tco: float
    pv_costs: float
    npv: float | None
    payback_years: float | None
    p_npv_negative: float | None
    mean_benefit: float | None
    draws: int


def benefit_distribution(low: float, high: float) -> Distribution:
    """The yearly benefit's distribution from its 90% range (see the module's docstring)."""
    if low < 0 or high < 0:
        raise ValueError("a benefit range cannot be negative")
    if low > high:
        raise ValueError(f"the benefit's low {low} must not exceed its high {high}")
    if low == high:
        return Constant(float(low))
    if low == 0:
        return Uniform(0.0, float(high))
    return LognormalCI90(float(low), float(high))


def discount_factors(years: int, rate: float) -> np.ndarray:
    """(1 + r)^−t for t = 0 … years−1."""
    if rate <= -1:
        raise ValueError("the discount rate must be above -100%")
    return np.asarray((1.0 + rate) ** -np.arange(years, dtype=np.float64))


def annuity(years: int, rate: float, *, benefit_from: int = 1) -> float:
    """A = Σ_{t=f}^{H−1} (1 + r)^−t: what a benefit of 1 a year is worth today."""
    return float(discount_factors(years, rate)[benefit_from:].sum())


def payback(cash_flows: Sequence[float]) -> float | None:
    """Years until the cumulative cash flow reaches zero: year 0's flow at once, each later year's evenly
    over that year (None: not within the cash flows given)."""
    if not cash_flows:
        return None
    before = float(cash_flows[0])
    if before >= 0:
        return 0.0
    for t, flow in enumerate(cash_flows[1:], start=1):
        after = before + float(flow)
        if after >= 0:
            return (t - 1) + (-before) / float(flow)
        before = after
    return None


def closed_form_p_loss(costs: Sequence[float], low: float, high: float, rate: float, *,
                       benefit_from: int = 1) -> float:
    """P(NPV < 0) for a lognormal benefit: Φ((ln(PV_C / A) − μ) / σ); 1 when nothing is earned in the horizon."""
    dist = LognormalCI90(low, high)
    factors = discount_factors(len(costs), rate)
    pv_costs = float(np.dot(np.asarray(costs, dtype=np.float64), factors))
    a = float(factors[benefit_from:].sum())
    if a <= 0:
        return 1.0 if pv_costs > 0 else 0.0
    if pv_costs <= 0:
        return 0.0
    z = (math.log(pv_costs / a) - dist.mu) / dist.sigma
    return 0.5 * math.erfc(-z / math.sqrt(2.0))


def evaluate(costs: Sequence[float], benefit_low: float | None, benefit_high: float | None, rate: float, *,
             benefit_from: int = 1, draws: int = DEFAULT_DRAWS, seed: int = DEFAULT_SEED) -> Financials:
    """The figures of an initiative whose yearly costs over its horizon are `costs` (C_0 … C_{H−1})."""
    if not costs:
        raise ValueError("the horizon must have at least one year")
    if draws < 1:
        raise ValueError("draws must be at least 1")
    flows_c = np.asarray(costs, dtype=np.float64)
    factors = discount_factors(len(costs), rate)
    tco = float(flows_c.sum())
    pv_costs = float(np.dot(flows_c, factors))
    if benefit_low is None or benefit_high is None:
        return Financials(tco=tco, pv_costs=pv_costs, npv=None, payback_years=None, p_npv_negative=None,
                          mean_benefit=None, draws=0)
    dist = benefit_distribution(benefit_low, benefit_high)
    a = float(factors[benefit_from:].sum())
    mean = float(dist.mean)
    npv = mean * a - pv_costs
    earned = np.where(np.arange(len(costs)) >= benefit_from, mean, 0.0)
    samples = dist.sample(np.random.Generator(np.random.PCG64(seed)), draws)
    p_loss = float(np.count_nonzero(samples * a - pv_costs < 0) / draws)
    return Financials(tco=tco, pv_costs=pv_costs, npv=npv, payback_years=payback(list(earned - flows_c)),
                      p_npv_negative=p_loss, mean_benefit=mean, draws=draws)
