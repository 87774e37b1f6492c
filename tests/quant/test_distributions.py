"""Input distributions: closed-form moments, CDFs, sampling and validation."""

from __future__ import annotations

import math

import numpy as np
import pytest

from accord.quant.distributions import Z95, BetaSampler, Constant, LognormalCI90, Pert, Uniform, betainc


def test_pert_parameters_follow_the_modified_pert_formulas() -> None:
    pert = Pert(10, 20, 60, gamma=4)
    assert pert.alpha == pytest.approx(1 + 4 * (20 - 10) / 50)
    assert pert.beta == pytest.approx(1 + 4 * (60 - 20) / 50)
    assert pert.mean == pytest.approx((10 + 4 * 20 + 60) / 6)
    mu = pert.mean
    assert pert.variance == pytest.approx((mu - 10) * (60 - mu) / 7)


def test_pert_variance_equals_the_rescaled_beta_variance() -> None:
    pert = Pert(1, 2.5, 11, gamma=3)
    a, b = pert.alpha, pert.beta
    beta_variance = a * b / ((a + b) ** 2 * (a + b + 1)) * (11 - 1) ** 2
    assert pert.variance == pytest.approx(beta_variance, rel=1e-12)


def test_pert_samples_match_mean_and_variance() -> None:
    pert = Pert(0.05, 0.2, 0.6)
    n = 400_000
    draws = pert.sample(np.random.default_rng(1), n)
    assert draws.min() >= 0.05 and draws.max() <= 0.6
    assert abs(draws.mean() - pert.mean) < 4 * math.sqrt(pert.variance / n)
    assert draws.var() == pytest.approx(pert.variance, rel=0.01)


def test_pert_shape_parameter_gamma_narrows_the_peak() -> None:
    assert Pert(0, 5, 10, gamma=8).variance < Pert(0, 5, 10, gamma=4).variance


def test_lognormal_ci90_has_the_given_5th_and_95th_percentiles() -> None:
    dist = LognormalCI90(50_000, 2_000_000)
    assert dist.mu == pytest.approx((math.log(50_000) + math.log(2_000_000)) / 2)
    assert dist.sigma == pytest.approx((math.log(2_000_000) - math.log(50_000)) / (2 * Z95))
    cdf = dist.cdf(np.array([50_000.0, 2_000_000.0]))
    assert cdf == pytest.approx([0.05, 0.95], abs=1e-12)
    assert dist.mean == pytest.approx(math.exp(dist.mu + dist.sigma**2 / 2))


def test_lognormal_samples_hit_the_90_percent_range() -> None:
    draws = LognormalCI90(20, 400).sample(np.random.default_rng(2), 200_000)
    inside = np.mean((draws >= 20) & (draws <= 400))
    assert inside == pytest.approx(0.90, abs=4 * math.sqrt(0.9 * 0.1 / 200_000))


def test_uniform_and_constant_moments() -> None:
    assert Uniform(500, 5000).mean == 2750
    assert Uniform(500, 5000).variance == pytest.approx(4500**2 / 12)
    assert Constant(3).mean == 3 and Constant(3).variance == 0
    assert np.all(Constant(3).sample(np.random.default_rng(0), 5) == 3)


@pytest.mark.parametrize(
    ("a", "b", "closed_form"),
    [
        (1.0, 1.0, lambda x: x),
        (2.0, 1.0, lambda x: x**2),
        (1.0, 3.0, lambda x: 1 - (1 - x) ** 3),
        (3.0, 3.0, lambda x: 10 * x**3 - 15 * x**4 + 6 * x**5),
        (2.0, 4.0, lambda x: 1 - (1 - x) ** 5 - 5 * x * (1 - x) ** 4),
    ],
)
def test_incomplete_beta_matches_polynomial_closed_forms(a: float, b: float, closed_form: object) -> None:
    x = np.linspace(0, 1, 2001)
    assert callable(closed_form)
    assert np.max(np.abs(betainc(a, b, x) - closed_form(x))) < 1e-14


def test_pert_cdf_and_density_agree() -> None:
    pert = Pert(0.3, 0.6, 0.9, gamma=2.5)
    x = np.linspace(0.3, 0.9, 4001)
    integral = np.concatenate(([0.0], np.cumsum((pert.pdf(x[1:]) + pert.pdf(x[:-1])) / 2 * np.diff(x))))
    assert np.max(np.abs(integral - pert.cdf(x))) < 1e-6
    assert pert.cdf(np.array([0.3, 0.9])) == pytest.approx([0.0, 1.0])
    assert pert.sf(np.array([0.45])) == pytest.approx(1 - pert.cdf(np.array([0.45])), abs=1e-15)


@pytest.mark.parametrize(
    ("factory", "message"),
    [
        (lambda: Pert(50000, 20000, 90000), "low 50000 > mode 20000"),
        (lambda: Pert(1, 5, 4), "mode 5 > high 4"),
        (lambda: Pert(2, 2, 2), "low 2 must be < high 2"),
        (lambda: Pert(1, 2, 3, gamma=0), "gamma must be > 0"),
        (lambda: Uniform(3, 3), "low 3 must be < high 3"),
        (lambda: LognormalCI90(0, 10), "low 0 must be > 0"),
        (lambda: LognormalCI90(10, 10), "low 10 must be < high 10"),
        (lambda: Constant(math.inf), "value must be a finite number"),
    ],
)
def test_distributions_reject_invalid_parameters(factory: object, message: str) -> None:
    assert callable(factory)
    with pytest.raises(ValueError, match=message):
        factory()


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (1.0, 1.0),
        (1.0, 5.0),
        (5.0, 1.0),
        (3.0, 3.0),
        (2.09, 3.91),
        (1.5, 30.0),
        (40.0, 60.0),
        (1.0, 2000.0),
        (2000.0, 2.0),
    ],
)
def test_beta_sampler_draws_the_exact_beta_distribution(a: float, b: float) -> None:
    sampler = BetaSampler(a, b)
    n = 400_000
    draws = np.sort(sampler.sample(np.random.default_rng(11), n))
    assert draws.min() >= 0.0 and draws.max() < 1.0
    # Kolmogorov-Smirnov distance to the exact CDF, against its 0.1% critical value 1.95/sqrt(n).
    cdf = betainc(a, b, draws)
    upper = np.arange(1, n + 1) / n - cdf
    lower = cdf - np.arange(n) / n
    assert max(upper.max(), lower.max()) < 1.95 / math.sqrt(n)


def test_beta_sampler_is_reproducible() -> None:
    sampler = BetaSampler(2.5, 3.5)
    first = sampler.sample(np.random.default_rng(5), 10_000)
    assert np.array_equal(first, sampler.sample(np.random.default_rng(5), 10_000))


def test_alias_table_reproduces_its_weights_exactly() -> None:
    from accord.quant.distributions import _alias_table

    weights = np.random.default_rng(4).random(512)
    weights /= weights.sum()
    prob, alias = _alias_table(weights)
    # Column i keeps i with probability prob[i] and gives alias[i] the rest, each column chosen 1/k of the time.
    rebuilt = prob / weights.size
    np.add.at(rebuilt, alias, (1.0 - prob) / weights.size)
    assert np.max(np.abs(rebuilt - weights)) < 1e-15
