"""Event counts: the tabulated mixed-Poisson law, its sampler, and the draw-the-rate-first fallback."""

from __future__ import annotations

import math

import numpy as np
import pytest

from accord.quant import CompoundRisk, Constant, FairRisk, LognormalCI90, Pert, Scenario, Uniform, simulate
from accord.quant.distributions import CountSampler
from accord.quant.numerics import TAIL, mixed_poisson_pmf, poisson_count_limit


@pytest.mark.parametrize(
    ("rate", "scale"),
    [
        (Constant(2.5), 1.0),
        (Uniform(0.0, 3.0), 1.0),
        (Pert(0.5, 2, 6), 1.0),
        (Pert(1, 4, 12), 0.2323),
        (Pert(0, 0, 18), 0.7),
    ],
)
def test_mixed_poisson_table_has_the_exact_mean_and_variance(rate: object, scale: float) -> None:
    assert isinstance(rate, Constant | Uniform | Pert)
    pmf = mixed_poisson_pmf(rate, scale)
    assert pmf is not None
    k = np.arange(pmf.size)
    mean = float((pmf * k).sum())
    variance = float((pmf * k * k).sum()) - mean**2
    # N | R ~ Poisson(scale R): E[N] = scale E[R], Var[N] = scale E[R] + scale^2 Var[R].
    assert mean == pytest.approx(scale * rate.mean, abs=1e-13)
    assert variance == pytest.approx(scale * rate.mean + scale**2 * rate.variance, abs=1e-12)


def test_constant_rate_table_is_the_poisson_distribution() -> None:
    pmf = mixed_poisson_pmf(Constant(3.0), 1.0)
    assert pmf is not None
    exact = [math.exp(-3.0) * 3.0**k / math.factorial(k) for k in range(pmf.size)]
    assert np.max(np.abs(pmf - exact)) < 1e-15


def test_mixed_poisson_table_matches_drawing_the_rate_then_the_count() -> None:
    rate = Pert(0.5, 2, 6)
    pmf = mixed_poisson_pmf(rate, 1.0)
    assert pmf is not None
    n = 1_000_000
    rng = np.random.default_rng(8)
    counts = rng.poisson(rate.sample(rng, n))
    for k in range(8):
        observed = float(np.mean(counts == k))
        assert abs(observed - pmf[k]) < 4 * math.sqrt(pmf[k] * (1 - pmf[k]) / n)


def test_count_limit_leaves_less_than_the_tail() -> None:
    for rate in (0.1, 2.0, 20.0, 150.0):
        limit = poisson_count_limit(rate)
        assert limit is not None
        tail = sum(math.exp(-rate + k * math.log(rate) - math.lgamma(k + 1)) for k in range(limit + 1, limit + 2000))
        assert tail < TAIL
    assert poisson_count_limit(5_000.0) is None


def test_count_sampler_draws_the_tabulated_law() -> None:
    pmf = np.array([0.5, 0.3, 0.15, 0.05])
    sampler = CountSampler(pmf)
    n = 1_000_000
    draws = sampler.sample(np.random.default_rng(3), n)
    frequencies = np.bincount(draws, minlength=sampler.size) / n
    assert frequencies[4:].sum() == 0
    for k, p in enumerate(pmf):
        assert abs(frequencies[k] - p) < 4 * math.sqrt(p * (1 - p) / n)


def test_large_rates_fall_back_to_drawing_the_rate_first() -> None:
    risk = CompoundRisk("r", Pert(100, 200, 300), Constant(1.0))
    assert risk.count_sampler is None
    counts = simulate(Scenario(risks=(risk,), years=100_000, seed=1)).inherent.portfolio_losses
    rate = Pert(100, 200, 300)
    assert abs(counts.mean() - rate.mean) < 4 * math.sqrt((rate.mean + rate.variance) / counts.size)
    assert counts.var() == pytest.approx(rate.mean + rate.variance, rel=0.02)


