"""Benchmark the budget optimiser (accord.optimize) on a round of 1,000 candidates.

    .venv/bin/python bench/optimize.py                  # prints a Markdown report
    .venv/bin/python bench/optimize.py --update-docs    # ... and rewrites "## Budget optimiser" in docs/benchmarks.md
    .venv/bin/python bench/optimize.py --repeat 1 --years 5000 --skip-whole   # a quick smoke run

The round (deterministic, `big_round`): 500 estimated risks (compound Poisson-lognormal, half with an
uncertain rate), 300 controls each naming 1 to 4 of them (frequency and/or magnitude fractions), 700
initiatives with a benefit as a 90% range, 25 dependencies and 25 exclusions among random pairs, an envelope
of a third of the total cost (capex and opex each). Measured in this process after one warm-up: the model
(value mode, at the default gap and to proven optimality), the verification of the chosen set by simulation
(common random numbers on the prepared events), the 20-point frontier, the greedy ranking, and the appetite
mode; then as a user meets it, a fresh process running `accord budget solve --file` (wall time, imports
included). The machine is shared: the best of `--repeat` runs is compared with the aims, the median shows the
spread.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from bench.quant import machine  # noqa: E402
from bench.quant_scenarios import compound_portfolio, control_set  # noqa: E402
from bench.risks import update_docs  # noqa: E402

SECTION = "## Budget optimiser"
AIMS = {"model": 2.0, "verification": 0.5, "frontier": 30.0}


def _r(x: float) -> float:
    return float(f"{x:.4g}")


def big_round(
    *, controls: int = 300, initiatives: int = 700, risks: int = 500, links: int = 50, years: int = 20_000,
    seed: int = 2027,
) -> dict[str, Any]:
    """The benchmark's round file (amounts in cents)."""
    rng = np.random.default_rng(seed)
    scenario = compound_portfolio(risks=risks, years=years, seed=seed, low_decades=(5.0, 7.0))
    control_items = control_set(scenario, seed=seed, controls=controls, named=(1, 5))
    candidates: list[dict[str, Any]] = [
        {"id": c["id"], "control": c["id"],
         "cost": {"capex": int(10 ** rng.uniform(5, 7)), "opex": int(10 ** rng.uniform(4.5, 6.5))}}
        for c in control_items
    ]
    for i in range(initiatives):
        low = 10 ** rng.uniform(5.5, 7.5)
        candidates.append({"id": f"initiative-{i:03d}", "benefit": [_r(low), _r(low * rng.uniform(1.5, 5))],
                           "cost": {"capex": int(10 ** rng.uniform(5.5, 7.5)),
                                    "opex": int(10 ** rng.uniform(4.5, 6.5))}})
    pairs: set[tuple[int, int]] = set()
    while len(pairs) < links:
        a, b = (int(x) for x in rng.choice(len(candidates), size=2, replace=False))
        if (b, a) not in pairs:
            pairs.add((a, b))
    for k, (a, b) in enumerate(sorted(pairs)):
        candidates[a].setdefault("requires" if k % 2 == 0 else "excludes", []).append(candidates[b]["id"])
    capex = sum(c["cost"]["capex"] for c in candidates)
    opex = sum(c["cost"]["opex"] for c in candidates)
    return {
        "name": "benchmark", "mode": "value", "envelope": {"capex": capex // 3, "opex": opex // 3},
        "scenario": {**scenario, "controls": control_items},
        "candidates": candidates,
    }


def _times(func: Callable[[], Any], repeat: int) -> tuple[list[float], Any]:
    out, value = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        value = func()
        out.append(time.perf_counter() - started)
    return out, value


def run(args: argparse.Namespace) -> dict[str, Any]:
    from accord.optimize.engine import Problem, frontier, greedy, solve_round, verify
    from accord.optimize.model import DEFAULT_GAP, solve
    from accord.optimize.round import parse_round
    from accord.quant.engine import prepare

    data = big_round(years=args.years)
    rnd = parse_round(data)
    rows: dict[str, Any] = {"years": args.years, "threads": args.threads}
    started = time.perf_counter()
    prepared = prepare(rnd.scenario, threads=args.threads)
    rows["simulation"] = time.perf_counter() - started
    problem = Problem.of(rnd, [float(row.mean()) for row in prepared.inherent.risk_losses])
    counts = [len(t.controls) for t in problem.terms]
    rows["risks_with_controls"] = len(counts)
    rows["most_controls_on_a_risk"] = max(counts)
    rows["chained_risks"] = sum(1 for n in counts if n > 4)
    solve(problem, mode="value", gap=1e-2)  # warm-up (imports, HiGHS's first call)
    times, solution = _times(lambda: solve(problem, mode="value", gap=DEFAULT_GAP), args.repeat)
    rows["model"] = {"times": times, "status": solution.status, "gap": solution.gap, "value": solution.value,
                     "chosen": int(solution.chosen.sum())}
    if not args.skip_exact:
        times, exact = _times(lambda: solve(problem, mode="value", gap=0.0, time_limit=120.0), 1)
        rows["tighter"] = _times(lambda: solve(problem, mode="value", gap=1e-4), args.repeat)[0]
        rows["exact"] = {"times": times, "status": exact.status, "gap": exact.gap, "value": exact.value}
    chosen = solution.chosen
    times, verified = _times(lambda: verify(prepared, problem, chosen), args.repeat)
    rows["verification"] = {"times": times, "ale": verified.ale, "model_ale": verified.model_ale,
                            "gap": verified.gap, "se": verified.ale_standard_error,
                            "inherent": verified.inherent_ale}
    times, curve = _times(lambda: frontier(problem, prepared, chosen, points=20), max(1, args.repeat - 1))
    rows["frontier"] = {"times": times, "points": len(curve.points),
                        "feasible": sum(1 for p in curve.points if p.value is not None)}
    times, ranked = _times(lambda: greedy(problem, solution.value), args.repeat)
    rows["greedy"] = {"times": times, "value": ranked.value, "left": ranked.left_on_table,
                      "share": ranked.left_on_table_share, "violations": list(ranked.violations)}
    if not args.skip_appetite:
        everything = prepared.evaluate([c.control for c in rnd.candidates if c.control is not None],
                                       risk_statistics=False)
        inherent = prepared.inherent.portfolio
        points = [[_r((inherent.p95 + everything.portfolio.p95) / 2), 0.05],
                  [_r((inherent.p99 + everything.portfolio.p99) / 2), 0.01]]
        appetite = parse_round({**data, "mode": "appetite", "scenario": {**data["scenario"], "tolerance": points}})
        judged = prepare(appetite.scenario, threads=args.threads)  # the same events, with the tolerance points
        times, outcome = _times(lambda: solve_round(appetite, prepared=judged, frontier_points=0), 1)
        rows["appetite"] = {"times": times, "status": outcome.status, "cuts": outcome.cuts, "gap": outcome.gap,
                            "model": outcome.timings.get("model"), "points": points,
                            "cost": outcome.cost.total if outcome.cost else None,
                            "within": bool(outcome.verified and outcome.verified.tolerance
                                           and outcome.verified.tolerance.within),
                            "greedy_extra": outcome.greedy.extra_cost if outcome.greedy else None}
    return rows


def run_whole(args: argparse.Namespace) -> dict[str, Any]:
    """`accord budget solve --file` in fresh processes: wall time from start to exit."""
    out: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="accord-bench-") as tmp:
        source = Path(tmp) / "round.json"
        source.write_text(json.dumps(big_round(years=args.years)), encoding="utf-8")
        for label, extra in (("no frontier", ["--frontier-points", "0"]), ("20-point frontier", [])):
            times = []
            for _ in range(args.repeat):
                command = [sys.executable, "-m", "accord", "budget", "solve", "--file", str(source),
                           "--out", str(Path(tmp) / "result.json"), *extra]
                started = time.perf_counter()
                done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False,  # noqa: S603
                                      env={**os.environ, "PYTHONPATH": str(ROOT)})
                times.append(time.perf_counter() - started)
                if done.returncode != 0:
                    raise SystemExit(f"{label}: exit {done.returncode}: {done.stderr.strip()}")
            out[label] = times
    return out


