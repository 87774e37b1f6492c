"""Benchmark accord.quant against pyfair (0.1a13) and against the raw NumPy sampling floor.

    .venv/bin/python bench/quant.py                   # 100 risks x 100,000 years, prints a Markdown report
    .venv/bin/python bench/quant.py --update-docs     # ... and rewrites the section in docs/benchmarks.md
    .venv/bin/python bench/quant.py --risks 20 --years 20000 --repeat 1   # a quick smoke run
    .venv/bin/python bench/quant.py --whole-only      # only the whole-process comparison (quick)

Every measurement runs in its own subprocess (`--measure NAME`), so peak memory is not polluted by
other measurements, in `--repeat` interleaved rounds: wall time (best and median), CPU time, the growth of
the peak resident set size (ru_maxrss after the run minus after imports and setup), and, in a
separate run, the peak of the memory traced by tracemalloc (NumPy reports its buffers to it).
The machine is shared, so the best-of-N wall time is the figure compared with the targets.

Whole processes are measured too, the way a user runs them: `accord quant simulate FILE --out RESULT`
for a tiny scenario and the portfolio, against a process that runs the same portfolio through pyfair
(`--pyfair-file FILE`, imports included): wall time from start to exit, CPU time and the maximum
resident set size of the process (wait4), in the same interleaved rounds.

pyfair needs the optional `bench` extra: pip install pyfair==0.1a13.
"""

from __future__ import annotations

import argparse
import gc
import json
import math
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from bench.quant_scenarios import compound_portfolio, control_set, fair_portfolio  # noqa: E402
from bench.quant_whole import run_whole  # noqa: E402

DOCS = ROOT / "docs" / "benchmarks.md"
SECTION = "## Quantitative engine (accord.quant)"

Runner = Callable[[], Any]


# --------------------------------------------------------------------------------------------------
# Measurements (each returns a zero-argument callable to time, built after imports and setup)
# --------------------------------------------------------------------------------------------------


def _pert_kwargs(spec: dict[str, Any]) -> dict[str, float]:
    low, mode, high = spec["pert"]
    return {"low": low, "mode": mode, "high": high}


def _pyfair_portfolio(scenario: dict[str, Any]) -> dict[str, float]:
    """The Open FAIR portfolio through pyfair: one FairModel per risk, summed by a FairMetaModel."""
    import pyfair

    years = int(scenario["years"])
    models = []
    for i, risk in enumerate(scenario["risks"]):
        fair = risk["fair"]
        model = pyfair.FairModel(name=risk["id"], n_simulations=years, random_seed=1000 + i)
        model.input_data("Threat Event Frequency", **_pert_kwargs(fair["tef"]))
        model.input_data("Threat Capability", **_pert_kwargs(fair["tcap"]))
        model.input_data("Control Strength", **_pert_kwargs(fair["rs"]))
        model.input_data("Primary Loss", **_pert_kwargs(fair["primary_loss"]))
        model.input_data("Secondary Loss Event Frequency", **_pert_kwargs(fair["secondary_probability"]))
        model.input_data("Secondary Loss Event Magnitude", **_pert_kwargs(fair["secondary_loss"]))
        models.append(model)
    meta = pyfair.FairMetaModel(name="portfolio", models=models)
    meta.calculate_all()
    total = meta.export_results()["Risk"].to_numpy()
    p50, p90, p95, p99 = np.percentile(total, [50, 90, 95, 99])
    return {"ale": float(total.mean()), "p50": p50, "p90": p90, "p95": p95, "p99": p99}


def setup_pyfair_fair(risks: int, years: int, threads: int) -> Runner:
    import pyfair  # noqa: F401 - imported before the clock starts, like every setup's imports

    scenario = fair_portfolio(risks, years)

    def run() -> dict[str, float]:
        return _pyfair_portfolio(scenario)

    return run


def _accord_simulate(scenario_data: dict[str, Any], threads: int) -> Runner:
    from accord.quant import kernels, parse_scenario, simulate

    scenario = parse_scenario(scenario_data)
    # Susceptibilities and sampling tables are part of the run: they are computed lazily inside simulate.
    # Loading the compiled kernels is not: like pyfair's imports, it is paid once per process, and is
    # measured on its own ("accord-kernel-load").
    kernels.warm_up()

    def run() -> dict[str, float]:
        result = simulate(scenario, threads=threads)
        p = result.inherent.portfolio
        return {"ale": p.ale, "p50": p.p50, "p90": p.p90, "p95": p.p95, "p99": p.p99}

    return run


