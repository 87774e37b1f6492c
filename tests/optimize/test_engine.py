"""The optimiser against exhaustive enumeration, its constraints, infeasibility, and the simulation check."""

from __future__ import annotations

import copy

import numpy as np
import pytest

from accord.optimize.engine import solve_round
from accord.optimize.model import SUBSET_LIMIT, Problem, solve
from accord.optimize.round import parse_round
from accord.quant.engine import simulate
from accord.quant.model import Scenario
from tests.optimize.conftest import (
    brute_value,
    enumerate_best,
    inherent_ales,
    prepared_for,
    random_round,
    simulated_within,
)


@pytest.mark.parametrize("seed", range(6))
def test_value_mode_finds_the_enumerated_optimum(seed):
    rnd = parse_round(random_round(seed))
    prepared = prepared_for(rnd)
    best, value = enumerate_best(rnd, prepared, mode="value")
    outcome = solve_round(rnd, prepared=prepared, frontier_points=0)
    assert outcome.status == "optimal"
    assert set(outcome.chosen) == best
    assert outcome.value == pytest.approx(value, rel=1e-9)


def test_a_risk_named_by_more_controls_than_the_subset_form_is_still_exact():
    data = random_round(3, controls=SUBSET_LIMIT + 3, initiatives=1)
    rnd = parse_round(data)
    crowded = sum(1 for c in rnd.candidates if c.control and any(e.risk == "r0" for e in c.control.effects))
    assert crowded > SUBSET_LIMIT
    prepared = prepared_for(rnd)
    best, value = enumerate_best(rnd, prepared, mode="value")
    outcome = solve_round(rnd, prepared=prepared, frontier_points=0)
    assert set(outcome.chosen) == best
    assert outcome.value == pytest.approx(value, rel=1e-9)


def test_two_controls_on_one_risk_multiply_they_do_not_add():
    data = random_round(0, controls=2, initiatives=0, risks=1)
    data["scenario"]["controls"] = [  # type: ignore[index]
        {"id": "c0", "effects": [{"risk": "r0", "frequency": 0.5}]},
        {"id": "c1", "effects": [{"risk": "r0", "frequency": 0.5}]},
    ]
    rnd = parse_round(data)
    problem = Problem.of(rnd, [1000.0])
    both = np.array([True, True])
    assert problem.residual(both) == pytest.approx(250.0)  # 1000 x 0.5 x 0.5, not 1000 x (1 - 0.5 - 0.5)
    assert problem.value(both) == pytest.approx(750.0)


@pytest.mark.parametrize("seed", range(4))
def test_appetite_mode_finds_the_cheapest_set_within_tolerance_by_enumeration(seed):
    data = random_round(seed, controls=6, initiatives=2, mode="appetite")
    rnd0 = parse_round({**data, "mode": "value"})
    prepared = prepared_for(rnd0)
    # A tolerance point half-way between the inherent and the fully controlled 99th percentile.
    everything = prepared.evaluate([c.control for c in rnd0.candidates if c.control is not None])
    loss = (prepared.inherent.portfolio.p99 + everything.portfolio.p99) / 2
    data["scenario"]["tolerance"] = [[loss, 0.01]]  # type: ignore[index]
    data["envelope"] = {"capex": 10**9, "opex": 10**9}
    rnd = parse_round(data)
    prepared = prepared_for(rnd)
    best, _ = enumerate_best(rnd, prepared, mode="appetite", within=simulated_within(rnd, prepared))
    outcome = solve_round(rnd, prepared=prepared, frontier_points=0)
    assert best is not None
    assert set(outcome.chosen) == best
    assert outcome.verified is not None and outcome.verified.tolerance is not None
    assert outcome.verified.tolerance.within


def test_appetite_mode_in_the_example_meets_every_point_at_the_least_cost(example):
    example["mode"] = "appetite"
    example["envelope"] = {"capex": 10**9, "opex": 10**9}
    base = parse_round(example)
    prepared = prepared_for(base)
    everything = prepared.evaluate([c.control for c in base.candidates if c.control is not None])
    inherent = prepared.inherent.portfolio
    example["scenario"]["tolerance"] = [[(inherent.p95 + everything.portfolio.p95) / 2, 0.05],
                                        [(inherent.p99 + everything.portfolio.p99) / 2, 0.01]]
    rnd = parse_round(example)
    prepared = prepared_for(rnd)
    best, _ = enumerate_best(rnd, prepared, mode="appetite", within=simulated_within(rnd, prepared))
    outcome = solve_round(rnd, prepared=prepared, frontier_points=0)
    assert set(outcome.chosen) == best
    assert outcome.cuts >= 1  # the cheapest set (the mandatory one alone) misses, so cuts were needed