def _best(times: list[float]) -> str:
    return f"{min(times):.2f} s"


def _median(times: list[float]) -> str:
    return f"{statistics.median(times):.2f} s"


def report(rows: dict[str, Any], whole: dict[str, Any], load: tuple[float, float]) -> str:
    info = machine()
    model, verified, curve, ranked = rows["model"], rows["verification"], rows["frontier"], rows["greedy"]
    lines = [
        SECTION,
        "",
        f"Measured by `bench/optimize.py` ({time.strftime('%Y-%m-%d')}): one round of 1,000 candidates (300 "
        f"controls on 500 estimated risks, 700 initiatives, 25 dependencies and 25 exclusions), {rows['years']:,} "
        f"simulated years, {rows['threads']} simulation threads. {rows['risks_with_controls']} risks are named by "
        f"a control, at most {rows['most_controls_on_a_risk']} controls on one, {rows['chained_risks']} of them "
        "written as a chain (more than four controls; docs/budget.md, \"The model\").",
        "",
        f"- CPU: {info['cpu']}, {info['cores']} logical cores; {info['ram']} RAM",
        f"- Python {info['python']}, NumPy {info['numpy']}, SciPy {info['scipy']} (HiGHS through "
        f"`scipy.optimize.milp`), Numba {info['numba']}",
        f"- 1-minute load average {load[0]:.1f} before the run, {load[1]:.1f} after (a shared machine)",
        "",
        "| step | best | median | aim | result |",
        "| --- | ---: | ---: | ---: | --- |",
        f"| simulating the inherent portfolio once (`prepare`) | {rows['simulation']:.2f} s | | | shared by every "
        "step below |",
        f"| model, value mode, default gap (1e-3) | {_best(model['times'])} | {_median(model['times'])} | "
        f"{AIMS['model']:g} s | {model['status']}, gap {model['gap']:.2e} (proven by HiGHS's bound), "
        f"{model['chosen']} chosen |",
    ]
    if "exact" in rows:
        exact = rows["exact"]
        lines.append(f"| model to a 1e-4 gap | {_best(rows['tighter'])} | {_median(rows['tighter'])} | | |")
        lines.append(f"| model to proven optimality (gap 0) | {_best(exact['times'])} | | | {exact['status']}, gap "
                     f"{(exact['gap'] or 0):.1e}; value {exact['value'] / model['value'] - 1:+.2e} relative to the "
                     "default gap's |")
    lines += [
        f"| verifying the chosen set by simulation | {_best(verified['times'])} | {_median(verified['times'])} | "
        f"{AIMS['verification']:g} s | residual ALE {verified['ale'] / 100:,.0f} EUR against the model's "
        f"{verified['model_ale'] / 100:,.0f} (gap {verified['gap'] / verified['model_ale']:+.2%}, "
        f"{verified['gap'] / verified['se']:+.1f} standard errors) |",
        f"| frontier, 20 envelopes from 0 to 2x, each verified | {_best(curve['times'])} | {_median(curve['times'])} | "
        f"{AIMS['frontier']:g} s | {curve['feasible']} of {curve['points']} points feasible |",
        f"| greedy ranking by value per euro | {_best(ranked['times'])} | | | leaves {ranked['left'] / 100:,.0f} EUR "
        f"of value on the table ({ranked['share']:.2%} of the optimum's) |",
    ]
    if "appetite" in rows:
        app = rows["appetite"]
        extra = app["greedy_extra"]
        lines.append(
            f"| appetite mode (two tolerance points), cuts and verification | {_best(app['times'])} | | | "
            f"{app['status']} after {app['cuts']} cuts (gap {(app['gap'] or 0):.1%} to the cuts' lower bound), "
            f"within tolerance: {'yes' if app['within'] else 'no'}; the greedy ranking pays {extra / 100:,.0f} EUR "
            "more |" if extra is not None else
            f"| appetite mode | {_best(app['times'])} | | | {app['status']} after {app['cuts']} cuts |")
    for label, times in whole.items():
        lines.append(f"| fresh process: `accord budget solve --file` ({label}) | {_best(times)} | {_median(times)} "
                     "| | wall time, imports, simulation and result file included |")
    met = [name for name, aim in AIMS.items() if min(rows[name]["times"]) <= aim]
    lines += ["", f"Aims met: {', '.join(met) if met else 'none'}"
              + (f"; not met: {', '.join(sorted(set(AIMS) - set(met)))}." if len(met) < len(AIMS) else ".")]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--years", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--skip-exact", action="store_true", help="leave out the solve to proven optimality")
    parser.add_argument("--skip-appetite", action="store_true", help="leave out the appetite mode")
    parser.add_argument("--skip-whole", action="store_true", help="leave out the fresh processes")
    parser.add_argument("--update-docs", action="store_true", help=f"rewrite '{SECTION}' in docs/benchmarks.md")
    args = parser.parse_args(argv)
    before = os.getloadavg()[0]
    rows = run(args)
    whole = {} if args.skip_whole else run_whole(args)
    text = report(rows, whole, (before, os.getloadavg()[0]))
    print(text)
    if args.update_docs:
        update_docs(text, SECTION)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
