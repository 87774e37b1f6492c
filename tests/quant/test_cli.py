"""`accord quant simulate`: the result file, overrides, and one-line exit-2 errors for invalid input."""

from __future__ import annotations

import argparse
import json
import math
import re
from pathlib import Path

import pytest

from accord.quant.cli import register, result_text
from tests.quant.conftest import CliRunner


def _risk(**fields: object) -> dict[str, object]:
    risk: dict[str, object] = {"id": "r", "frequency": {"constant": 1}, "magnitude": {"uniform": [1, 2]}}
    risk.update(fields)
    return risk


def test_simulate_writes_the_documented_result_file(
    run_cli: CliRunner, example: dict[str, object], tmp_path: Path
) -> None:
    out = tmp_path / "result.json"
    code, _ = run_cli("quant", "simulate", "{file}", "--out", str(out), scenario=example)
    assert code == 0
    result = json.loads(out.read_text(encoding="utf-8"))
    assert (result["years"], result["seed"], result["currency"]) == (20000, 42, "EUR")
    for section in ("inherent", "residual"):
        part = result[section]
        assert [r["id"] for r in part["risks"]] == ["ransomware", "laptop-loss", "web-breach"]
        for risk in part["risks"]:
            for key in ("ale", "p50", "p90", "p95", "p99", "prob_any_loss", "lec"):
                assert key in risk
        portfolio = part["portfolio"]
        for key in ("ale", "p50", "p90", "p95", "p99", "var_99", "es_99", "lec"):
            assert isinstance(portfolio[key], float | list)
        assert all(len(point) == 2 for point in portfolio["lec"])
        tolerance = part["tolerance"]
        assert isinstance(tolerance["within"], bool)
        assert [p["loss"] for p in tolerance["points"]] == [1000000, 5000000]
        assert set(tolerance["points"][0]) == {"loss", "max_probability", "probability", "standard_error", "ok",
                                                   "borderline"}
    assert result["residual"]["risks"][0]["ale"] < result["inherent"]["risks"][0]["ale"]


def test_residual_and_tolerance_are_null_without_controls_and_points(
    run_cli: CliRunner, example: dict[str, object]
) -> None:
    del example["controls"], example["tolerance"]
    code, out = run_cli("quant", "simulate", "{file}", scenario=example)
    assert code == 0
    result = json.loads(out)
    assert result["residual"] is None
    assert result["inherent"]["tolerance"] is None


def test_years_and_seed_on_the_command_line_override_the_file(run_cli: CliRunner, example: dict[str, object]) -> None:
    code, out = run_cli(
        "quant", "simulate", "{file}", "--years", "1000", "--seed", "7", "--threads", "1", scenario=example
    )
    assert code == 0
    result = json.loads(out)
    assert (result["years"], result["seed"]) == (1000, 7)


def test_same_file_and_seed_give_the_same_output(run_cli: CliRunner, example: dict[str, object]) -> None:
    first = run_cli("quant", "simulate", "{file}", "--threads", "1", scenario=example)
    second = run_cli("quant", "simulate", "{file}", "--threads", "2", scenario=example)
    assert first == second


def test_a_file_without_seed_records_the_seed_it_used(run_cli: CliRunner, example: dict[str, object]) -> None:
    del example["seed"]
    example["years"] = 500
    code, out = run_cli("quant", "simulate", "{file}", scenario=example)
    assert code == 0
    seed = json.loads(out)["seed"]
    assert isinstance(seed, int) and seed >= 0
    again = run_cli("quant", "simulate", "{file}", "--seed", str(seed), scenario=example)
    assert again == (code, out)