def setup_accord_kernel_load(risks: int, years: int, threads: int) -> Runner:
    """What a new process pays once before its first simulation: loading the compiled kernels from
    Numba's cache (compiling them if the cache is empty, on the first run after an install)."""
    from accord.quant import kernels

    def run() -> None:
        kernels.warm_up()

    return run


def setup_accord_fair(risks: int, years: int, threads: int) -> Runner:
    return _accord_simulate(fair_portfolio(risks, years), threads)


def setup_accord_compound(risks: int, years: int, threads: int) -> Runner:
    return _accord_simulate(compound_portfolio(risks, years), threads)


def _expected_fair_counts(risks: int, years: int) -> list[dict[str, Any]]:
    """Per risk: the Beta shapes Accord samples and the expected numbers of draws of each kind."""
    from accord.quant import parse_scenario

    scenario = parse_scenario(fair_portfolio(risks, years))
    plan = []
    for risk in scenario.risks:
        rate = risk.mean_event_rate
        events = round(years * rate)
        q = risk.secondary_probability
        plan.append(
            {
                "tef": (risk.tef.alpha, risk.tef.beta),
                "p": risk.susceptibility,
                "tef_mean": risk.tef.mean,
                "active": round(years * (1 - math.exp(-rate))),
                "q": (q.alpha, q.beta),
                "events": events,
                "hits": round(events * q.mean),
                "primary": (risk.primary_loss.alpha, risk.primary_loss.beta),
                "secondary": (risk.secondary_loss.alpha, risk.secondary_loss.beta),
            }
        )
    return plan


def setup_numpy_floor_fair(risks: int, years: int, threads: int) -> Runner:
    """Draw what Accord draws for the Open FAIR portfolio, nothing else: per year one TEF (Beta) and one
    Poisson count, one q (Beta) per year with a loss event; per loss event one primary loss (Beta) and
    one uniform; one secondary loss (Beta) per secondary event. Expected counts, one thread."""
    plan = _expected_fair_counts(risks, years)

    def run() -> None:
        rng = np.random.Generator(np.random.PCG64(1))
        for item in plan:
            tef = rng.beta(*item["tef"], years)
            rng.poisson(tef * item["p"])
            rng.beta(*item["q"], item["active"])
            rng.beta(*item["primary"], item["events"])
            rng.random(item["events"])
            rng.beta(*item["secondary"], item["hits"])

    return run


def setup_numpy_pyfair_model(risks: int, years: int, threads: int) -> Runner:
    """pyfair's model in plain NumPy (one thread): per simulated year six Beta draws (TEF, TCap, RS,
    primary, SLEF, SLEM) and risk = TEF * mean(TCap > RS) * (primary + SLEF * SLEM)."""
    plan = _expected_fair_counts(risks, years)

    def run() -> None:
        rng = np.random.Generator(np.random.PCG64(1))
        for item in plan:
            tef = rng.beta(*item["tef"], years)
            vulnerability = np.mean(rng.beta(3.0, 3.0, years) > rng.beta(3.0, 3.0, years))
            primary = rng.beta(*item["primary"], years)
            loss = primary + rng.beta(*item["q"], years) * rng.beta(*item["secondary"], years)
            _ = tef * vulnerability * loss

    return run


def setup_numpy_floor_compound(risks: int, years: int, threads: int) -> Runner:
    """Draw what Accord draws for the compound portfolio: per year one rate (Beta, for uncertain rates) and
    one Poisson count; per event one lognormal loss. Expected counts, one thread."""
    from accord.quant import Pert, parse_scenario

    scenario = parse_scenario(compound_portfolio(risks, years))
    plan = []
    for risk in scenario.risks:
        shape = (risk.frequency.alpha, risk.frequency.beta) if isinstance(risk.frequency, Pert) else None
        plan.append((shape, risk.frequency.mean, round(years * risk.frequency.mean), risk.magnitude))

    def run() -> None:
        rng = np.random.Generator(np.random.PCG64(1))
        for shape, rate, events, magnitude in plan:
            if shape is None:
                rng.poisson(rate, years)
            else:
                rng.poisson(rng.beta(*shape, years) * rate)
            rng.lognormal(magnitude.mu, magnitude.sigma, events)

    return run


