"""Fixtures for the pure quantitative engine: no Django, no database."""

from __future__ import annotations

import argparse
import copy
import json
from collections.abc import Callable
from pathlib import Path

import pytest

from accord.cli_support import CliError
from accord.quant.cli import register

EXAMPLE: dict[str, object] = {
    "years": 20000,
    "seed": 42,
    "currency": "EUR",
    "risks": [
        {
            "id": "ransomware",
            "frequency": {"pert": [0.05, 0.2, 0.6]},
            "magnitude": {"lognormal_ci90": [50000, 2000000]},
        },
        {"id": "laptop-loss", "frequency": {"constant": 3}, "magnitude": {"uniform": [500, 5000]}},
        {
            "id": "web-breach",
            "fair": {
                "tef": {"pert": [1, 4, 12]},
                "tcap": {"pert": [0.3, 0.6, 0.9]},
                "rs": {"pert": [0.5, 0.7, 0.95]},
                "primary_loss": {"lognormal_ci90": [20000, 400000]},
                "secondary_probability": {"pert": [0.1, 0.3, 0.6]},
                "secondary_loss": {"lognormal_ci90": [50000, 3000000]},
            },
        },
    ],
    "controls": [
        {"id": "edr", "effects": [{"risk": "ransomware", "frequency": 0.5}]},
        {"id": "backups", "effects": [{"risk": "ransomware", "magnitude": 0.6}]},
    ],
    "tolerance": [[1000000, 0.10], [5000000, 0.01]],
}


@pytest.fixture
def example() -> dict[str, object]:
    """The scenario of docs/quant.md (a deep copy each test may change)."""
    return copy.deepcopy(EXAMPLE)


CliRunner = Callable[..., tuple[int, str]]


def cli_runner(
    register_verbs: Callable[..., None], directory: Path, capsys: pytest.CaptureFixture[str], file_name: str
) -> CliRunner:
    """Run an engine's verbs through its `register` and the handler, the way the `accord` command does:
    `run(*argv, data=..., text=...)` writes `data` as JSON (or `text`) to `file_name` in `directory` and puts
    its path where an argument says `{file}`. Returns (exit code, the error message or standard output)."""

    def run(*argv: str, data: object = None, text: str | None = None) -> tuple[int, str]:
        args_list = list(argv)
        if data is not None or text is not None:
            path = directory / file_name
            path.write_text(text if text is not None else json.dumps(data), encoding="utf-8")
            args_list = [a.replace("{file}", str(path)) for a in args_list]
        parser = argparse.ArgumentParser(prog="accord")
        register_verbs(parser.add_subparsers(dest="verb"))
        args = parser.parse_args(args_list)
        try:
            code = args.handler(args)
        except CliError as exc:
            return exc.code, exc.message
        return code, capsys.readouterr().out

    return run


@pytest.fixture
def run_cli(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> CliRunner:
    """Run `accord quant ...` (`scenario=` is the scenario file's data)."""
    run = cli_runner(register, tmp_path, capsys, "scenario.json")
    return lambda *argv, scenario=None, text=None: run(*argv, data=scenario, text=text)