def test_dependencies_and_exclusions_hold(example):
    # crm is worth most but needs cloud, which excludes legacy: the optimum must respect both.
    example["candidates"][4]["requires"] = ["waf"]
    example["candidates"][6]["mandatory"] = False
    example["envelope"] = {"capex": 40_000_000, "opex": 12_000_000}
    rnd = parse_round(example)
    outcome = solve_round(rnd, prepared=prepared_for(rnd), frontier_points=0)
    chosen = set(outcome.chosen)
    assert "crm" in chosen
    assert {"waf", "cloud"} <= chosen  # crm needs waf, waf needs cloud
    assert "legacy" not in chosen  # cloud excludes it
    best, _ = enumerate_best(rnd, prepared_for(rnd), mode="value")
    assert chosen == best


def test_mandatory_and_excluded_candidates_hold(example):
    example["candidates"][2]["excluded"] = True  # encryption: the best value per euro, left out
    example["candidates"][5]["mandatory"] = True  # cloud: forced in ...
    example["candidates"][6]["mandatory"] = False  # ... so legacy cannot be
    rnd = parse_round(example)
    outcome = solve_round(rnd, prepared=prepared_for(rnd), frontier_points=0)
    assert "encryption" not in outcome.chosen
    assert "cloud" in outcome.chosen
    best, _ = enumerate_best(rnd, prepared_for(rnd), mode="value")
    assert set(outcome.chosen) == best


def test_caps_and_the_security_share_hold(example):
    example["caps"] = {"control": 9_000_000}
    example["security_share"] = {"min": 0.2, "max": 0.5}
    rnd = parse_round(example)
    prepared = prepared_for(rnd)
    outcome = solve_round(rnd, prepared=prepared, frontier_points=0)
    assert outcome.cost is not None
    spent = {c.id: c.cost.total for c in rnd.candidates}
    security = sum(spent[i] for i in outcome.chosen if rnd.candidates[rnd.index[i]].kind == "control")
    assert security <= 9_000_000
    assert 0.2 * outcome.cost.total <= security <= 0.5 * outcome.cost.total
    best, _ = enumerate_best(rnd, prepared, mode="value")
    assert set(outcome.chosen) == best


def test_an_envelope_below_the_mandatory_spend_names_the_envelope(example):
    example["envelope"] = {"capex": 500_000, "opex": 10_000_000}  # legacy alone needs 1,000,000 of capex
    rnd = parse_round(example)
    outcome = solve_round(rnd, prepared=prepared_for(rnd), frontier_points=0)
    assert outcome.status == "infeasible"
    assert outcome.infeasible is not None
    assert set(outcome.infeasible.constraints) == {"envelope.capex", "candidates[6].mandatory"}
    assert "envelope.capex" in outcome.infeasible.message


def test_a_mandatory_candidate_needing_an_excluded_one_names_each_culprit(example):
    example["candidates"][0]["mandatory"] = True
    example["candidates"][0]["requires"] = ["backup"]
    example["candidates"][1]["excluded"] = True
    rnd = parse_round(example)
    outcome = solve_round(rnd, prepared=prepared_for(rnd), frontier_points=0)
    assert outcome.infeasible is not None
    assert set(outcome.infeasible.constraints) == {
        "candidates[0].mandatory", "candidates[1].excluded", "candidates[0].requires[0]"}


def test_an_unreachable_tolerance_in_appetite_mode_names_the_tolerance(example):
    example["mode"] = "appetite"
    # Never losing 10 EUR in a year: no set can; the second point alone could be met.
    example["scenario"]["tolerance"] = [[1_000, 0.01], [10**11, 0.5]]
    rnd = parse_round(example)
    outcome = solve_round(rnd, prepared=prepared_for(rnd), frontier_points=0)
    assert outcome.status == "infeasible"
    assert outcome.infeasible is not None
    assert outcome.infeasible.constraints == ("scenario.tolerance[0]",)


