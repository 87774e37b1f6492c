"""Accord's quantitative risk engine: Open FAIR and compound Poisson-lognormal Monte Carlo in money.

NumPy and dataclasses, with the sampling loops compiled by Numba (`kernels`); no Django. Typical use::

    from accord.quant import parse_scenario, simulate, result_to_dict

    scenario = parse_scenario(json.load(open("scenario.json")))
    result = simulate(scenario)                 # inherent, and residual when the file has controls
    data = result_to_dict(result)               # the result file's JSON shape

    portfolio = prepare(scenario)               # keep the inherent events ...
    residual = portfolio.evaluate(controls)     # ... and evaluate control sets fast, with common random numbers

Formulas and design: docs/quant.md.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from accord.quant.budget import DEFAULT_MAX_EVENTS, BudgetExceeded, RunBudget, expected_events
    from accord.quant.distributions import Constant, Distribution, LognormalCI90, Pert, Uniform
    from accord.quant.engine import (
        CHUNK_YEARS,
        DEFAULT_CACHE_BYTES,
        PreparedPortfolio,
        default_threads,
        prepare,
        result_for,
        simulate,
    )
    from accord.quant.model import (
        CompoundRisk,
        Control,
        Effect,
        Factors,
        FairRisk,
        Risk,
        Scenario,
        TolerancePoint,
        combine_controls,
    )
    from accord.quant.numerics import susceptibility
    from accord.quant.results import (
        Evaluation,
        LossStats,
        Result,
        RiskResult,
        ToleranceResult,
        ToleranceVerdict,
        evaluation_to_dict,
        result_to_dict,
        tolerance_verdict,
    )
    from accord.quant.scenario import ScenarioError, parse_controls, parse_distribution, parse_risk, parse_scenario

#: Where each name of the package lives: imported on first use (PEP 562), so that importing a part of the
#: engine (`accord.quant.cli`, read by every `accord` command) does not load NumPy and Numba.
_EXPORTS = {
    "BudgetExceeded": "accord.quant.budget",
    "CHUNK_YEARS": "accord.quant.engine",
    "CompoundRisk": "accord.quant.model",
    "Constant": "accord.quant.distributions",
    "Control": "accord.quant.model",
    "DEFAULT_CACHE_BYTES": "accord.quant.engine",
    "DEFAULT_MAX_EVENTS": "accord.quant.budget",
    "Distribution": "accord.quant.distributions",
    "Effect": "accord.quant.model",
    "Evaluation": "accord.quant.results",
    "Factors": "accord.quant.model",
    "FairRisk": "accord.quant.model",
    "LognormalCI90": "accord.quant.distributions",
    "LossStats": "accord.quant.results",
    "Pert": "accord.quant.distributions",
    "PreparedPortfolio": "accord.quant.engine",
    "Result": "accord.quant.results",
    "Risk": "accord.quant.model",
    "RiskResult": "accord.quant.results",
    "RunBudget": "accord.quant.budget",
    "Scenario": "accord.quant.model",
    "ScenarioError": "accord.quant.scenario",
    "TolerancePoint": "accord.quant.model",
    "ToleranceResult": "accord.quant.results",
    "ToleranceVerdict": "accord.quant.results",
    "Uniform": "accord.quant.distributions",
    "combine_controls": "accord.quant.model",
    "default_threads": "accord.quant.engine",
    "evaluation_to_dict": "accord.quant.results",
    "expected_events": "accord.quant.budget",
    "parse_controls": "accord.quant.scenario",
    "parse_distribution": "accord.quant.scenario",
    "parse_risk": "accord.quant.scenario",
    "parse_scenario": "accord.quant.scenario",
    "prepare": "accord.quant.engine",
    "result_for": "accord.quant.engine",
    "result_to_dict": "accord.quant.results",
    "simulate": "accord.quant.engine",
    "susceptibility": "accord.quant.numerics",
    "tolerance_verdict": "accord.quant.results",
}

__all__ = [
    "CHUNK_YEARS",
    "DEFAULT_CACHE_BYTES",
    "DEFAULT_MAX_EVENTS",
    "BudgetExceeded",
    "CompoundRisk",
    "Constant",
    "Control",
    "Distribution",
    "Effect",
    "Evaluation",
    "Factors",
    "FairRisk",
    "LognormalCI90",
    "LossStats",
    "Pert",
    "PreparedPortfolio",
    "Result",
    "Risk",
    "RiskResult",
    "RunBudget",
    "Scenario",
    "ScenarioError",
    "TolerancePoint",
    "ToleranceResult",
    "ToleranceVerdict",
    "Uniform",
    "combine_controls",
    "default_threads",
    "evaluation_to_dict",
    "expected_events",
    "parse_controls",
    "parse_distribution",
    "parse_risk",
    "parse_scenario",
    "prepare",
    "result_for",
    "result_to_dict",
    "simulate",
    "susceptibility",
    "tolerance_verdict",
]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'accord.quant' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value
