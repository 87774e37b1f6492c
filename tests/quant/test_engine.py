"""The Monte Carlo engine: closed-form checks, percentiles, controls, tolerance and reproducibility."""

from __future__ import annotations

import math

import numpy as np
import pytest

import accord.quant.engine as engine
import accord.quant.sampling as sampling
from accord.quant import (
    CompoundRisk,
    Constant,
    Control,
    Effect,
    FairRisk,
    LognormalCI90,
    Pert,
    Scenario,
    TolerancePoint,
    Uniform,
    parse_scenario,
    prepare,
    result_to_dict,
    simulate,
)


def _poisson_cdf(lam: float, k: int) -> float:
    return sum(math.exp(-lam) * lam**j / math.factorial(j) for j in range(k + 1))


def _poisson_quantile(lam: float, q: float) -> int:
    k = 0
    while _poisson_cdf(lam, k) < q:
        k += 1
    return k


def _within(observed: float, expected: float, standard_error: float, sigmas: float = 4.0) -> bool:
    return abs(observed - expected) <= sigmas * standard_error


def test_compound_mean_is_rate_times_lognormal_mean() -> None:
    magnitude = LognormalCI90(50_000, 2_000_000)
    risk = CompoundRisk("r", Constant(0.8), magnitude)
    result = simulate(Scenario(risks=(risk,), years=200_000, seed=1), threads=2)
    stats = result.inherent.portfolio
    expected = 0.8 * math.exp(magnitude.mu + magnitude.sigma**2 / 2)
    assert _within(stats.ale, expected, stats.ale_standard_error)


def test_compound_mean_with_an_uncertain_rate_is_mean_rate_times_mean_loss() -> None:
    risk = CompoundRisk("r", Pert(0.5, 2, 6), Uniform(1_000, 9_000))
    result = simulate(Scenario(risks=(risk,), years=200_000, seed=2), threads=2)
    stats = result.inherent.risks[0].stats
    assert _within(stats.ale, Pert(0.5, 2, 6).mean * 5_000, stats.ale_standard_error)


def test_mixed_poisson_count_is_overdispersed_by_the_rate_variance() -> None:
    # Var[N] = E[lambda] + Var[lambda] for a mixed Poisson; with unit losses, annual loss = N.
    rate = Pert(0.5, 2, 10)
    risk = CompoundRisk("r", rate, Constant(1.0))
    losses = simulate(Scenario(risks=(risk,), years=300_000, seed=3), threads=2).inherent.portfolio_losses
    assert losses.var() == pytest.approx(rate.mean + rate.variance, rel=0.02)


def test_fair_mean_with_constant_vulnerability_is_tef_v_times_event_loss() -> None:
    risk = FairRisk(
        "w",
        tef=Pert(1, 4, 12),
        vulnerability=Constant(0.3),
        primary_loss=LognormalCI90(20_000, 400_000),
        secondary_probability=Pert(0.1, 0.3, 0.6),
        secondary_loss=Pert(50_000, 200_000, 3_000_000),
    )
    stats = simulate(Scenario(risks=(risk,), years=200_000, seed=4), threads=2).inherent.portfolio
    expected = (
        Pert(1, 4, 12).mean
        * 0.3
        * (LognormalCI90(20_000, 400_000).mean + Pert(0.1, 0.3, 0.6).mean * Pert(50_000, 200_000, 3_000_000).mean)
    )
    assert risk.expected_annual_loss == pytest.approx(expected)
    assert _within(stats.ale, expected, stats.ale_standard_error)