INVALID: list[tuple[str, dict[str, object], str]] = [
    (
        "unknown distribution",
        {"risks": [_risk(magnitude={"normal": [1, 2]})]},
        "risks[0].magnitude: unknown distribution 'normal' (use one of: constant, pert, uniform, lognormal_ci90)",
    ),
    (
        "two distributions",
        {"risks": [_risk(magnitude={"constant": 1, "uniform": [1, 2]})]},
        "risks[0].magnitude: give one distribution, got constant and uniform",
    ),
    (
        "missing magnitude",
        {"risks": [{"id": "r", "frequency": {"constant": 1}}]},
        "risks[0].magnitude: missing (a risk needs frequency and magnitude, or a fair block)",
    ),
    ("missing risks", {"years": 10}, "risks: missing (a list of risks is required)"),
    ("missing id", {"risks": [{"frequency": 1, "magnitude": 1}]}, "risks[0].id: missing (every risk needs an id)"),
    (
        "missing fair tef",
        {"risks": [{"id": "f", "fair": {"vulnerability": 0.5, "primary_loss": 10}}]},
        "risks[0].fair.tef: missing",
    ),
    (
        "missing rs",
        {"risks": [{"id": "f", "fair": {"tef": 1, "tcap": {"uniform": [0, 1]}, "primary_loss": 10}}]},
        "risks[0].fair.rs: missing (give vulnerability, or both tcap and rs)",
    ),
    (
        "wrong type for a distribution",
        {"risks": [_risk(frequency="often")]},
        'risks[0].frequency: expected a distribution such as {"pert": [low, mode, high]}, got string',
    ),
    (
        "wrong type for a number",
        {"risks": [_risk(magnitude={"pert": [1, "2", 3]})]},
        "risks[0].magnitude.pert[1]: expected a number, got string",
    ),
    (
        "boolean is not a number",
        {"risks": [_risk(frequency={"constant": True})]},
        "risks[0].frequency.constant: expected a number, got boolean",
    ),
    (
        "wrong arity",
        {"risks": [_risk(magnitude={"pert": [1, 3]})]},
        "risks[0].magnitude.pert: expected [low, mode, high], got 2 values",
    ),
    ("wrong type for risks", {"risks": {"id": "r"}}, "risks: expected an array, got object"),
    (
        "unknown field",
        {"risks": [_risk(magnitud=1)]},
        "risks[0].magnitud: unknown field (allowed: id, name, description, frequency, magnitude, fair)",
    ),
    (
        "negative rate",
        {"risks": [_risk(frequency={"constant": -1})]},
        "risks[0].frequency.constant: value -1 must be >= 0 (events per year)",
    ),
    (
        "negative loss",
        {"risks": [_risk(magnitude={"uniform": [-5, 10]})]},
        "risks[0].magnitude.uniform: low -5 must be >= 0 (a loss amount)",
    ),
    (
        "zero lognormal low",
        {"risks": [_risk(magnitude={"lognormal_ci90": [0, 10]})]},
        "risks[0].magnitude.lognormal_ci90: low 0 must be > 0 (a lognormal is positive)",
    ),
    (
        "zero gamma",
        {"risks": [_risk(magnitude={"pert": [1, 2, 3], "gamma": 0})]},
        "risks[0].magnitude.gamma: must be > 0, got 0",
    ),
    (
        "low above mode",
        {"risks": [_risk(id="a"), _risk(id="b"), _risk(id="c", magnitude={"pert": [50000, 20000, 90000]})]},
        "risks[2].magnitude.pert: low 50000 > mode 20000",
    ),
    ("mode above high", {"risks": [_risk(magnitude={"pert": [1, 5, 4]})]}, "risks[0].magnitude.pert: mode 5 > high 4"),
    (
        "lognormal low equals high",
        {"risks": [_risk(magnitude={"lognormal_ci90": [5, 5]})]},
        "risks[0].magnitude.lognormal_ci90: low 5 must be < high 5",
    ),
    (
        "lognormal low above high",
        {"risks": [_risk(magnitude={"lognormal_ci90": [9, 5]})]},
        "risks[0].magnitude.lognormal_ci90: low 9 must be < high 5",
    ),
    (
        "probability above one",
        {"risks": [{"id": "f", "fair": {"tef": 1, "vulnerability": 1.5, "primary_loss": 10}}]},
        "risks[0].fair.vulnerability: value 1.5 must be <= 1 (a probability)",
    ),
    (
        "probability pert above one",
        {"risks": [{"id": "f", "fair": {"tef": 1, "vulnerability": {"pert": [0.5, 0.9, 1.2]}, "primary_loss": 10}}]},
        "risks[0].fair.vulnerability.pert: high 1.2 must be <= 1 (a probability)",
    ),
    (
        "unbounded probability",
        {
            "risks": [
                {"id": "f", "fair": {"tef": 1, "vulnerability": {"lognormal_ci90": [0.1, 0.5]}, "primary_loss": 10}}
            ]
        },
        "risks[0].fair.vulnerability: lognormal_ci90 is unbounded; a probability needs constant, uniform or pert",
    ),
    (
        "rate above the limit",
        {"risks": [_risk(frequency={"constant": 5e6})]},
        "risks[0].frequency.constant: value 5000000 is above the limit of 1000000 events per year",
    ),
    (
        "unknown risk in a control",
        {"risks": [_risk()], "controls": [{"id": "c", "effects": [{"risk": "ransomwre", "frequency": 0.5}]}]},
        "controls[0].effects[0].risk: unknown risk 'ransomwre'",
    ),
    (
        "fraction above one",
        {"risks": [_risk()], "controls": [{"id": "c", "effects": [{"risk": "r", "frequency": 1.5}]}]},
        "controls[0].effects[0].frequency: must be a fraction in [0, 1], got 1.5",
    ),
    (
        "negative fraction",
        {"risks": [_risk()], "controls": [{"id": "c", "effects": [{"risk": "r", "magnitude": -0.1}]}]},
        "controls[0].effects[0].magnitude: must be a fraction in [0, 1], got -0.1",
    ),
    (
        "effect without fraction",
        {"risks": [_risk()], "controls": [{"id": "c", "effects": [{"risk": "r"}]}]},
        "controls[0].effects[0]: give frequency and/or magnitude (fractions removed, in [0, 1])",
    ),
    (
        "duplicate control",
        {"risks": [_risk()], "controls": [{"id": "c", "effects": [{"risk": "r", "frequency": 0.1}]}] * 2},
        "controls[1].id: duplicate control id 'c'",
    ),
    ("duplicate risk ids", {"risks": [_risk(), _risk()]}, "risks[1].id: duplicate risk id 'r' (also risks[0])"),
    (
        "tolerance point arity",
        {"risks": [_risk()], "tolerance": [[1000, 0.1, 3]]},
        "tolerance[0]: expected [loss, max_probability], got 3 values",
    ),
    (
        "tolerance probability",
        {"risks": [_risk()], "tolerance": [[1000, 1.5]]},
        "tolerance[0]: max_probability must be in [0, 1], got 1.5",
    ),
    ("tolerance loss", {"risks": [_risk()], "tolerance": [[0, 0.5]]}, "tolerance[0]: loss must be > 0, got 0"),
    (
        "tolerance type",
        {"risks": [_risk()], "tolerance": ["high"]},
        "tolerance[0]: expected [loss, max_probability], got string",
    ),
    ("zero years", {"risks": [_risk()], "years": 0}, "years: must be a positive whole number, got 0"),
    ("negative years", {"risks": [_risk()], "years": -5}, "years: must be a positive whole number, got -5"),
    ("fractional years", {"risks": [_risk()], "years": 10.5}, "years: expected a whole number, got 10.5"),
    (
        "too many years for memory",
        {"risks": [_risk(id=f"r{i}") for i in range(100)], "years": 10_000_000},
        "years: 10000000 years x 100 risks would hold 15.1 GiB of annual losses (limit 8 GiB); simulate fewer years",
    ),
    ("negative seed", {"risks": [_risk()], "seed": -1}, "seed: must be a whole number in [0, 2^128 - 1], got -1"),
    (
        "bad currency",
        {"risks": [_risk()], "currency": "euro"},
        "currency: expected a 3-letter ISO 4217 code such as EUR, got 'euro'",
    ),
    ("not an object", [1, 2], "expected an object, got array"),
]