def _setup_evaluate(scenario_data: dict[str, Any], threads: int) -> Runner:
    from accord.quant import parse_controls, parse_scenario, prepare

    scenario = parse_scenario(scenario_data)
    started = time.perf_counter()
    prepared = prepare(scenario, threads=threads)
    prepare_seconds = time.perf_counter() - started
    ids = [risk.id for risk in scenario.risks]
    control_sets = [parse_controls(control_set(scenario_data, seed=s), ids) for s in range(1, 8)]
    prepared.evaluate(control_sets[0])  # warm-up (thread pool, page cache); not counted

    def run() -> dict[str, Any]:
        portfolio_times, full_times, touched, thinned = [], [], [], []
        for controls in control_sets[1:]:
            factors = prepared.factors(controls)
            touched.append(sum(1 for f in factors if f.frequency < 1.0 or f.magnitude < 1.0))
            thinned.append(sum(1 for f in factors if f.frequency < 1.0))
            started = time.perf_counter()
            prepared.evaluate(controls, risk_statistics=False)
            portfolio_times.append(time.perf_counter() - started)
            started = time.perf_counter()
            prepared.evaluate(controls)
            full_times.append(time.perf_counter() - started)
        return {
            "prepare_seconds": prepare_seconds,
            "evaluate_best": min(portfolio_times),
            "evaluate_median": statistics.median(portfolio_times),
            "evaluate_full_best": min(full_times),
            "evaluate_full_median": statistics.median(full_times),
            "cached_bytes": prepared.cached_bytes,
            "events": sum(prepared.events),
            "risks_touched": statistics.median(touched),
            "risks_thinned": statistics.median(thinned),
        }

    return run


def setup_accord_evaluate_fair(risks: int, years: int, threads: int) -> Runner:
    return _setup_evaluate(fair_portfolio(risks, years), threads)


def setup_accord_evaluate_compound(risks: int, years: int, threads: int) -> Runner:
    return _setup_evaluate(compound_portfolio(risks, years), threads)


def setup_model_comparison(risks: int, years: int, threads: int) -> Runner:
    """One Open FAIR risk through pyfair and Accord: what each model says about the same inputs."""
    import pyfair

    from accord.quant import parse_scenario, simulate

    data = fair_portfolio(risks, years)
    data["risks"] = data["risks"][:1]
    fair = data["risks"][0]["fair"]
    scenario = parse_scenario(data)

    def run() -> dict[str, Any]:
        model = pyfair.FairModel(name="one", n_simulations=years, random_seed=1)
        model.input_data("Threat Event Frequency", **_pert_kwargs(fair["tef"]))
        model.input_data("Threat Capability", **_pert_kwargs(fair["tcap"]))
        model.input_data("Control Strength", **_pert_kwargs(fair["rs"]))
        model.input_data("Primary Loss", **_pert_kwargs(fair["primary_loss"]))
        model.input_data("Secondary Loss Event Frequency", **_pert_kwargs(fair["secondary_probability"]))
        model.input_data("Secondary Loss Event Magnitude", **_pert_kwargs(fair["secondary_loss"]))
        model.calculate_all()
        table = model.export_results()
        theirs = table["Risk"].to_numpy()
        vulnerability = float(table["Vulnerability"].iloc[0])
        result = simulate(scenario, threads=threads)
        ours = result.inherent.portfolio_losses
        risk = scenario.risks[0]

        def describe(x: np.ndarray) -> dict[str, float]:
            p50, p90, p99 = np.percentile(x, [50, 90, 99])
            return {
                "mean": float(x.mean()),
                "p50": float(p50),
                "p90": float(p90),
                "p99": float(p99),
                "prob_zero": float(np.mean(x == 0)),
            }

        return {
            "pyfair": describe(theirs) | {"vulnerability": vulnerability},
            "accord": describe(ours) | {"vulnerability": risk.susceptibility},
            "exact_mean": risk.expected_annual_loss,
            "inputs": fair,
        }

    return run


