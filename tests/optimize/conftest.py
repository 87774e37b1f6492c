"""Fixtures for the budget optimiser: hand-made rounds small enough to enumerate, no database."""

from __future__ import annotations

import copy
import itertools
import math
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from accord.optimize.cli import register
from accord.optimize.round import Round
from accord.quant.engine import PreparedPortfolio, prepare
from tests.quant.conftest import CliRunner, cli_runner

# The round of docs/budget.md: three risks, four controls, three initiatives (amounts in cents).
EXAMPLE: dict[str, object] = {
    "name": "2027",
    "mode": "value",
    "envelope": {"capex": 30_000_000, "opex": 10_000_000},
    "scenario": {
        "years": 20000,
        "seed": 42,
        "currency": "EUR",
        "risks": [
            {"id": "ransomware", "frequency": {"pert": [0.05, 0.2, 0.6]},
             "magnitude": {"lognormal_ci90": [5_000_000, 200_000_000]}},
            {"id": "laptop-loss", "frequency": {"constant": 3}, "magnitude": {"uniform": [50_000, 500_000]}},
            {"id": "web-breach", "frequency": {"constant": 0.5},
             "magnitude": {"lognormal_ci90": [2_000_000, 40_000_000]}},
        ],
        "controls": [
            {"id": "edr", "effects": [{"risk": "ransomware", "frequency": 0.5}]},
            {"id": "backup", "effects": [{"risk": "ransomware", "magnitude": 0.6}]},
            {"id": "encryption", "effects": [{"risk": "laptop-loss", "magnitude": 0.9}]},
            {"id": "waf", "effects": [{"risk": "web-breach", "frequency": 0.4},
                                      {"risk": "ransomware", "frequency": 0.1}]},
        ],
        "tolerance": [[50_000_000, 0.05], [200_000_000, 0.01]],
    },
    "candidates": [
        {"id": "edr", "control": "edr", "cost": {"capex": 5_000_000, "opex": 2_000_000}},
        {"id": "backup", "control": "backup", "cost": {"capex": 8_000_000, "opex": 1_000_000}},
        {"id": "encryption", "control": "encryption", "cost": {"capex": 1_000_000, "opex": 500_000}},
        {"id": "waf", "control": "waf", "cost": {"capex": 2_000_000, "opex": 1_500_000}, "requires": ["cloud"]},
        {"id": "crm", "benefit": [5_000_000, 20_000_000], "cost": {"capex": 12_000_000, "opex": 3_000_000}},
        {"id": "cloud", "benefit": [2_000_000, 9_000_000], "cost": {"capex": 9_000_000, "opex": 2_000_000},
         "excludes": ["legacy"]},
        {"id": "legacy", "benefit": [1_000_000, 3_000_000], "cost": {"capex": 1_000_000, "opex": 1_000_000},
         "mandatory": True, "reason": "contract"},
    ],
}


@pytest.fixture
def example() -> dict[str, object]:
    """The round of docs/budget.md (a deep copy each test may change)."""
    return copy.deepcopy(EXAMPLE)