def test_fair_with_tcap_and_rs_matches_drawing_both_per_threat_event() -> None:
    tcap, rs = Pert(0.3, 0.6, 0.9), Pert(0.5, 0.7, 0.95)
    risk = FairRisk("w", tef=Constant(6.0), tcap=tcap, rs=rs, primary_loss=Constant(1.0))
    years = 200_000
    engine_counts = simulate(Scenario(risks=(risk,), years=years, seed=5), threads=2).inherent.portfolio_losses
    # Brute force: Poisson(6) threat events a year, TCap and RS drawn for each, loss iff TCap > RS.
    rng = np.random.default_rng(99)
    threats = rng.poisson(6.0, years)
    total = int(threats.sum())
    is_loss = tcap.sample(rng, total) > rs.sample(rng, total)
    brute = np.bincount(np.repeat(np.arange(years), threats), weights=is_loss, minlength=years)
    for statistic in (np.mean, lambda x: np.mean(x == 0), lambda x: np.mean(x >= 3)):
        a, b = statistic(engine_counts), statistic(brute)
        spread = math.sqrt((np.var(engine_counts) if statistic is np.mean else max(a * (1 - a), 1e-12)) / years)
        assert _within(a, b, math.sqrt(2) * spread)
    # And the exact law: loss events ~ Poisson(6 p).
    p = risk.susceptibility
    assert p is not None
    assert _within(float(np.mean(engine_counts == 0)), math.exp(-6 * p), math.sqrt(0.25 / years))


def test_percentiles_match_exact_poisson_quantiles_times_the_magnitude() -> None:
    lam, loss = 2.0, 1_000.0
    risk = CompoundRisk("r", Constant(lam), Constant(loss))
    stats = simulate(Scenario(risks=(risk,), years=100_000, seed=6), threads=2).inherent.portfolio
    # The exact quantiles of 1000 N, N ~ Poisson(2): every level sits >= 4 standard errors of the
    # empirical CDF away from a jump of the Poisson CDF, so the sample quantile is the exact one.
    for q, value in ((0.5, stats.p50), (0.9, stats.p90), (0.95, stats.p95), (0.99, stats.p99)):
        assert value == loss * _poisson_quantile(lam, q)
    assert stats.var_99 == stats.p99
    assert stats.prob_any_loss == pytest.approx(1 - math.exp(-lam), abs=4 * math.sqrt(0.25 / 100_000))


def test_expected_shortfall_matches_the_exact_tail_mean() -> None:
    lam, loss = 2.0, 1_000.0
    risk = CompoundRisk("r", Constant(lam), Constant(loss))
    losses = simulate(Scenario(risks=(risk,), years=400_000, seed=7), threads=2).inherent.portfolio_losses
    stats = simulate(Scenario(risks=(risk,), years=400_000, seed=7), threads=2).inherent.portfolio
    # Exact mean of the worst 1% of years: take the top Poisson mass down to 1%, splitting the atom at VaR.
    remaining, total, k = 0.01, 0.0, 60
    while remaining > 0:
        mass = math.exp(-lam) * lam**k / math.factorial(k)
        take = min(mass, remaining)
        total += take * k * loss
        remaining -= take
        k -= 1
    exact = total / 0.01
    assert stats.es_99 == pytest.approx(exact, rel=0.01)
    assert stats.es_99 == pytest.approx(np.sort(losses)[-4_000:].mean())


def test_loss_exceedance_curve_is_the_exact_poisson_tail() -> None:
    risk = CompoundRisk("r", Constant(2.0), Constant(1_000.0))
    inherent = simulate(Scenario(risks=(risk,), years=100_000, seed=8), threads=2).inherent
    stats = inherent.portfolio
    assert len(stats.lec) == 50
    losses = [x for x, _ in stats.lec]
    # From the decade of the smallest positive loss (1000) to the power of ten at or above the largest.
    top = 10.0 ** math.ceil(math.log10(inherent.portfolio_losses.max()))
    assert losses == sorted(losses) and losses[0] == 1_000.0 and losses[-1] == pytest.approx(top)
    for x, p in stats.lec:
        exact = 1 - _poisson_cdf(2.0, math.floor(x / 1_000.0))
        assert _within(p, exact, math.sqrt(max(exact * (1 - exact), 1e-9) / 100_000))