SETUPS: dict[str, Callable[[int, int, int], Runner]] = {
    "pyfair-fair": setup_pyfair_fair,
    "accord-fair": setup_accord_fair,
    "accord-kernel-load": setup_accord_kernel_load,
    "numpy-floor-fair": setup_numpy_floor_fair,
    "numpy-pyfair-model": setup_numpy_pyfair_model,
    "accord-compound": setup_accord_compound,
    "numpy-floor-compound": setup_numpy_floor_compound,
    "accord-evaluate-fair": setup_accord_evaluate_fair,
    "accord-evaluate-compound": setup_accord_evaluate_compound,
    "model-comparison": setup_model_comparison,
}


def measure(name: str, risks: int, years: int, threads: int, *, traced: bool) -> dict[str, Any]:
    """Run one measurement in this process (called in a fresh subprocess)."""
    run = SETUPS[name](risks, years, threads)
    gc.collect()
    usage_before = resource.getrusage(resource.RUSAGE_SELF)
    rss_before = usage_before.ru_maxrss
    if traced:
        tracemalloc.start()
    started = time.perf_counter()
    output = run()
    wall = time.perf_counter() - started
    usage_after = resource.getrusage(resource.RUSAGE_SELF)
    cpu = (usage_after.ru_utime - usage_before.ru_utime) + (usage_after.ru_stime - usage_before.ru_stime)
    traced_peak = tracemalloc.get_traced_memory()[1] if traced else None
    if traced:
        tracemalloc.stop()
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {
        "name": name,
        "wall": wall,
        "cpu": cpu,
        "rss_growth_mib": (rss_after - rss_before) / 1024.0,
        "peak_rss_mib": rss_after / 1024.0,
        "traced_peak_mib": traced_peak / 2**20 if traced_peak is not None else None,
        "output": output,
    }