@pytest.mark.parametrize(("case", "scenario", "message"), INVALID, ids=[c[0] for c in INVALID])
def test_invalid_scenarios_exit_2_with_one_line_naming_the_field(
    run_cli: CliRunner, case: str, scenario: dict[str, object], message: str
) -> None:
    code, text = run_cli("quant", "simulate", "{file}", scenario=scenario)
    assert (code, text) == (2, message)
    assert "\n" not in text


def test_years_zero_on_the_command_line_exits_2(run_cli: CliRunner, example: dict[str, object]) -> None:
    assert run_cli("quant", "simulate", "{file}", "--years", "0", scenario=example) == (
        2,
        "--years: must be a positive whole number, got 0",
    )


def test_threads_zero_exits_2(run_cli: CliRunner, example: dict[str, object]) -> None:
    assert run_cli("quant", "simulate", "{file}", "--threads", "0", scenario=example) == (
        2,
        "--threads: must be >= 1, got 0",
    )


def test_invalid_json_exits_2_with_its_position(run_cli: CliRunner, tmp_path: Path) -> None:
    code, text = run_cli("quant", "simulate", "{file}", text='{"risks": [\n  {"id": "r",, }]}')
    assert code == 2
    expected = "invalid JSON at line 2 column 14: Expecting property name enclosed in double quotes"
    assert text == f"{tmp_path / 'scenario.json'}: {expected}"