def test_two_half_frequency_controls_quarter_the_mean_not_zero_it() -> None:
    risk = CompoundRisk("r", Constant(4.0), LognormalCI90(1_000, 50_000))
    controls = (
        Control("a", (Effect("r", frequency=0.5),)),
        Control("b", (Effect("r", frequency=0.5),)),
    )
    result = simulate(Scenario(risks=(risk,), controls=controls, years=200_000, seed=9), threads=2)
    assert result.residual is not None
    residual = result.residual.portfolio
    assert result.residual.risks[0].frequency_factor == 0.25
    expected = 0.25 * risk.expected_annual_loss
    assert _within(residual.ale, expected, residual.ale_standard_error)
    # Common random numbers: a residual year never loses more than the inherent year (up to the rounding
    # of a sum taken in another order when every event of the year is kept).
    assert np.all(result.residual.portfolio_losses <= result.inherent.portfolio_losses * (1 + 1e-12))


def test_thinned_counts_are_poisson_with_the_reduced_rate() -> None:
    risk = CompoundRisk("r", Constant(3.0), Constant(1.0))
    controls = (Control("c", (Effect("r", frequency=0.6),)),)
    result = simulate(Scenario(risks=(risk,), controls=controls, years=200_000, seed=10), threads=2)
    assert result.residual is not None
    counts = result.residual.portfolio_losses
    assert _within(float(counts.mean()), 1.2, math.sqrt(1.2 / 200_000))
    assert _within(float(np.mean(counts == 0)), math.exp(-1.2), math.sqrt(0.25 / 200_000))


def test_magnitude_controls_scale_every_year_exactly() -> None:
    risk = CompoundRisk("r", Pert(0.1, 0.5, 2), LognormalCI90(10_000, 900_000))
    controls = (
        Control("a", (Effect("r", magnitude=0.6),)),
        Control("b", (Effect("r", magnitude=0.5),)),
    )
    result = simulate(Scenario(risks=(risk,), controls=controls, years=50_000, seed=11), threads=2)
    assert result.residual is not None
    factor = 0.4 * 0.5
    assert np.array_equal(result.residual.portfolio_losses, result.inherent.portfolio_losses * factor)
    assert result.residual.portfolio.p99 == pytest.approx(result.inherent.portfolio.p99 * factor, rel=1e-12)


def test_uncontrolled_risks_keep_their_inherent_losses() -> None:
    risks = (
        CompoundRisk("a", Constant(1.0), Uniform(10, 20)),
        CompoundRisk("b", Constant(1.0), Uniform(10, 20)),
    )
    controls = (Control("c", (Effect("a", frequency=0.3),)),)
    result = simulate(Scenario(risks=risks, controls=controls, years=30_000, seed=12), threads=2)
    assert result.residual is not None
    assert np.array_equal(result.residual.risk_losses[1], result.inherent.risk_losses[1])
    assert result.residual.risks[1].stats == result.inherent.risks[1].stats


def test_tolerance_verdicts_far_from_the_boundary() -> None:
    risk = CompoundRisk("r", Constant(2.0), Constant(1_000.0))
    tolerance = (
        TolerancePoint(5_000.0, 0.05),  # P(N > 5) = 0.0166: ok
        TolerancePoint(5_000.0, 0.005),  # not ok
        TolerancePoint(1_000.0, 0.5),  # P(N > 1) = 0.594: not ok
    )
    verdict = simulate(Scenario(risks=(risk,), tolerance=tolerance, years=100_000, seed=13)).inherent.tolerance
    assert verdict is not None
    assert [p.ok for p in verdict.points] == [True, False, False]
    assert not verdict.within
    first = verdict.points[0]
    assert first.probability == pytest.approx(1 - _poisson_cdf(2.0, 5), abs=4 * first.standard_error)
    assert first.standard_error == pytest.approx(math.sqrt(first.probability * (1 - first.probability) / 100_000))
    within = simulate(
        Scenario(risks=(risk,), tolerance=(TolerancePoint(20_000.0, 0.01),), years=10_000, seed=13)
    ).inherent.tolerance
    assert within is not None and within.within


