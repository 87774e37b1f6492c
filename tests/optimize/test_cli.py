"""`accord budget solve --file`: the result file's names, exit 2 with field paths, exit 4 when infeasible."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.quant.conftest import CliRunner

ROOT = Path(__file__).resolve().parents[2]


def test_solve_writes_the_documented_result_file(run_cli: CliRunner, example, tmp_path: Path):
    out, chart = tmp_path / "result.json", tmp_path / "frontier.svg"
    code, _ = run_cli("budget", "solve", "--file", "{file}", "--out", str(out), "--chart", str(chart),
                      "--frontier-points", "5", data=example)
    assert code == 0
    result = json.loads(out.read_text(encoding="utf-8"))
    assert result["status"] == "optimal"
    assert result["chosen"] == ["edr", "backup", "encryption", "crm", "legacy"]
    assert isinstance(result["value"], float)
    verified = result["verified"]
    assert set(verified) >= {"ale", "ale_standard_error", "inherent_ale", "risk_reduced", "model_ale",
                             "gap_to_model", "tolerance"}
    assert verified["ale"] < verified["inherent_ale"]
    assert isinstance(verified["tolerance"]["within"], bool)
    assert [p["loss"] for p in verified["tolerance"]["points"]] == [50_000_000, 200_000_000]
    assert result["cost"] == {"capex": 27_000_000, "opex": 7_500_000, "total": 34_500_000}
    assert result["infeasible"] is None
    assert len(result["frontier"]["points"]) == 5
    assert set(result["greedy"]) >= {"chosen", "value", "left_on_table", "left_on_table_share"}
    assert [flag["controls"] for flag in result["gordon_loeb"]] == [["edr", "backup"], ["encryption"]]
    svg = chart.read_text(encoding="utf-8")
    assert svg.startswith("<?xml") and "Efficient frontier" in svg and "Chosen" in svg


def test_the_result_goes_to_standard_output_without_out(run_cli: CliRunner, example):
    code, out = run_cli("budget", "solve", "--file", "{file}", "--frontier-points", "0", data=example)
    assert code == 0
    result = json.loads(out)
    assert result["frontier"] is None
    assert result["chosen"]


def test_the_mode_option_overrides_the_file(run_cli: CliRunner, example):
    example["scenario"]["tolerance"] = [[10**11, 0.5]]  # met by anything: the cheapest set is the mandatory one
    code, out = run_cli("budget", "solve", "--file", "{file}", "--mode", "appetite", "--frontier-points", "0",
                        data=example)
    assert code == 0
    result = json.loads(out)
    assert (result["mode"], result["chosen"]) == ("appetite", ["legacy"])


def test_invalid_input_exits_2_with_the_field_path(run_cli: CliRunner, example):
    example["candidates"][2]["cost"]["opex"] = -5
    code, message = run_cli("budget", "solve", "--file", "{file}", data=example)
    assert code == 2
    assert message == "candidates[2].cost.opex: must be >= 0, got -5"


def test_invalid_json_exits_2_with_the_line(run_cli: CliRunner):
    code, message = run_cli("budget", "solve", "--file", "{file}", text='{"envelope": ')
    assert code == 2
    assert message.endswith("round.json: invalid JSON at line 1 column 14: Expecting value")


def test_a_missing_file_option_asks_for_it(run_cli: CliRunner):
    code, message = run_cli("budget", "solve", "acme", "2027")
    assert code == 2
    assert "give --file ROUND.json" in message


def test_an_infeasible_round_writes_its_result_and_exits_4(run_cli: CliRunner, example, tmp_path: Path):
    example["envelope"] = {"capex": 500_000, "opex": 10_000_000}
    out = tmp_path / "result.json"
    code, message = run_cli("budget", "solve", "--file", "{file}", "--out", str(out), "--frontier-points", "0",
                            data=example)
    assert code == 4
    assert "envelope.capex" in message
    result = json.loads(out.read_text(encoding="utf-8"))
    assert (result["status"], result["chosen"], result["verified"]) == ("infeasible", [], None)
    assert "envelope.capex" in result["infeasible"]["constraints"]


def test_the_budget_verb_runs_without_django_in_a_fresh_process(example, tmp_path: Path):
    source, out = tmp_path / "round.json", tmp_path / "result.json"
    source.write_text(json.dumps(example), encoding="utf-8")
    probe = ("import json, sys\nfrom accord.cli import main\n"
             "code = main(['budget', 'solve', '--file', sys.argv[1], '--out', sys.argv[2], '--frontier-points', '0'])\n"
             "print(json.dumps({'code': code, 'django': 'django' in sys.modules}))\n")
    done = subprocess.run(  # noqa: S603 - this interpreter, a fixed script
        [sys.executable, "-c", probe, str(source), str(out)], capture_output=True, text=True, check=False,
        cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=600,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.strip().splitlines()[-1]) == {"code": 0, "django": False}
    assert json.loads(out.read_text(encoding="utf-8"))["chosen"]


def test_budget_solve_is_the_engines_and_budget_list_stays_the_portfolios():
    from accord.cli import _pure_parser, build_parser

    assert _pure_parser(["budget", "solve", "--file", "round.json"]) is not None
    assert _pure_parser(["budget", "list", "acme"]) is None  # needs the database: the whole parser
    assert _pure_parser(["budget", "--help"]) is None
    verbs = next(a for a in build_parser()._actions if a.__class__.__name__ == "_SubParsersAction")
    budget = verbs.choices["budget"]
    sub_verbs = next(a for a in budget._actions if a.__class__.__name__ == "_SubParsersAction")
    assert set(sub_verbs.choices) == {"solve", "list"}
