"""The documented ranges of what a scenario may contain: what lies outside is refused by the parser, naming
the field and the limit; what lies at the limits simulates to finite figures that encode as JSON."""

from __future__ import annotations

import json
import re

import pytest

from accord.quant import ScenarioError, parse_risk, parse_scenario, result_to_dict, simulate
from accord.quant.model import MAX_AMOUNT, MAX_GAMMA, MAX_LOGNORMAL_RATIO, MAX_RATE

LOSS = {"lognormal_ci90": [20_000, 400_000]}
WIDEST = {"lognormal_ci90": [MAX_AMOUNT / MAX_LOGNORMAL_RATIO, MAX_AMOUNT]}


def _fair(**parts):
    return {"id": "r", "fair": {"tef": {"pert": [1, 4, 12]}, "vulnerability": 0.3, "primary_loss": LOSS, **parts}}


@pytest.mark.parametrize(("risk", "message"), [
    (_fair(tef={"pert": [1, 4, 12], "gamma": 1e300}),
     "fair.tef.gamma: 1e+300 is above the limit of 100 (4 is the classic PERT"),
    (_fair(primary_loss={"pert": [1, 2, 3], "gamma": 101}), "fair.primary_loss.gamma: 101 is above the limit of 100"),
    (_fair(primary_loss={"lognormal_ci90": [1e307, 1e308]}),
     "fair.primary_loss.lognormal_ci90: high 1e+308 is above the limit of 1e15 (a loss amount)"),
    (_fair(primary_loss={"lognormal_ci90": [0.001, 1e14]}),
     "fair.primary_loss.lognormal_ci90: high 100000000000000 is more than 1e12 times low 0.001"),
    (_fair(tef={"lognormal_ci90": [1e-12, 10]}), "fair.tef.lognormal_ci90: high 10 is more than 1e12 times low 1e-12"),
    (_fair(primary_loss=2e15), "fair.primary_loss: value 2000000000000000 is above the limit of 1e15"),
    (_fair(secondary_probability=0.5, secondary_loss={"uniform": [0, 1e16]}),
     "fair.secondary_loss.uniform: high 1e+16 is above the limit of 1e15"),
    ({"id": "r", "fair": {"tef": 2, "tcap": {"uniform": [-1e16, 1]}, "rs": 0.5, "primary_loss": 5}},
     "fair.tcap.uniform: low -1e+16 is below the limit of -1e15 (a capability/strength scale)"),
    ({"id": "r", "frequency": {"uniform": [1, 2e6]}, "magnitude": 5},
     "frequency.uniform: high 2000000 is above the limit of 1000000 events per year"),
])
def test_an_estimate_outside_the_documented_ranges_is_refused_naming_field_and_limit(risk, message):
    with pytest.raises(ScenarioError, match=f"^{re.escape(message)}"):
        parse_risk(risk)


def test_a_scenario_names_the_risk_of_a_value_outside_the_ranges():
    scenario = {"risks": [_fair(), _fair(tef={"pert": [1, 4, 12], "gamma": 1e300}) | {"id": "s"}]}
    with pytest.raises(ScenarioError, match=r"^risks\[1\]\.fair\.tef\.gamma: 1e\+300 is above the limit of 100"):
        parse_scenario(scenario)


EXTREMES = {
    "gamma at its limit, everywhere": {"tef": {"pert": [0.5, 4, 12], "gamma": MAX_GAMMA},
                                       "tcap": {"pert": [0, 1, 100], "gamma": MAX_GAMMA},
                                       "rs": {"pert": [0, 99, 100], "gamma": MAX_GAMMA},
                                       "primary_loss": {"pert": [0, 1, MAX_AMOUNT], "gamma": MAX_GAMMA},
                                       "secondary_probability": {"pert": [0, 0.5, 1], "gamma": MAX_GAMMA},
                                       "secondary_loss": {"pert": [0, MAX_AMOUNT, MAX_AMOUNT], "gamma": MAX_GAMMA}},
    "a tiny gamma": {"tef": {"pert": [0.5, 4, 12], "gamma": 1e-9}, "vulnerability": {"pert": [0, 1, 1], "gamma": 1e-9},
                     "primary_loss": {"pert": [1, 2, 3], "gamma": 1e-9}},
    "the widest lognormal loss at the largest amount": {
        "tef": 50, "vulnerability": 1, "primary_loss": WIDEST, "secondary_probability": 1, "secondary_loss": WIDEST},
    "scales at the largest amounts": {"tef": 3, "tcap": {"uniform": [-MAX_AMOUNT, MAX_AMOUNT]},
                                      "rs": {"pert": [-MAX_AMOUNT, 0, MAX_AMOUNT]}, "primary_loss": MAX_AMOUNT},
    "the largest rate and amount": {"tef": MAX_RATE, "vulnerability": 1, "primary_loss": MAX_AMOUNT},
}


@pytest.mark.parametrize("fair", EXTREMES.values(), ids=EXTREMES.keys())
def test_an_estimate_at_the_limits_simulates_to_finite_figures(fair):
    risks = [{"id": "r", "fair": fair}, {"id": "s", "fair": fair}]
    scenario = parse_scenario({"years": 40, "seed": 7, "risks": risks,
                               "controls": [{"id": "c", "effects": [{"risk": "r", "magnitude": 0.5}]}]})
    data = result_to_dict(simulate(scenario, threads=1))
    json.dumps(data, allow_nan=False)  # raises on an infinity or a NaN anywhere
    assert data["inherent"]["portfolio"]["ale"] >= 0