def test_results_are_bit_identical_whatever_the_number_of_threads(example: dict[str, object]) -> None:
    example["years"] = 140_000  # three chunks, the last one partial
    scenario = parse_scenario(example)
    runs = [simulate(scenario, threads=t) for t in (1, 2, 4)]
    for run in runs[1:]:
        assert result_to_dict(run) == result_to_dict(runs[0])
        for evaluation, reference in ((run.inherent, runs[0].inherent), (run.residual, runs[0].residual)):
            assert evaluation is not None and reference is not None
            assert np.array_equal(evaluation.portfolio_losses, reference.portfolio_losses)
            for a, b in zip(evaluation.risk_losses, reference.risk_losses, strict=True):
                assert np.array_equal(a, b)


def test_different_seeds_give_different_results(example: dict[str, object]) -> None:
    a = simulate(parse_scenario(example, seed=1))
    b = simulate(parse_scenario(example, seed=2))
    assert not np.array_equal(a.inherent.portfolio_losses, b.inherent.portfolio_losses)
    assert a.inherent.portfolio.ale != b.inherent.portfolio.ale


def test_a_risks_draws_do_not_depend_on_the_other_risks(example: dict[str, object]) -> None:
    full = simulate(parse_scenario(example))
    risks = example["risks"]
    assert isinstance(risks, list)
    example["risks"] = [risks[2], risks[0]]
    example["controls"] = []
    subset = simulate(parse_scenario(example))
    assert np.array_equal(subset.inherent.risk_losses[0], full.inherent.risk_losses[2])
    assert np.array_equal(subset.inherent.risk_losses[1], full.inherent.risk_losses[0])


def test_prepared_evaluation_equals_the_simulated_residual(example: dict[str, object]) -> None:
    scenario = parse_scenario(example)
    simulated = simulate(scenario, threads=2)
    assert simulated.residual is not None
    for cache_bytes in (engine.DEFAULT_CACHE_BYTES, 0):
        prepared = prepare(scenario, threads=2, cache_bytes=cache_bytes)
        assert (len(prepared.cached_risks) == 3) == (cache_bytes > 0)
        evaluated = prepared.evaluate(scenario.controls)
        assert np.array_equal(evaluated.portfolio_losses, simulated.residual.portfolio_losses)
        assert evaluated.portfolio == simulated.residual.portfolio
        assert evaluated.tolerance == simulated.residual.tolerance


def test_comparing_two_control_sets_is_low_noise(example: dict[str, object]) -> None:
    prepared = prepare(parse_scenario(example), threads=2)
    weak = prepared.evaluate([Control("x", (Effect("web-breach", frequency=0.2),))])
    strong = prepared.evaluate([Control("x", (Effect("web-breach", frequency=0.3),))])
    difference = weak.portfolio_losses - strong.portfolio_losses
    # Common random numbers: the stronger control removes a superset of events, year by year.
    assert np.all(difference >= -1e-9 * weak.portfolio_losses)
    independent_se = math.hypot(weak.portfolio.ale_standard_error, strong.portfolio.ale_standard_error)
    paired_se = float(difference.std()) / math.sqrt(difference.size)
    assert paired_se < independent_se / 2


def test_an_empty_control_set_reproduces_the_inherent_results(example: dict[str, object]) -> None:
    prepared = prepare(parse_scenario(example), threads=2)
    evaluated = prepared.evaluate([])
    assert np.array_equal(evaluated.portfolio_losses, prepared.inherent.portfolio_losses)
    assert evaluated.portfolio == prepared.inherent.portfolio


def test_controls_removing_everything_leave_no_loss() -> None:
    risk = CompoundRisk("r", Constant(2.0), Constant(10.0))
    prepared = prepare(Scenario(risks=(risk,), years=1_000, seed=1))
    gone = prepared.evaluate([Control("c", (Effect("r", frequency=1.0),))])
    assert gone.portfolio.ale == 0 and gone.portfolio.prob_any_loss == 0
    assert all(p == 0 for _, p in gone.portfolio.lec)