@pytest.mark.parametrize(
    ("rate", "scale"),
    [(LognormalCI90(0.5, 2.5), 1.0), (LognormalCI90(0.01, 0.1), 1.0), (LognormalCI90(0.2, 3), 0.25),
     (LognormalCI90(3, 9), 1.0)],
)
def test_lognormal_rate_table_has_the_exact_mean_and_variance(rate: LognormalCI90, scale: float) -> None:
    pmf = mixed_poisson_pmf(rate, scale)
    assert pmf is not None
    k = np.arange(pmf.size)
    mean = float((pmf * k).sum())
    variance = float((pmf * k * k).sum()) - mean**2
    assert mean == pytest.approx(scale * rate.mean, rel=1e-12)
    assert variance == pytest.approx(scale * rate.mean + scale**2 * rate.variance, rel=1e-11)


def test_lognormal_rate_table_matches_drawing_the_rate_then_the_count() -> None:
    rate = LognormalCI90(0.5, 2.5)
    pmf = mixed_poisson_pmf(rate, 1.0)
    assert pmf is not None
    n = 1_000_000
    rng = np.random.default_rng(9)
    counts = rng.poisson(rate.sample(rng, n))
    for k in range(8):
        observed = float(np.mean(counts == k))
        assert abs(observed - pmf[k]) < 4 * math.sqrt(pmf[k] * (1 - pmf[k]) / n)


def test_lognormal_rates_are_tabulated_for_compound_and_fair_risks() -> None:
    assert CompoundRisk("r", LognormalCI90(0.5, 2.5), Constant(1.0)).count_sampler is not None
    fair = FairRisk("w", tef=LognormalCI90(0.2, 3), vulnerability=Constant(0.25), primary_loss=Constant(1.0))
    assert fair.count_sampler is not None
    counts = simulate(Scenario(risks=(fair,), years=200_000, seed=4)).inherent.portfolio_losses
    mean = 0.25 * fair.tef.mean
    variance = mean + 0.0625 * fair.tef.variance
    assert abs(counts.mean() - mean) < 4 * math.sqrt(variance / counts.size)
    assert counts.var() == pytest.approx(variance, rel=0.03)


def test_wide_lognormal_rates_draw_the_rate_each_year() -> None:
    rate = LognormalCI90(0.5, 4.0)  # at 8.5 sigma the rate is about 300: a table would pass 400 counts
    risk = CompoundRisk("r", rate, Constant(1.0))
    assert risk.count_sampler is None
    counts = simulate(Scenario(risks=(risk,), years=200_000, seed=2)).inherent.portfolio_losses
    assert counts.var() == pytest.approx(rate.mean + rate.variance, rel=0.03)
    assert abs(counts.mean() - rate.mean) < 4 * math.sqrt((rate.mean + rate.variance) / counts.size)


def test_an_uncertain_vulnerability_is_drawn_per_year() -> None:
    # Var[N] = E[TEF V] + Var[TEF V] for N ~ Poisson(TEF V), TEF and V independent, drawn per year.
    tef, vulnerability = Constant(8.0), Pert(0.1, 0.3, 0.8)
    risk = FairRisk("w", tef=tef, vulnerability=vulnerability, primary_loss=Constant(1.0))
    assert risk.count_sampler is None
    counts = simulate(Scenario(risks=(risk,), years=200_000, seed=3)).inherent.portfolio_losses
    mean = 8.0 * vulnerability.mean
    assert abs(counts.mean() - mean) < 4 * math.sqrt((mean + 64 * vulnerability.variance) / counts.size)
    assert counts.var() == pytest.approx(mean + 64 * vulnerability.variance, rel=0.02)


@pytest.mark.parametrize("rate", [Pert(5, 5.000001, 5.000002), Pert(0.5, 0.50005, 0.5001), Uniform(2, 2.000001)])
def test_very_narrow_rates_are_tabulated_like_a_constant(rate: Pert | Uniform) -> None:
    pmf = mixed_poisson_pmf(rate, 1.0)
    assert pmf is not None
    poisson = mixed_poisson_pmf(Constant(rate.mean), 1.0)
    assert poisson is not None
    n = min(pmf.size, poisson.size)
    assert np.max(np.abs(pmf[:n] - poisson[:n])) < 1e-5  # a rate known to 1e-4 or better: nearly Poisson
    k = np.arange(pmf.size)
    assert float((pmf * k).sum()) == pytest.approx(rate.mean, rel=1e-12)