def random_round(seed: int, *, controls: int = 6, initiatives: int = 3, risks: int = 3, mode: str = "value",
                 crowded: bool = True) -> dict[str, object]:
    """A small random round (2^(controls + initiatives) subsets). With `crowded`, every control also names the
    first risk, so that risk has more controls than the per-subset form takes (the chain form is used)."""
    rng = np.random.default_rng(seed)
    risk_items = [
        {"id": f"r{r}", "frequency": {"constant": float(rng.uniform(0.5, 3))},
         "magnitude": {"lognormal_ci90": [float(rng.uniform(1e4, 1e5)), float(rng.uniform(2e5, 2e6))]}}
        for r in range(risks)
    ]
    control_items = []
    candidates: list[dict[str, object]] = []
    for c in range(controls):
        named = {0} if crowded else set()
        named.update(int(r) for r in rng.choice(risks, size=int(rng.integers(1, risks + 1)), replace=False))
        effects = []
        for r in sorted(named):
            effect: dict[str, object] = {"risk": f"r{r}"}
            if rng.random() < 0.6:
                effect["frequency"] = round(float(rng.uniform(0.1, 0.7)), 3)
            if rng.random() < 0.6 or "frequency" not in effect:
                effect["magnitude"] = round(float(rng.uniform(0.1, 0.7)), 3)
            effects.append(effect)
        control_items.append({"id": f"c{c}", "effects": effects})
        # Costs differ by whole odd amounts so no two subsets cost the same.
        candidates.append({"id": f"c{c}", "control": f"c{c}",
                           "cost": {"capex": int(rng.integers(100, 900)) * 1000 + 2 * c + 1,
                                    "opex": int(rng.integers(10, 90)) * 1000}})
    for i in range(initiatives):
        low = float(rng.uniform(5e4, 4e5))
        candidates.append({"id": f"i{i}", "benefit": [low, low * float(rng.uniform(1.5, 4))],
                           "cost": {"capex": int(rng.integers(100, 900)) * 1000 + 7 * i + 3,
                                    "opex": int(rng.integers(10, 90)) * 1000}})
    total_capex = sum(int(c["cost"]["capex"]) for c in candidates)  # type: ignore[index]
    total_opex = sum(int(c["cost"]["opex"]) for c in candidates)  # type: ignore[index]
    scenario: dict[str, object] = {"years": 4000, "seed": int(seed), "risks": risk_items, "controls": control_items}
    return {
        "mode": mode,
        "envelope": {"capex": total_capex // 2, "opex": total_opex // 2},
        "scenario": scenario,
        "candidates": candidates,
    }


def inherent_ales(prepared: PreparedPortfolio) -> list[float]:
    return [float(row.mean()) for row in prepared.inherent.risk_losses]


def brute_value(rnd: Round, ales: list[float], chosen: set[str]) -> float:
    """Benefits plus risk reduced of a set, written out independently of the engine: per risk, the
    inherent mean times the product of (1 - frequency)(1 - magnitude) of the chosen controls."""
    value = sum(c.benefit for c in rnd.candidates if c.id in chosen)
    for r, risk in enumerate(rnd.scenario.risks):
        kept = 1.0
        for cand in rnd.candidates:
            if cand.id in chosen and cand.control is not None:
                for effect in cand.control.effects:
                    if effect.risk == risk.id:
                        kept *= (1 - effect.frequency) * (1 - effect.magnitude)
        value += ales[r] * (1 - kept)
    return value


def allowed(rnd: Round, chosen: set[str]) -> bool:
    """Every constraint of the round, checked on a set by hand."""
    picked = [c for c in rnd.candidates if c.id in chosen]
    if sum(c.cost.capex for c in picked) > rnd.envelope.capex or sum(c.cost.opex for c in picked) > rnd.envelope.opex:
        return False
    for kind, cap in (rnd.caps or {}).items():
        if sum(c.cost.total for c in picked if c.kind == kind) > cap:
            return False
    if rnd.security_share is not None:
        spent = sum(c.cost.total for c in picked)
        security = sum(c.cost.total for c in picked if c.kind == "control")
        if not rnd.security_share.low * spent - 1e-9 <= security <= rnd.security_share.high * spent + 1e-9:
            return False
    for cand in rnd.candidates:
        if cand.mandatory and cand.id not in chosen:
            return False
        if cand.excluded and cand.id in chosen:
            return False
        if cand.id in chosen and (any(o not in chosen for o in cand.requires)
                                  or any(o in chosen for o in cand.excludes)):
            return False
    return True


def enumerate_best(
    rnd: Round, prepared: PreparedPortfolio, *, mode: str, within: Callable[[set[str]], bool] | None = None
) -> tuple[set[str] | None, float]:
    """The best set by trying every subset: most value (mode value) or least cost (mode appetite)."""
    ales = inherent_ales(prepared)
    ids = [c.id for c in rnd.candidates]
    costs = {c.id: c.cost.total for c in rnd.candidates}
    best: tuple[float, set[str]] | None = None
    for bits in itertools.product((False, True), repeat=len(ids)):
        chosen = {i for i, b in zip(ids, bits, strict=True) if b}
        if not allowed(rnd, chosen):
            continue
        if within is not None and not within(chosen):
            continue
        score = brute_value(rnd, ales, chosen) if mode == "value" else -float(sum(costs[i] for i in chosen))
        if best is None or score > best[0] + 1e-6 * max(1.0, abs(best[0])):
            best = (score, chosen)
    return (best[1], best[0]) if best is not None else (None, -math.inf)


def simulated_within(rnd: Round, prepared: PreparedPortfolio) -> Callable[[set[str]], bool]:
    controls = {c.id: c.control for c in rnd.candidates if c.control is not None}

    def within(chosen: set[str]) -> bool:
        picked = [controls[i] for i in sorted(chosen) if i in controls]
        evaluation = prepared.evaluate(picked) if picked else prepared.inherent
        assert evaluation.tolerance is not None
        return evaluation.tolerance.within

    return within


def prepared_for(rnd: Round) -> PreparedPortfolio:
    return prepare(rnd.scenario, threads=1)


@pytest.fixture
def run_cli(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> CliRunner:
    """Run `accord budget ...` (`data=` is the round file's data)."""
    return cli_runner(register, tmp_path, capsys, "round.json")