def test_batches_split_by_year_give_the_same_compound_losses(monkeypatch: pytest.MonkeyPatch) -> None:
    scenario = Scenario(risks=(CompoundRisk("r", Constant(50.0), LognormalCI90(10, 1_000)),), years=40_000, seed=3)
    whole = simulate(scenario).inherent.portfolio_losses
    monkeypatch.setattr(sampling, "MAX_BATCH_EVENTS", 10_000)
    split = simulate(scenario).inherent.portfolio_losses
    # Magnitudes are drawn one after another from the same stream, so batching changes nothing.
    assert np.array_equal(whole, split)


def test_event_cache_respects_its_byte_budget(example: dict[str, object]) -> None:
    scenario = parse_scenario(example)
    small = prepare(scenario, cache_bytes=200_000)
    assert small.cached_bytes <= 200_000
    assert len(small.cached_risks) < 3
    evaluated = small.evaluate(scenario.controls)
    assert np.array_equal(evaluated.portfolio_losses, prepare(scenario).evaluate(scenario.controls).portfolio_losses)


@pytest.mark.parametrize("cache_bytes", [0, engine.DEFAULT_CACHE_BYTES], ids=["re-simulated", "cached events"])
def test_risk_ales_give_each_named_risk_what_a_whole_evaluation_gives_it(
    example: dict[str, object], cache_bytes: int
) -> None:
    scenario = parse_scenario(example)
    prepared = prepare(scenario, cache_bytes=cache_bytes)
    factors = prepared.factors(scenario.controls)
    whole = prepared.evaluate_factors(factors)
    assert any(0.0 < f.frequency < 1.0 for f in factors), "the example thins some risk"
    for index in range(len(scenario.risks)):
        [(got_index, ale)] = prepared.risk_ales({index: factors[index]}).items()
        assert got_index == index
        assert ale == float(whole.risk_losses[index].mean())
    # The portfolio's mean annual loss is the sum of its risks' (up to the order of the additions).
    assert sum(prepared.risk_ales(dict(enumerate(factors))).values()) == pytest.approx(whole.portfolio.ale, rel=1e-12)


def test_evaluate_rejects_an_unknown_risk(example: dict[str, object]) -> None:
    prepared = prepare(parse_scenario(example), cache_bytes=0)
    with pytest.raises(ValueError, match="unknown risk 'nope'"):
        prepared.evaluate([Control("c", (Effect("nope", frequency=0.1),))])


def test_the_engine_imports_no_django() -> None:
    import subprocess
    import sys

    code = "import sys, accord.quant, accord.quant.cli; print(sorted(m for m in sys.modules if m.startswith('django')))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)  # noqa: S603
    assert done.stdout.strip() == "[]"


def test_a_result_from_a_prepared_portfolio_matches_simulate(example: dict[str, object]) -> None:
    from accord.quant import result_for

    scenario = parse_scenario(example)
    assert result_to_dict(result_for(prepare(scenario))) == result_to_dict(simulate(scenario))


def test_susceptibility_is_reported_for_fair_risks_with_tcap_and_rs(example: dict[str, object]) -> None:
    data = result_to_dict(simulate(parse_scenario(example, years=1_000)))
    inherent = data["inherent"]
    assert isinstance(inherent, dict)
    risks = {risk["id"]: risk for risk in inherent["risks"]}
    assert risks["web-breach"]["model"] == "fair"
    assert 0.0 < risks["web-breach"]["susceptibility"] < 1.0
    assert "susceptibility" not in risks["ransomware"]


def test_risk_statistics_computed_later_are_the_same(example: dict[str, object]) -> None:
    scenario = parse_scenario(example)
    prepared = prepare(scenario, threads=2)
    eager = prepared.evaluate(scenario.controls)
    lazy = prepared.evaluate(scenario.controls, risk_statistics=False)
    assert lazy.portfolio == eager.portfolio
    assert [r.stats for r in lazy.risks] == [r.stats for r in eager.risks]