def test_a_two_sided_share_with_no_single_culprit_is_named_by_the_pair(example):
    example["security_share"] = {"min": 0.99, "max": 0.99}  # security 99% of spend, but legacy is mandatory
    example["candidates"][6]["mandatory"] = False
    example["candidates"][4]["mandatory"] = True  # crm: 15 M of initiative spend
    rnd = parse_round(example)
    outcome = solve_round(rnd, prepared=prepared_for(rnd), frontier_points=0)
    assert outcome.infeasible is not None
    assert "candidates[4].mandatory" in outcome.infeasible.constraints
    assert "security_share.min" in outcome.infeasible.constraints


def test_the_verified_residual_equals_an_independent_simulation_with_the_same_seed(example):
    rnd = parse_round(example)
    outcome = solve_round(rnd, frontier_points=0)
    assert outcome.verified is not None
    chosen_controls = tuple(c.control for c in rnd.candidates if c.id in outcome.chosen and c.control is not None)
    assert chosen_controls
    alone = Scenario(risks=rnd.scenario.risks, controls=chosen_controls, tolerance=rnd.scenario.tolerance,
                     years=rnd.scenario.years, seed=rnd.scenario.seed)
    result = simulate(alone, threads=1)
    assert result.residual is not None and result.residual.tolerance is not None
    assert outcome.verified.ale == result.residual.portfolio.ale
    assert outcome.verified.inherent_ale == result.inherent.portfolio.ale
    assert outcome.verified.tolerance is not None
    assert [p.probability for p in outcome.verified.tolerance.points] == [
        p.probability for p in result.residual.tolerance.points]
    # The model's figure differs only by the Monte Carlo noise of thinning events.
    assert abs(outcome.verified.gap) < 4 * outcome.verified.ale_standard_error + 1e-9


def test_the_model_residual_is_the_product_formula_on_the_simulated_means(example):
    rnd = parse_round(example)
    prepared = prepared_for(rnd)
    outcome = solve_round(rnd, prepared=prepared, frontier_points=0)
    ales = inherent_ales(prepared)
    assert outcome.value == pytest.approx(brute_value(rnd, ales, set(outcome.chosen)), rel=1e-12)


def test_the_greedy_ranking_leaves_value_on_the_table_where_overlap_misleads_it():
    # Two controls each halve one big risk's frequency; a third one, less good alone per euro, reduces a
    # risk nobody else touches. Greedy takes both overlapping ones (the second buys only a quarter).
    data = {
        "envelope": {"capex": 200, "opex": 0},
        "scenario": {"years": 2000, "seed": 5, "risks": [
            {"id": "big", "frequency": {"constant": 1}, "magnitude": {"constant": 1000}},
            {"id": "small", "frequency": {"constant": 1}, "magnitude": {"constant": 500}},
        ], "controls": [
            {"id": "a", "effects": [{"risk": "big", "magnitude": 0.5}]},
            {"id": "b", "effects": [{"risk": "big", "magnitude": 0.5}]},
            {"id": "c", "effects": [{"risk": "small", "magnitude": 0.8}]},
        ]},
        "candidates": [
            {"id": "a", "control": "a", "cost": {"capex": 100}},
            {"id": "b", "control": "b", "cost": {"capex": 100}},
            {"id": "c", "control": "c", "cost": {"capex": 100}},
        ],
    }
    rnd = parse_round(data)
    prepared = prepared_for(rnd)
    outcome = solve_round(rnd, prepared=prepared, frontier_points=0)
    assert set(outcome.chosen) == {"a", "c"}  # about 500 + 400 = 900
    assert outcome.greedy is not None
    assert set(outcome.greedy.chosen) == {"a", "b"}  # about 500 + 250 = 750
    ales = inherent_ales(prepared)
    best, greedy = brute_value(rnd, ales, {"a", "c"}), brute_value(rnd, ales, {"a", "b"})
    assert outcome.greedy.left_on_table == pytest.approx(best - greedy)
    assert outcome.greedy.left_on_table_share == pytest.approx((best - greedy) / best)
    assert outcome.greedy.left_on_table == pytest.approx(150.0, rel=0.1)