def test_non_finite_json_numbers_are_rejected(run_cli: CliRunner) -> None:
    text = '{"risks": [{"id": "r", "frequency": {"constant": NaN}, "magnitude": 1}]}'
    assert run_cli("quant", "simulate", "{file}", text=text) == (
        2,
        "risks[0].frequency.constant: expected a finite number, got nan",
    )


def test_unreadable_file_exits_2(run_cli: CliRunner, tmp_path: Path) -> None:
    missing = tmp_path / "missing.json"
    assert run_cli("quant", "simulate", str(missing)) == (2, f"{missing}: cannot read: No such file or directory")


def test_a_directory_is_an_unreadable_file(run_cli: CliRunner, tmp_path: Path) -> None:
    code, text = run_cli("quant", "simulate", str(tmp_path))
    assert code == 2 and text.startswith(f"{tmp_path}: cannot read: ")


def test_unwritable_output_exits_1(run_cli: CliRunner, example: dict[str, object], tmp_path: Path) -> None:
    example["years"] = 100
    target = tmp_path / "no-such-dir" / "out.json"
    assert run_cli("quant", "simulate", "{file}", "--out", str(target), scenario=example) == (
        1,
        f"{target}: cannot write: No such file or directory",
    )


def test_progress_is_drawn_on_stderr_when_asked(
    example: dict[str, object], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    example["years"] = 1000
    path = tmp_path / "scenario.json"
    path.write_text(json.dumps(example), encoding="utf-8")
    parser = argparse.ArgumentParser(prog="accord")
    register(parser.add_subparsers(dest="verb"))
    args = parser.parse_args(["quant", "simulate", str(path), "--progress", "--out", str(tmp_path / "r.json")])
    assert args.handler(args) == 0
    captured = capsys.readouterr()
    assert "100.0%" in captured.err
    assert captured.out == ""


def test_no_progress_bar_when_stderr_is_not_a_terminal(
    example: dict[str, object], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    example["years"] = 1000
    path = tmp_path / "scenario.json"
    path.write_text(json.dumps(example), encoding="utf-8")
    parser = argparse.ArgumentParser(prog="accord")
    register(parser.add_subparsers(dest="verb"))
    args = parser.parse_args(["quant", "simulate", str(path), "--out", str(tmp_path / "r.json")])
    assert args.handler(args) == 0
    assert capsys.readouterr().err == ""


def test_a_whole_number_beyond_float_range_is_an_input_error_not_a_crash():
    from accord.quant import ScenarioError, parse_scenario

    scenario = {"risks": [{"id": "x", "frequency": {"constant": 10**400}, "magnitude": {"constant": 1}}]}
    with pytest.raises(ScenarioError, match=r"risks\[0\]\.frequency\.constant: expected a finite number"):
        parse_scenario(scenario)


def test_very_narrow_ranges_simulate_like_the_values_they_pin_down(run_cli: CliRunner) -> None:
    narrow = {"pert": [0.5, 0.5000001, 0.5000002]}
    scenario = {"years": 20_000, "seed": 3, "risks": [
        _risk(id="rate", frequency={"pert": [5, 5.000001, 5.000002]}, magnitude={"constant": 1}),
        {"id": "tef", "fair": {"tef": {"pert": [2, 2.000001, 2.000002]}, "vulnerability": {"constant": 0.5},
                               "primary_loss": {"constant": 1}}},
        {"id": "tcap-rs", "fair": {"tef": {"constant": 2}, "tcap": narrow,
                                   "rs": {"pert": [0.5, 0.50000015, 0.5000003]}, "primary_loss": {"constant": 1}}},
    ]}
    code, out = run_cli("quant", "simulate", "{file}", scenario=scenario)
    assert code == 0, out
    risks = {r["id"]: r for r in json.loads(out)["inherent"]["risks"]}
    for name, mean in (("rate", 5.000001), ("tef", 1.0000005), ("tcap-rs", 2 * 0.24221046443)):
        assert abs(risks[name]["ale"] - mean) < 4 * risks[name]["ale_standard_error"]
    assert risks["tcap-rs"]["susceptibility"] == pytest.approx(0.24221046443, abs=1e-9)


def _indented_with_pairs_joined(data: object) -> str:
    """The result file's layout as first written: json.dumps(indent=2), each two-number array's lines joined."""
    pair = re.compile(r"\[\s*([-0-9.eE+]+),\s*([-0-9.eE+]+)\s*\]")
    return pair.sub(r"[\1, \2]", json.dumps(data, indent=2, allow_nan=False)) + "\n"


@pytest.mark.parametrize(
    "data",
    [
        {"lec": [[1000.0, 0.845], [1151.395399326447, 0.5], [2e16, 1e-05]], "ale": 12.5, "seed": 42},
        {"id": "a], [b", "risks": [{"lec": [[1, 0.5]], "susceptibility": None, "ok": True}], "residual": None},
        {"empty": [], "none": {}, "pair": [1, 2], "triple": [1, 2, 3], "flags": [True, False], "nested": [[[1, 2]]]},
        {"mixed": [[1, 2], [3, "x"], [], {}], "text": "é\u0000\n\"", "negative": [[-0.0, -1.5e-300]]},
        [[1.5, 2], [3, 4]],
    ],
)
def test_the_result_text_is_indented_json_with_each_curve_point_on_one_line(data: object) -> None:
    assert result_text(data) == _indented_with_pairs_joined(data)
    assert json.loads(result_text(data)) == data


def test_the_result_file_of_a_simulation_has_that_layout(run_cli: CliRunner, example: dict[str, object]) -> None:
    code, out = run_cli("quant", "simulate", "{file}", scenario=example)
    assert code == 0
    assert out == _indented_with_pairs_joined(json.loads(out))
    first_point = json.loads(out)["inherent"]["portfolio"]["lec"][0]
    assert f'      "lec": [\n        [{first_point[0]!r}, {first_point[1]!r}],\n' in out


def test_the_result_text_refuses_non_finite_numbers_as_json_dumps_does() -> None:
    with pytest.raises(ValueError, match="not JSON compliant"):
        result_text({"ale": math.inf})
    with pytest.raises(ValueError, match="not JSON compliant"):
        result_text({"lec": [[1.0, math.nan], [2.0, 0.5]]})
