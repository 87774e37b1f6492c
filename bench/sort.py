"""Benchmark the engine's compiled radix sort (`accord.quant.kernels.sorted_positive`) against NumPy's sort
of the same positives (`np.sort(values[values > 0])`, what the engine would call instead).

    .venv/bin/python bench/sort.py                  # prints a Markdown table
    .venv/bin/python bench/sort.py --repeat 3 --sizes 100000   # a quick run
    .venv/bin/python bench/sort.py --engine             # ... and the engine's 100-risk portfolio with either sort

Input shapes, each as a vector of annual losses would look: uniform, lognormal with a heavy tail
(sigma 2.5), mostly zeros with ties (90 % of the years without a loss, the rest drawn from 50 amounts),
and already sorted. Each (shape, size) is timed in interleaved rounds, radix then NumPy, after a warm-up
call of each (the kernel's compilation is not timed); the best and the median of the rounds are reported,
with the calling thread's CPU time (the machine may be shared). Both results are checked equal bit for
bit first.

With `--engine`, the Open FAIR portfolio of bench/quant.py (100 risks x 100,000 years, two threads) is
simulated in alternation with the engine's sort and with NumPy's in its place (the engine sorts each
risk's and the portfolio's losses once, for their quantiles and exceedance curves).
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from accord.quant import kernels  # noqa: E402

Shape = Callable[[np.random.Generator, int], np.ndarray]


def uniform(rng: np.random.Generator, n: int) -> np.ndarray:
    return rng.uniform(1.0, 1e7, n)


def lognormal_heavy_tail(rng: np.random.Generator, n: int) -> np.ndarray:
    return rng.lognormal(mean=11.0, sigma=2.5, size=n)


def many_zeros_and_ties(rng: np.random.Generator, n: int) -> np.ndarray:
    amounts = rng.lognormal(mean=12.0, sigma=1.0, size=50)
    values = amounts[rng.integers(0, 50, n)]
    values[rng.random(n) < 0.9] = 0.0
    return values


def already_sorted(rng: np.random.Generator, n: int) -> np.ndarray:
    return np.sort(rng.lognormal(mean=11.0, sigma=1.5, size=n))


SHAPES: dict[str, Shape] = {
    "uniform": uniform,
    "lognormal, heavy tail": lognormal_heavy_tail,
    "90 % zeros, 50 distinct amounts": many_zeros_and_ties,
    "already sorted": already_sorted,
}


def numpy_sorted_positive(values: np.ndarray) -> np.ndarray:
    return np.sort(values[values > 0.0])


def _time(fn: Callable[[np.ndarray], np.ndarray], values: np.ndarray) -> tuple[float, float]:
    """(wall, CPU) seconds of one call; both sorts run on the calling thread, so its CPU time is their work
    and moves less than the wall time when other processes share the cores."""
    wall, cpu = time.perf_counter(), time.thread_time()
    fn(values)
    return time.perf_counter() - wall, time.thread_time() - cpu


def measure(values: np.ndarray, repeat: int) -> dict[str, list[tuple[float, float]]]:
    radix, numpy = kernels.sorted_positive, numpy_sorted_positive
    if not np.array_equal(radix(values).view(np.uint64), numpy(values).view(np.uint64)):
        raise SystemExit("the two sorts disagree")
    times: dict[str, list[tuple[float, float]]] = {"radix": [], "numpy": []}
    for _ in range(repeat):
        times["radix"].append(_time(radix, values))
        times["numpy"].append(_time(numpy, values))
    return times


def engine(rounds: int) -> list[str]:
    """Best and median seconds of the 100-risk portfolio with each sort, on one thread and on two."""
    from accord.quant import parse_scenario, results, simulate
    from bench.quant_scenarios import fair_portfolio

    scenario = parse_scenario(fair_portfolio())
    radix = kernels.sorted_positive
    simulate(parse_scenario(fair_portfolio(risks=2, years=1000)), threads=2)  # load every kernel first
    lines = []
    for threads in (1, 2):
        times: dict[str, list[float]] = {"radix": [], "numpy": []}
        for _ in range(rounds):
            for name, sort in (("radix", radix), ("numpy", numpy_sorted_positive)):
                results.kernels.sorted_positive = sort  # type: ignore[assignment]
                try:
                    start = time.perf_counter()
                    simulate(scenario, threads=threads)
                    times[name].append(time.perf_counter() - start)
                finally:
                    results.kernels.sorted_positive = radix
        best = {k: min(v) for k, v in times.items()}
        median = {k: statistics.median(v) for k, v in times.items()}
        lines.append(f"| {threads} | {best['radix']:.3f} ({median['radix']:.3f}) | {best['numpy']:.3f} "
                     f"({median['numpy']:.3f}) | {best['numpy'] / best['radix']:.2f}× |")
    return [f"Engine, Open FAIR portfolio (100 risks x 100,000 years), {rounds} interleaved rounds:\n",
            "| threads | radix sort s, best (median) | NumPy's sort s, best (median) | NumPy / radix (best) |",
            "| ---: | ---: | ---: | ---: |", *lines]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--engine", action="store_true", help="also time the 100-risk portfolio with each sort")
    parser.add_argument("--engine-rounds", type=int, default=8)
    args = parser.parse_args()
    kernels.sorted_positive(np.ones(10))  # load or compile the kernel before timing
    load = os.getloadavg()[0]
    rows = []
    for size in args.sizes:
        for name, shape in SHAPES.items():
            values = shape(np.random.default_rng(args.seed), size)
            values.flags.writeable = False  # as the engine's loss vectors are
            t = measure(values, args.repeat)
            best = {k: min(w for w, _ in v) * 1e3 for k, v in t.items()}
            median = {k: statistics.median(w for w, _ in v) * 1e3 for k, v in t.items()}
            cpu = {k: min(c for _, c in v) * 1e3 for k, v in t.items()}
            rows.append(f"| {size:,} | {name} | {best['radix']:.2f} ({median['radix']:.2f}) | "
                        f"{best['numpy']:.2f} ({median['numpy']:.2f}) | {best['numpy'] / best['radix']:.2f}× | "
                        f"{cpu['radix']:.2f} / {cpu['numpy']:.2f} |")
            print(rows[-1], file=sys.stderr)
    print(f"Machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores; Python "
          f"{platform.python_version()}, NumPy {np.__version__}; 1-minute load average {load:.1f} before, "
          f"{os.getloadavg()[0]:.1f} after; {args.repeat} interleaved rounds.\n")
    print("| losses | shape | radix ms, best (median) | NumPy ms, best (median) | NumPy / radix (best) | "
          "CPU ms, best: radix / NumPy |")
    print("| ---: | --- | ---: | ---: | ---: | ---: |")
    print("\n".join(rows))
    if args.engine:
        print("\n" + "\n".join(engine(args.engine_rounds)))


if __name__ == "__main__":
    main()
