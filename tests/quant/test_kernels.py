"""The compiled kernels: every distribution kind drawn in the kernel, counts, and per-year losses."""

from __future__ import annotations

import math

import numpy as np
import pytest

from accord.quant import kernels
from accord.quant.distributions import BetaSampler, Constant, LognormalCI90, Pert, Uniform
from accord.quant.model import FairRisk
from accord.quant.sampling import event_counts, simulate_events, simulate_year_sums, stream

N = 400_000


def _kernel_draws(dist: Constant | Uniform | Pert | LognormalCI90, seed: int = 1, n: int = N) -> np.ndarray:
    out = np.empty(n)
    kernels.fill(np.random.default_rng(seed), *dist.kernel, out)
    return out


@pytest.mark.parametrize(
    "dist",
    [
        Uniform(10, 50),
        LognormalCI90(1_000, 50_000),
        Pert(0.05, 0.2, 0.6),
        Pert(1_000, 1_000, 9_000),  # mode at low: alpha = 1
        Pert(0, 0, 1, gamma=1999),  # Beta(1, 2000), very peaked
        Pert(0, 0.999, 1, gamma=5000),  # very peaked, mode near the top
    ],
    ids=["uniform", "lognormal", "pert", "pert-mode-at-low", "pert-peaked", "pert-peaked-high"],
)
def test_every_kind_drawn_in_the_kernel_has_its_closed_form_mean_and_variance(
    dist: Uniform | Pert | LognormalCI90,
) -> None:
    draws = _kernel_draws(dist)
    se = math.sqrt(dist.variance / N)
    assert abs(draws.mean() - dist.mean) < 4 * se
    # Variance of the sample variance ~ (mu4 - sigma^4)/n; a loose 5% bound is far from the noise here.
    assert draws.var() == pytest.approx(dist.variance, rel=0.05)
    low, high = dist.support
    assert draws.min() >= low and draws.max() <= high


def test_pert_draws_use_the_envelope_table_and_a_too_coarse_envelope_falls_back_to_numpys_beta() -> None:
    par, tab = Pert(0.05, 0.2, 0.6).kernel
    assert int(par[0]) == kernels.PERT
    assert 256 <= tab.shape[0] < 300
    coarse = BetaSampler(3.0, 3.0, intervals=1)
    assert coarse.efficiency < 0.8
    par, _ = coarse.kernel_args()
    assert int(par[0]) == kernels.BETA
    draws = coarse.sample(np.random.default_rng(4), N)
    assert abs(draws.mean() - 0.5) < 4 * math.sqrt(1 / 28 / N)


@pytest.mark.parametrize(("alpha", "beta"), [(1.0, 1.0), (3.0, 3.0), (1.5, 30.0), (1.0, 2000.0), (2000.0, 2.0)])
def test_the_envelope_covers_zero_to_one_with_equal_mass_pieces_above_the_density(alpha: float, beta: float) -> None:
    sampler = BetaSampler(alpha, beta)
    left, width, squeeze, height = sampler.table.T
    assert left[0] == 0.0 and left[-1] + width[-1] == 1.0
    assert np.array_equal(left[1:], left[:-1] + width[:-1])
    # Every piece has the same envelope mass (height x width), up to rounding; the squeeze is below it.
    assert np.allclose(height * width, height[0] * width[0], rtol=1e-12, atol=0)
    assert np.all((squeeze >= 0) & (squeeze < 1))
    # The envelope lies above the density (relative to its peak) on a fine grid inside every piece.
    par = kernels.parameters(kernels.PERT, 0.0, 1.0, alpha, beta, sampler.mode)
    for j in range(0, len(left), 7):
        for t in np.linspace(0, 1, 50, endpoint=False):
            x = left[j] + t * width[j]
            f = kernels.relative_density(x, par)
            assert f <= height[j]
            assert squeeze[j] * height[j] <= f * (1 + 1e-9) or f == 0.0


def test_a_constant_draws_nothing_from_the_stream() -> None:
    rng = np.random.default_rng(9)
    out = np.empty(1_000)
    kernels.fill(rng, *Constant(7.5).kernel, out)
    assert np.all(out == 7.5)
    assert rng.random() == np.random.default_rng(9).random()


def test_kernel_draws_are_reproducible_and_depend_on_the_seed() -> None:
    dist = Pert(10, 20, 60)
    assert np.array_equal(_kernel_draws(dist, seed=3, n=1_000), _kernel_draws(dist, seed=3, n=1_000))
    assert not np.array_equal(_kernel_draws(dist, seed=3, n=1_000), _kernel_draws(dist, seed=4, n=1_000))


def test_poisson_counts_with_a_lognormal_rate_have_the_mixed_poisson_mean_and_variance() -> None:
    rate = LognormalCI90(0.5, 4.0)
    scale = 0.3
    out = np.empty(N, dtype=np.int64)
    kernels.poisson_counts(np.random.default_rng(2), *rate.kernel, *Constant(scale).kernel, out)
    mean = scale * rate.mean
    variance = mean + scale**2 * rate.variance
    assert abs(out.mean() - mean) < 4 * math.sqrt(variance / N)
    assert out.var() == pytest.approx(variance, rel=0.05)


