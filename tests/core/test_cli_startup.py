"""A command that reads or writes the database (`accord incident list`, `accord org list`, ...) loads neither the
Monte Carlo engine (NumPy's kernels compiled by Numba) nor the task queue (Huey, Redis): each is imported where
it is used, so the command starts without them. Each case runs in a fresh interpreter (this one has imported
everything already) and reports what it imported."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

#: What the commands must not load, and what loads them when a command does need them.
HEAVY = ("numba", "huey", "redis", "accord.quant.kernels", "accord.quant.engine")

PROBE = f"""
import json, sys
from accord.cli import main
try:
    code = main(sys.argv[1:])
except Exception as exc:  # ACCORD_DEBUG=1: the command's error is raised, not printed
    code = type(exc).__name__ + ": " + str(exc)
print(json.dumps({{"code": code, "loaded": sorted(m for m in {HEAVY!r} if m in sys.modules)}}))
"""


def _run(tmp_path: Path, *argv: str) -> dict[str, object]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "ACCORD_DEBUG": "1", "ACCORD_VAR_DIR": str(tmp_path),
           "ACCORD_DATABASE_URL": f"sqlite:///{tmp_path}/empty.sqlite3"}
    done = subprocess.run([sys.executable, "-c", PROBE, *argv],  # noqa: S603 - this interpreter, a fixed script
                          capture_output=True, text=True, check=False, cwd=ROOT, env=env, timeout=600)
    report: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return report


@pytest.mark.parametrize("argv", [("incident", "list", "acme"), ("risk", "list", "acme"), ("org", "list"),
                                  ("policy", "list", "acme")], ids=" ".join)
def test_a_database_command_loads_neither_the_engine_nor_the_queue(tmp_path, argv):
    report = _run(tmp_path, *argv)
    # The database is empty (no tables): the command got as far as its first query, past every import.
    assert str(report["code"]).startswith("OperationalError: no such table: core_")
    assert report["loaded"] == []


def test_the_probe_sees_what_a_command_that_needs_them_loads(tmp_path):
    scenario = tmp_path / "scenario.json"
    scenario.write_text(json.dumps({"years": 100, "seed": 1, "risks": [
        {"id": "r", "frequency": {"constant": 1}, "magnitude": {"constant": 10}}]}), encoding="utf-8")
    report = _run(tmp_path, "quant", "simulate", str(scenario), "--out", str(tmp_path / "out.json"))
    assert report["code"] == 0
    assert {"numba", "accord.quant.kernels", "accord.quant.engine"} <= set(report["loaded"])
