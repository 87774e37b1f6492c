"""The whole-process measurements of bench/quant.py: Accord's engine command and pyfair's, each run as a
user runs it (start to exit), in interleaved rounds so that both meet the same load."""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from bench.quant_scenarios import fair_portfolio

ROOT = Path(__file__).resolve().parent.parent
QUANT = Path(__file__).resolve().with_name("quant.py")  # runs pyfair's side with --pyfair-file

TINY = (1, 1_000)  # risks, years: a scenario whose run is nearly all start-up


def _accord_command() -> list[str]:
    """The `accord` command of this interpreter's environment (its console script, else `-m accord.cli`)."""
    script = Path(sys.executable).with_name("accord")
    return [str(script)] if script.exists() else [sys.executable, "-m", "accord.cli"]


def _whole_process(command: list[str], env: dict[str, str] | None = None, cwd: Path = ROOT) -> dict[str, float]:
    """Run `command` to its end: wall time from start to exit, CPU time (user + system) and max RSS (MiB)."""
    started = time.perf_counter()
    process = subprocess.Popen(  # noqa: S603
        command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env
    )
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    errors = process.stderr.read().decode(errors="replace") if process.stderr else ""
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed ({process.returncode}):\n{errors}")
    return {"wall": wall, "cpu": usage.ru_utime + usage.ru_stime, "max_rss_mib": usage.ru_maxrss / 1024.0}


WholePlan = list[tuple[str, str, list[str], dict[str, str] | None, Path]]


def whole_process_plan(args: argparse.Namespace, folder: Path) -> WholePlan:
    """(label, key, command, environment) of each whole-process measurement, with its scenario files written
    to `folder`, and the folder it runs in. With `--baseline TREE`, Accord's three processes also run from
    the source tree TREE (through PYTHONPATH, and in TREE, which `python -c` puts first on its path; same
    interpreter and environment) in the same rounds: a before/after under the same load."""
    files = {}
    for key, (risks, years) in {"tiny": TINY, "portfolio": (args.risks, args.years)}.items():
        files[key] = folder / f"{key}.json"
        files[key].write_text(json.dumps(fair_portfolio(risks, years)), encoding="utf-8")
    accord, out = _accord_command(), str(folder / "result.json")
    pyfair = [args.pyfair_python or sys.executable, str(QUANT), "--pyfair-file"]
    tiny = f"{TINY[0]} risk x {TINY[1]:,} years"
    plan = [
        ("Python, NumPy and Numba imported (the floor of any engine process)", "floor",
         [sys.executable, "-c", "import accord.quant.kernels"]),
        (f"`accord quant simulate`, tiny scenario ({tiny})", "accord-tiny",
         [*accord, "quant", "simulate", str(files["tiny"]), "--out", out]),
        ("`accord quant simulate`, Open FAIR portfolio", "accord-portfolio",
         [*accord, "quant", "simulate", str(files["portfolio"]), "--out", out]),
    ]
    runs: WholePlan = []
    for label, key, command in plan:
        runs.append((label, key, command, None, ROOT))
        if args.baseline:  # right after the same process from this tree, so both meet the same load
            tree = Path(args.baseline).resolve()
            env = {**os.environ, "PYTHONPATH": str(tree)}
            runs.append((f"{label}, before (the tree {tree.name})", f"before-{key}", command, env, tree))
    if not args.skip_pyfair:
        runs += [
            (f"pyfair, tiny scenario ({tiny})", "pyfair-tiny", [*pyfair, str(files["tiny"])], None, ROOT),
            ("pyfair, Open FAIR portfolio", "pyfair-portfolio", [*pyfair, str(files["portfolio"])], None, ROOT),
        ]
    return runs


def run_whole(args: argparse.Namespace) -> dict[str, Any]:
    """Best and median of `--repeat` interleaved rounds of every whole-process measurement."""
    with tempfile.TemporaryDirectory(prefix="accord-bench-") as name:
        plan = whole_process_plan(args, Path(name))
        runs: dict[str, list[dict[str, float]]] = {key: [] for _, key, _, _, _ in plan}
        for round_number in range(args.repeat):
            for label, key, command, env, cwd in plan:
                runs[key].append(_whole_process(command, env, cwd))
                print(f"  round {round_number + 1}: {label}: {runs[key][-1]['wall']:.3f} s", file=sys.stderr)
    rows = {}
    for label, key, _, _, _ in plan:
        walls = [r["wall"] for r in runs[key]]
        best = runs[key][int(np.argmin(walls))]
        rows[key] = {
            "label": label,
            "best": best["wall"],
            "median": statistics.median(walls),
            "cpu": best["cpu"],
            "cpu_median": statistics.median(r["cpu"] for r in runs[key]),
            "max_rss_mib": max(r["max_rss_mib"] for r in runs[key]),
        }
    return rows