def _fair() -> FairRisk:
    return FairRisk(
        "web",
        tef=LognormalCI90(1, 12),  # lognormal TEF: counts drawn in two steps, not from a table
        primary_loss=Pert(20_000, 60_000, 400_000),
        vulnerability=Pert(0.2, 0.4, 0.7),
        secondary_probability=Pert(0.1, 0.3, 0.6),
        secondary_loss=LognormalCI90(50_000, 3_000_000),
    )


def test_year_sums_are_the_same_whether_the_events_are_kept_or_not(monkeypatch: pytest.MonkeyPatch) -> None:
    risk = _fair()
    assert risk.count_sampler is None
    direct = np.empty(30_000)
    events = simulate_year_sums(risk, stream(5, (1, 2), 0, 0), direct)
    monkeypatch.setattr("accord.quant.sampling.MAX_BATCH_EVENTS", 5_000)
    batches = list(simulate_events(risk, stream(5, (1, 2), 0, 0), 30_000))
    assert len(batches) > 5
    batched = np.concatenate([batch.sums for batch in batches])
    assert np.array_equal(direct, batched)
    assert events == sum(batch.loss.size for batch in batches)
    # Each batch's sums are its events' losses added in event order, year by year.
    for batch in batches:
        by_year = np.zeros(batch.years)
        for year, loss in zip(batch.year, batch.loss, strict=True):
            by_year[year] += loss
        assert np.array_equal(by_year, batch.sums)


def test_a_fair_year_loss_has_the_closed_form_mean() -> None:
    risk = _fair()
    years = 200_000
    sums = np.empty(years)
    simulate_year_sums(risk, stream(8, (3, 4), 0, 0), sums)
    expected = risk.expected_annual_loss
    assert abs(sums.mean() - expected) < 4 * sums.std() / math.sqrt(years)


def test_counts_of_a_chunk_depend_only_on_the_stream() -> None:
    risk = _fair()
    first = event_counts(risk, stream(1, (5, 6), 2, 0), 1_000)
    assert np.array_equal(first, event_counts(risk, stream(1, (5, 6), 2, 0), 1_000))
    assert first.dtype == np.int64


@pytest.mark.parametrize("zeros", [0.0, 0.5, 0.99, 1.0])
def test_the_radix_sort_gives_numpys_sorted_positive_values_bit_for_bit(zeros: float) -> None:
    rng = np.random.default_rng(21)
    values = np.concatenate(
        [rng.lognormal(8, 3, 50_000), rng.uniform(0, 1e-300, 100), [5e-324, 1.7e308, 1.0, 1.0, 1.0]]
    )
    values[rng.random(values.size) < zeros] = 0.0
    values.setflags(write=False)  # loss vectors are read-only
    expected = np.sort(values[values > 0])
    got = kernels.sorted_positive(values)
    assert got.dtype == np.float64
    assert np.array_equal(got.view(np.uint64), expected.view(np.uint64))


def test_the_radix_sort_of_nothing_is_empty() -> None:
    assert kernels.sorted_positive(np.empty(0)).size == 0


@pytest.mark.parametrize("mean", [0.02, 0.7, 3.0, 9.5, 10.0, 40.0])
def test_poisson_counts_follow_the_poisson_law_by_inversion_and_above_it(mean: float) -> None:
    out = np.empty(N, dtype=np.int64)
    kernels.poisson_counts(np.random.default_rng(6), *Constant(mean).kernel, *Constant(1.0).kernel, out)
    assert abs(out.mean() - mean) < 4 * math.sqrt(mean / N)
    # Frequencies of the likeliest counts against the exact probabilities, within 4 standard errors.
    observed = np.bincount(out)
    for k in range(max(0, int(mean) - 3), int(mean) + 4):
        p = math.exp(-mean + k * math.log(mean) - math.lgamma(k + 1))
        frequency = observed[k] / N if k < observed.size else 0.0
        assert abs(frequency - p) < 4 * math.sqrt(p * (1 - p) / N) + 1e-12


def test_thinned_sums_equal_the_sums_of_the_u_sorted_events() -> None:
    rng = np.random.default_rng(12)
    counts = rng.poisson(3.0, 5_000)
    counts[17] = 200  # one year with many events: sorted by the full sort, not the insertion sort
    year = np.repeat(np.arange(counts.size), counts).astype(np.intp)
    loss = rng.lognormal(8, 2, year.size)
    uniform = rng.random(year.size)
    for keep in (0.0, 0.3, 0.999, 1.0):
        out = np.empty(counts.size)
        kernels.thinned_sums(year, loss, uniform, keep, counts.size, out)
        order = np.argsort(uniform)
        kept = order[: int(np.searchsorted(uniform[order], keep))]
        expected = np.bincount(year[kept], weights=loss[kept], minlength=counts.size)
        assert np.array_equal(out, expected)
