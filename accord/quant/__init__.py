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