def _subprocess(name: str, args: argparse.Namespace, threads: int, *, traced: bool) -> dict[str, Any]:
    command = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--measure",
        name,
        "--risks",
        str(args.risks),
        "--years",
        str(args.years),
        "--threads",
        str(threads),
    ]
    if traced:
        command.append("--traced")
    done = subprocess.run(command, capture_output=True, text=True, check=False, cwd=ROOT)  # noqa: S603
    if done.returncode != 0:
        raise SystemExit(f"measurement {name} failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


# --------------------------------------------------------------------------------------------------
# Whole processes (the way a user runs the command)
# --------------------------------------------------------------------------------------------------

def run_all(args: argparse.Namespace) -> dict[str, Any]:
    plan: list[tuple[str, str, int, bool]] = [  # (label, setup, threads, measure memory)
        ("pyfair, Open FAIR portfolio", "pyfair-fair", 1, True),
        ("Accord, Open FAIR portfolio, 2 threads", "accord-fair", 2, True),
        ("Accord, Open FAIR portfolio, 1 thread", "accord-fair", 1, False),
        ("Accord, loading the compiled kernels (once per process)", "accord-kernel-load", 1, False),
        ("NumPy floor, Accord's Open FAIR draws, 1 thread", "numpy-floor-fair", 1, False),
        ("NumPy, pyfair's simpler model, 1 thread", "numpy-pyfair-model", 1, False),
        ("Accord, compound portfolio, 2 threads", "accord-compound", 2, True),
        ("Accord, compound portfolio, 1 thread", "accord-compound", 1, False),
        ("NumPy floor, compound draws, 1 thread", "numpy-floor-compound", 1, False),
        ("Accord, evaluate a new control set, Open FAIR", "accord-evaluate-fair", 2, False),
        ("Accord, evaluate a new control set, compound", "accord-evaluate-compound", 2, False),
    ]
    if args.skip_pyfair:
        plan = [p for p in plan if not p[1].startswith("pyfair")]
    rows: dict[str, Any] = {"load_before": os.getloadavg()[0]}
    # Rounds interleave the measurements, so that load from other work on the machine spreads over all of
    # them instead of hitting one.
    all_runs: dict[int, list[dict[str, Any]]] = {i: [] for i in range(len(plan))}
    for round_number in range(args.repeat):
        for i, (label, name, threads, _) in enumerate(plan):
            all_runs[i].append(_subprocess(name, args, threads, traced=False))
            print(f"  round {round_number + 1}: {label}: {all_runs[i][-1]['wall']:.3f} s", file=sys.stderr)
    for i, (label, name, threads, memory) in enumerate(plan):
        runs = all_runs[i]
        walls = [r["wall"] for r in runs]
        row = {
            "label": label,
            "name": name,
            "threads": threads,
            "best": min(walls),
            "median": statistics.median(walls),
            "cpu": runs[int(np.argmin(walls))]["cpu"],
            "rss_growth_mib": min(r["rss_growth_mib"] for r in runs),
            "output": runs[int(np.argmin(walls))]["output"],
        }
        if memory:
            row["traced_peak_mib"] = _subprocess(name, args, threads, traced=True)["traced_peak_mib"]
        rows[f"{name}/{threads}"] = row
    if not args.skip_pyfair:
        rows["comparison"] = _subprocess("model-comparison", args, 2, traced=False)["output"]
    rows["whole"] = run_whole(args)
    rows["load_after"] = os.getloadavg()[0]
    return rows


def machine() -> dict[str, str]:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram = "unknown"
    try:
        for line in Path("/proc/meminfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("MemTotal"):
                ram = f"{int(line.split()[1]) / 2**20:.1f} GiB"
                break
    except OSError:
        pass
    versions = {"numpy": np.__version__}
    for module in ("numba", "pyfair", "pandas", "scipy"):
        try:
            versions[module] = __import__(module).__version__ if module != "pyfair" else _pyfair_version()
        except ImportError:
            versions[module] = "not installed"
    return {
        "cpu": cpu,
        "cores": str(os.cpu_count()),
        "ram": ram,
        "python": platform.python_version(),
        **versions,
    }


def _pyfair_version() -> str:
    from importlib.metadata import version

    return version("pyfair")


def whole_table(whole: dict[str, Any]) -> list[str]:
    """The whole-process table (empty without measurements)."""
    if not whole:
        return []
    lines = [
        "",
        "Whole processes, the way a user runs them: `accord quant simulate FILE --out RESULT.json` (2 threads, "
        "the CPUs available), and a Python process that runs the same portfolio through pyfair from the same "
        "file (imports included). Wall time from start to exit; CPU time (user + system) of the best run and "
        "the median CPU time; the maximum resident set size (max RSS, from wait4) over the runs:",
        "",
        "| process | best (s) | median (s) | CPU (s) | median CPU (s) | max RSS (MiB) |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for value in whole.values():
        lines.append(
            f"| {value['label']} | {value['best']:.3f} | {value['median']:.3f} | {value['cpu']:.2f} | "
            f"{value.get('cpu_median', value['cpu']):.2f} | {value['max_rss_mib']:,.0f} |"
        )
    return lines


def whole_targets(
    whole: dict[str, Any], pyfair: dict[str, Any] | None = None, fair2: dict[str, Any] | None = None
) -> list[str]:
    """The whole-process target lines: the ratio against pyfair, as processes, beside the in-process one."""
    ours, theirs = whole.get("accord-portfolio"), whole.get("pyfair-portfolio")
    if not ours or not theirs:
        return []
    speed = theirs["best"] / ours["best"]
    memory = ours["max_rss_mib"] / theirs["max_rss_mib"]
    inside = ""
    if pyfair and fair2:
        inside = f"; inside warm processes the same run is {pyfair['best'] / fair2['best']:.1f}x"
    lines = [
        f"- As whole processes, `accord quant simulate` of the Open FAIR portfolio at least 10x faster than "
        f"pyfair's: **{speed:.1f}x** ({theirs['best']:.2f} s against {ours['best']:.2f} s; "
        f"{'met' if speed >= 10 else 'missed'}{inside}); at most a third of its memory: **{memory:.2f}x** max RSS "
        f"({ours['max_rss_mib']:,.0f} MiB against {theirs['max_rss_mib']:,.0f} MiB; "
        f"{'met' if memory <= 1 / 3 else 'missed'})."
    ]
    lines.append(
        f"  Of the medians: {theirs['median'] / ours['median']:.1f}x ({theirs['median']:.2f} s against "
        f"{ours['median']:.2f} s)."
    )
    lines.append(
        f"  In CPU time (user + system, every thread) the two processes take {theirs['cpu']:.2f} s and "
        f"{ours['cpu']:.2f} s: {theirs['cpu'] / ours['cpu']:.1f}x."
    )
    before = whole.get("before-accord-portfolio")
    if before:
        lines.append(
            f"  The baseline tree's command took {before['best']:.2f} s best, {before['median']:.2f} s median "
            f"({before.get('cpu_median', before['cpu']):.2f} s median CPU) in the same rounds: "
            f"{theirs['best'] / before['best']:.1f}x pyfair's best."
        )
    tiny, floor = whole.get("accord-tiny"), whole.get("floor")
    if tiny and floor:
        lines.append(
            f"  A tiny scenario costs {tiny['best']:.2f} s as a whole process, of which {floor['best']:.2f} s is "
            "starting Python and importing NumPy and Numba."
        )
    return lines


def report(rows: dict[str, Any], args: argparse.Namespace, info: dict[str, str]) -> str:
    def row(key: str) -> dict[str, Any] | None:
        return rows.get(key)

    def mib(value: float | None) -> str:
        return "-" if value is None else f"{value:,.0f}"

    lines = [
        SECTION,
        "",
        f"Generated by `bench/quant.py` ({args.risks} risks x {args.years:,} simulated years, best of {args.repeat} "
        "runs, each in its own process).",
        "",
        f"Machine: {info['cpu']}, {info['cores']} cores, {info['ram']} RAM; Python {info['python']}, "
        f"NumPy {info['numpy']}, Numba {info.get('numba', 'unknown')}, pyfair {info['pyfair']} "
        f"(pandas {info['pandas']}, SciPy {info['scipy']}). "
        "The machine is shared with other work (1-minute load average "
        f"{rows.get('load_before', 0):.1f} before the run, {rows.get('load_after', 0):.1f} after), so the "
        "best run is the figure compared with the targets; the median shows the spread and the CPU time "
        "(user + system, all threads) of the best run shows the work done.",
        "",
        "What is compared. The Open FAIR portfolio has 100 risks with PERT inputs only (what pyfair accepts): "
        "TEF, TCap, RS (pyfair's Control Strength), primary loss, secondary probability (SLEF) and secondary "
        "loss (SLEM); the compound portfolio has 100 Poisson-lognormal risks, half with an uncertain (PERT) "
        "rate (`bench/quant_scenarios.py`). pyfair and Accord answer the same question from the same inputs "
        "(the distribution of the portfolio's annual loss) with different models: pyfair draws six PERT values "
        "per simulated year and multiplies a rate by one magnitude; Accord draws Poisson event counts and sums "
        "the losses of each year's events, with the exact P(TCap > RS) (see docs/quant.md). So two floors are "
        "shown: NumPy drawing the samples a direct implementation of Accord's model needs (per year a rate "
        "and a Poisson count, per event a loss; one thread, NumPy's own Beta, Poisson and lognormal samplers, "
        "expected counts), and pyfair's simpler model written in plain NumPy (one thread). Accord itself "
        "draws a year's count in one step from its exact law (the rate integrated out) and PERT values with "
        "its own exact rejection sampler, so it can run below that floor: same laws, fewer and cheaper "
        "draws. Peak traced memory is the "
        "tracemalloc peak of the run (NumPy buffers included); peak RSS growth is ru_maxrss after the run "
        "minus after imports and setup.",
        "",
        "| measurement | threads | best (s) | median (s) | CPU (s) | peak traced memory (MiB) "
        "| peak RSS growth (MiB) |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for value in rows.values():
        if not isinstance(value, dict) or "label" not in value:
            continue
        if value["name"].startswith("accord-evaluate"):
            continue
        lines.append(
            f"| {value['label']} | {value['threads']} | {value['best']:.3f} | {value['median']:.3f} | "
            f"{value['cpu']:.2f} | {mib(value.get('traced_peak_mib'))} | {mib(value['rss_growth_mib'])} |"
        )
    lines += whole_table(rows.get("whole") or {})
    lines += ["", "Evaluating a new control set against the prepared portfolio (common random numbers):", ""]
    lines += [
        "| portfolio | prepare (s) | evaluate: portfolio + tolerance, best / median (ms) "
        "| evaluate: + every risk's statistics, best / median (ms) | risks touched (frequency) | cached events "
        "| cache (MiB) |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for key, label in (("accord-evaluate-fair/2", "Open FAIR"), ("accord-evaluate-compound/2", "compound")):
        value = row(key)
        if value is None:
            continue
        out = value["output"]
        lines.append(
            f"| {label} | {out['prepare_seconds']:.2f} | {out['evaluate_best'] * 1e3:.0f} / "
            f"{out['evaluate_median'] * 1e3:.0f} | {out['evaluate_full_best'] * 1e3:.0f} / "
            f"{out['evaluate_full_median'] * 1e3:.0f} | {out['risks_touched']:.0f} ({out['risks_thinned']:.0f}) | "
            f"{out['events']:,} | {out['cached_bytes'] / 2**20:,.0f} |"
        )
    lines += ["", "Targets:", ""]
    pyfair, fair2 = row("pyfair-fair/1"), row("accord-fair/2")
    if pyfair and fair2:
        speed = pyfair["best"] / fair2["best"]
        memory = fair2["traced_peak_mib"] / pyfair["traced_peak_mib"]
        rss = fair2["rss_growth_mib"] / max(pyfair["rss_growth_mib"], 1e-9)
        lines.append(
            f"- Open FAIR portfolio at least 8x faster than pyfair: **{speed:.1f}x** "
            f"({'met' if speed >= 8 else 'missed'}); at most a third of its peak memory: **{memory:.2f}x** traced, "
            f"{rss:.2f}x RSS growth ({'met' if memory <= 1 / 3 else 'missed'})."
        )
        one, load = row("accord-fair/1"), row("accord-kernel-load/1")
        if one is not None:
            lines.append(
                f"  On one thread Accord is {pyfair['best'] / one['best']:.1f}x faster than pyfair; the second "
                f"thread buys {one['best'] / fair2['best']:.2f}x."
            )
        if load is not None:
            cold = pyfair["best"] / (fair2["best"] + load["best"])
            lines.append(
                f"  Counting the once-per-process load of the compiled kernels ({load['best']:.2f} s) in the run, "
                f"as a one-off `accord quant simulate` pays it: **{cold:.1f}x**."
            )
    lines += whole_targets(rows.get("whole") or {}, pyfair, fair2)
    compound2, compound1, floor = row("accord-compound/2"), row("accord-compound/1"), row("numpy-floor-compound/1")
    if compound2 and floor and compound1:
        ratio = compound2["best"] / floor["best"]
        lines.append(
            f"- Compound portfolio within 2x of the NumPy sampling floor: **{ratio:.2f}x** with 2 threads "
            f"({'met' if ratio <= 2 else 'missed'}); {compound1['best'] / floor['best']:.2f}x on one thread "
            "against the one-thread floor."
        )
    fair1, floor_fair = row("accord-fair/1"), row("numpy-floor-fair/1")
    if fair1 and floor_fair and fair2:
        two, one = fair2["best"] / floor_fair["best"], fair1["best"] / floor_fair["best"]
        lines.append(
            f"- (Not a target) Open FAIR portfolio against its own NumPy floor: {two:.2f}x with 2 threads, "
            f"{one:.2f}x on one thread."
        )
    evaluations = [row(k) for k in ("accord-evaluate-fair/2", "accord-evaluate-compound/2")]
    for value, label in zip(evaluations, ("Open FAIR", "compound"), strict=True):
        if value is None:
            continue
        out = value["output"]
        best, full = out["evaluate_best"] * 1e3, out["evaluate_full_best"] * 1e3
        lines.append(
            f"- Residual evaluation of a new control set, {label}, under 150 ms: **{best:.0f} ms** for the "
            f"portfolio statistics and tolerance ({'met' if best < 150 else 'missed'}; median "
            f"{out['evaluate_median'] * 1e3:.0f} ms); **{full:.0f} ms** with every risk's statistics too "
            f"({'met' if full < 150 else 'missed'}; median {out['evaluate_full_median'] * 1e3:.0f} ms)."
        )
    comparison = rows.get("comparison")
    if comparison:
        lines += [
            "",
            "Same inputs, two models (the first risk of the Open FAIR portfolio, "
            f"{args.years:,} simulated years; the exact mean annual loss is {comparison['exact_mean']:,.0f}):",
            "",
            "| model | mean | p50 | p90 | p99 | P(no loss in a year) | vulnerability used |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
        ]
        for key, label in (("pyfair", "pyfair: rate x one magnitude"), ("accord", "Accord: sum of the year's events")):
            d = comparison[key]
            lines.append(
                f"| {label} | {d['mean']:,.0f} | {d['p50']:,.0f} | {d['p90']:,.0f} | {d['p99']:,.0f} | "
                f"{d['prob_zero']:.3f} | {d['vulnerability']:.4f} |"
            )
    return "\n".join(lines) + "\n"


def update_docs(section: str) -> None:
    text = DOCS.read_text(encoding="utf-8") if DOCS.exists() else "# Benchmarks\n"
    start = text.find(SECTION)
    if start == -1:
        text = text.rstrip("\n") + "\n\n" + section
    else:
        end = text.find("\n## ", start + len(SECTION))
        text = text[:start] + section + (text[end + 1 :] if end != -1 else "")
    DOCS.parent.mkdir(parents=True, exist_ok=True)
    DOCS.write_text(text, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--risks", type=int, default=100)
    parser.add_argument("--years", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--measure", choices=sorted(SETUPS), help=argparse.SUPPRESS)
    parser.add_argument("--traced", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--skip-pyfair", action="store_true", help="leave pyfair out (not installed)")
    parser.add_argument("--pyfair-python", metavar="PYTHON", help="the interpreter with pyfair (default: this one)")
    parser.add_argument("--pyfair-file", metavar="FILE", help=argparse.SUPPRESS)
    parser.add_argument("--whole-only", action="store_true", help="measure only the whole processes")
    parser.add_argument("--baseline", metavar="TREE", help="also run the accord command from this source tree "
                        "(a checkout of an earlier commit) in the same whole-process rounds")
    parser.add_argument("--update-docs", action="store_true", help=f"rewrite '{SECTION}' in docs/benchmarks.md")
    parser.add_argument("--json", metavar="FILE", help="also write the raw measurements as JSON")
    parser.add_argument("--from-json", metavar="FILE", help="render the report of a saved --json run")
    args = parser.parse_args()
    if args.pyfair_file:  # one whole pyfair process: the portfolio of a scenario file
        print(json.dumps(_pyfair_portfolio(json.loads(Path(args.pyfair_file).read_text(encoding="utf-8"))),
                         default=float))
        return
    if args.whole_only:
        if args.update_docs:
            raise SystemExit("--update-docs needs the full run (it rewrites the whole section)")
        load_before = os.getloadavg()[0]
        whole = run_whole(args)
        print("\n".join([*whole_table(whole), "", *whole_targets(whole), "",
                         f"1-minute load average {load_before:.1f} before, {os.getloadavg()[0]:.1f} after."]))
        if args.json:
            Path(args.json).write_text(json.dumps({"machine": machine(), "whole": whole,
                                                   "load": [load_before, os.getloadavg()[0]]}, indent=2),
                                       encoding="utf-8")
        return
    if args.measure:
        print(
            json.dumps(measure(args.measure, args.risks, args.years, args.threads, traced=args.traced), default=float)
        )
        return
    if args.from_json:
        saved = json.loads(Path(args.from_json).read_text(encoding="utf-8"))
        info, rows = saved["machine"], saved["rows"]
        args.repeat = saved.get("repeat", args.repeat)
    else:
        info = machine()
        rows = run_all(args)
    if args.json and not args.from_json:
        Path(args.json).write_text(
            json.dumps({"machine": info, "rows": rows, "repeat": args.repeat}, indent=2, default=float),
            encoding="utf-8",
        )
    section = report(rows, args, info)
    print(section)
    if args.update_docs:
        update_docs(section)


if __name__ == "__main__":
    main()