def test_gordon_loeb_flags_spend_above_one_over_e_of_the_expected_loss():
    data = {
        "envelope": {"capex": 1000, "opex": 1000},
        "scenario": {"years": 2000, "seed": 5, "risks": [
            {"id": "r", "frequency": {"constant": 1}, "magnitude": {"constant": 1000}},
            {"id": "s", "frequency": {"constant": 1}, "magnitude": {"constant": 1000}},
        ], "controls": [
            {"id": "cheap", "effects": [{"risk": "r", "magnitude": 0.9}]},
            {"id": "dear", "effects": [{"risk": "s", "magnitude": 0.9}]},
        ]},
        "candidates": [
            {"id": "cheap", "control": "cheap", "cost": {"capex": 300}},  # below 1000/e = 368
            {"id": "dear", "control": "dear", "cost": {"capex": 400, "opex": 100}, "mandatory": True},
        ],
    }
    outcome = solve_round(parse_round(data), frontier_points=0)
    assert set(outcome.chosen) == {"cheap", "dear"}
    (flag,) = outcome.gordon_loeb
    assert (flag.risks, flag.controls, flag.spend) == (("s",), ("dear",), 500)
    assert flag.limit == pytest.approx(flag.expected_loss / np.e)
    assert flag.expected_loss == pytest.approx(1000, rel=0.1)  # one loss of 1,000 a year on average
    assert "1/e" in flag.reason


def test_the_frontier_runs_from_nothing_to_twice_the_envelope_and_names_the_next_increment(example):
    example["candidates"][6]["mandatory"] = False
    rnd = parse_round(example)
    outcome = solve_round(rnd, frontier_points=20)
    assert outcome.frontier is not None
    points = outcome.frontier.points
    assert len(points) == 20
    assert points[0].scale == 0.0 and points[-1].scale == 2.0
    assert points[0].chosen == () and points[0].value == 0.0
    values = [p.value for p in points]
    assert all(v is not None for v in values)
    assert values == sorted(values)  # more money never buys less
    assert all(p.verified is not None and p.verified.tolerance is not None for p in points)
    step = outcome.frontier.next_increment
    assert step is not None
    assert step.scale == points[10].scale  # the first point above 1x
    assert outcome.value is not None
    assert step.extra_value == pytest.approx((points[10].value or 0) - outcome.value)


def test_a_frontier_point_below_the_mandatory_spend_is_infeasible(example):
    rnd = parse_round(example)
    outcome = solve_round(rnd, frontier_points=5)
    assert outcome.frontier is not None
    assert outcome.frontier.points[0].status == "infeasible"  # legacy is mandatory and costs something
    assert outcome.frontier.points[-1].status == "optimal"


def test_a_solution_is_never_better_than_the_relaxed_one(example):
    rnd = parse_round(copy.deepcopy(example))
    problem = Problem.of(rnd, inherent_ales(prepared_for(rnd)))
    tight = solve(problem, mode="value")
    loose = solve(problem, mode="value", relax={"envelope.capex", "envelope.opex"})
    assert tight.value is not None and loose.value is not None
    assert loose.value >= tight.value
    assert loose.chosen is not None
    # Everything but cloud (it excludes the mandatory legacy) and waf (it needs cloud).
    assert [c.id for c, on in zip(rnd.candidates, loose.chosen, strict=True) if not on] == ["waf", "cloud"]


def test_a_portfolio_prepared_from_another_scenario_is_refused(example):
    rnd = parse_round(example)
    example["scenario"]["tolerance"] = [[1_000, 0.5]]
    other = parse_round(example)
    with pytest.raises(ValueError, match="another scenario"):
        solve_round(rnd, prepared=prepared_for(other), frontier_points=0)


def test_an_appetite_search_stopped_early_returns_a_verified_set_and_its_gap(example):
    example["mode"] = "appetite"
    base = parse_round(example)
    prepared = prepared_for(base)
    everything = prepared.evaluate([c.control for c in base.candidates if c.control is not None])
    inherent = prepared.inherent.portfolio
    example["scenario"]["tolerance"] = [[(inherent.p99 + everything.portfolio.p99) / 2, 0.01]]
    example["envelope"] = {"capex": 10**9, "opex": 10**9}
    rnd = parse_round(example)
    prepared = prepared_for(rnd)
    full = solve_round(rnd, prepared=prepared, frontier_points=0)
    early = solve_round(rnd, prepared=prepared, frontier_points=0, max_cuts=0)
    assert full.status == "optimal" and full.cuts >= 1
    assert early.status == "feasible"
    assert early.verified is not None and early.verified.tolerance is not None
    assert early.verified.tolerance.within  # the proxy's set is checked by simulation too
    assert early.cost is not None and full.cost is not None
    assert early.cost.total >= full.cost.total
    assert early.gap is not None and 0 <= early.gap < 1
