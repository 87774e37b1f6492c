"""A run's budget of events and time: the engine stops cleanly (BudgetExceeded, naming the risk that costs
most) before drawing when the expected events pass it, while running when the drawn events or the time
pass it, and a run within its budget gives the numbers of a run without one."""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pytest

from accord.quant import (
    DEFAULT_MAX_EVENTS,
    BudgetExceeded,
    RunBudget,
    expected_events,
    parse_scenario,
    prepare,
    sampling,
    simulate,
)
from tests.quant.conftest import CliRunner

THE_REVIEW = {"id": "flood", "fair": {"tef": 1_000_000, "vulnerability": 1, "primary_loss": 100}}
SMALL = {"id": "laptops", "frequency": {"constant": 3}, "magnitude": {"uniform": [500, 5000]}}


def _scenario(*risks: dict[str, object], years: int = 2_000, seed: int = 7) -> object:
    return parse_scenario({"years": years, "seed": seed, "risks": list(risks)})


def test_expected_events_are_the_mean_rate_times_the_years():
    scenario = parse_scenario({"years": 50_000, "seed": 1, "risks": [
        THE_REVIEW, {"id": "fair", "fair": {"tef": {"uniform": [2, 6]}, "vulnerability": {"uniform": [0.1, 0.3]},
                                            "primary_loss": 1}}]})
    flood, fair = scenario.risks
    assert expected_events(flood, 50_000) == 5e10
    assert expected_events(fair, 50_000) == pytest.approx(4 * 0.2 * 50_000)


def test_the_reviews_estimate_is_refused_before_anything_is_drawn(monkeypatch):
    drawn = []
    monkeypatch.setattr(sampling, "event_counts", lambda *a: drawn.append(a) or np.zeros(0, dtype=np.int64))
    scenario = _scenario(SMALL, THE_REVIEW, years=50_000)
    with pytest.raises(BudgetExceeded, match=r"^50,000,000,000 expected loss events over 50,000 simulated years "
                                             r"\(mean 1,000,000 a year\) would pass the budget of 100,000,000"
                       ) as caught:
        simulate(scenario, budget=RunBudget())
    assert (caught.value.kind, caught.value.risk_id) == ("events", "flood")
    assert drawn == []
    assert RunBudget().max_events == DEFAULT_MAX_EVENTS == 100_000_000


def _seed_drawing_more_than_expected(risk: dict[str, object], years: int) -> tuple[int, int]:
    """A seed whose run draws more events than it expects, and that number (found, not assumed)."""
    for seed in range(1, 50):
        prepared = prepare(_scenario(risk, years=years, seed=seed), threads=1, cache_bytes=0)
        drawn = sum(prepared.events)
        if drawn > expected_events(prepared.scenario.risks[0], years) + 1:
            return seed, drawn
    raise AssertionError("no seed drew more than expected")


def test_a_run_that_draws_past_its_event_budget_stops_while_running():
    risk = {"id": "phishing", "frequency": {"constant": 20}, "magnitude": 10}
    seed, drawn = _seed_drawing_more_than_expected(risk, 1_000)
    scenario = _scenario(risk, years=1_000, seed=seed)
    with pytest.raises(BudgetExceeded, match=rf"drew {drawn:,} loss events, past its budget of {drawn - 1:,}; "
                                             rf"phishing drew the most \({drawn:,} events\)") as caught:
        simulate(scenario, budget=RunBudget(max_events=drawn - 1), threads=1)
    assert (caught.value.kind, caught.value.risk_id) == ("events", "phishing")
    assert simulate(scenario, budget=RunBudget(max_events=drawn), threads=1).inherent.portfolio.ale > 0


def test_a_run_past_its_time_stops_and_its_remaining_chunks_never_start():
    ticks = itertools.count(0.0, 1.0)  # a clock one second further at every reading
    budget = RunBudget(max_events=None, max_seconds=2.5, clock=lambda: next(ticks))
    risks = [{"id": f"r{i}", "frequency": {"constant": 1}, "magnitude": 1} for i in range(6)]
    done = []
    with pytest.raises(BudgetExceeded, match=r"^the simulation ran past its budget of 2\.5 s") as caught:
        simulate(_scenario(*risks, years=1_000), budget=budget, threads=1,
                 progress=lambda n, total: done.append((n, total)))
    assert caught.value.kind == "time"
    assert len(done) < 6  # stopped before the last chunk


def test_a_run_within_its_budget_gives_the_numbers_of_a_run_without_one(monkeypatch):
    monkeypatch.setattr(sampling, "SLICE_EVENTS", 1_000)  # many slices, each checking the clock
    scenario = parse_scenario({"years": 5_000, "seed": 3, "risks": [
        SMALL, {"id": "fair", "fair": {"tef": {"pert": [1, 4, 12]}, "vulnerability": {"uniform": [0.1, 0.3]},
                                       "primary_loss": {"lognormal_ci90": [1000, 50000]}}}],
        "controls": [{"id": "c", "effects": [{"risk": "fair", "frequency": 0.5}]}]})
    free = simulate(scenario, threads=2)
    bounded = simulate(scenario, threads=2, budget=RunBudget(max_events=1e9, max_seconds=3600))
    assert np.array_equal(free.inherent.portfolio_losses, bounded.inherent.portfolio_losses)
    assert np.array_equal(free.residual.portfolio_losses, bounded.residual.portfolio_losses)
    prepared = prepare(scenario, threads=2, budget=RunBudget(max_events=1e9))
    assert np.array_equal(prepared.inherent.portfolio_losses, free.inherent.portfolio_losses)


def test_the_cli_stops_a_run_past_its_budget_with_exit_3(run_cli: CliRunner, tmp_path: Path):
    scenario = {"years": 50_000, "seed": 1, "risks": [THE_REVIEW]}
    code, message = run_cli("quant", "simulate", "{file}", "--max-events", "1e8", scenario=scenario)
    assert code == 3
    assert message.startswith("stopped: 50,000,000,000 expected loss events over 50,000 simulated years")
    code, message = run_cli("quant", "simulate", "{file}", "--max-seconds", "0", scenario=scenario)
    assert (code, message) == (2, "--max-seconds: must be > 0, got 0")
