"""`accord quant ...`: run the quantitative engine on scenario files.

    accord quant simulate FILE.json [--years N] [--seed S] [--out RESULT.json] [--threads T] [--progress]
                                    [--max-events N] [--max-seconds S]

Invalid input exits with code 2 and one line naming the field path and the problem; a run stopped by
its budget (`--max-events`, `--max-seconds`) exits with code 3 and one line naming the risk that costs
most; the result file's shape is documented in docs/quant.md.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

from accord.cli_support import CliError, Progress
from accord.quant.budget import BudgetExceeded, RunBudget
from accord.quant.engine import simulate
from accord.quant.results import result_to_dict
from accord.quant.scenario import ScenarioError, parse_scenario

EXIT_INVALID = 2
EXIT_BUDGET = 3
# A two-number array spread over four lines by json.dumps(indent=2), e.g. one point of a loss curve.
_PAIR = re.compile(r"\[\s*([-0-9.eE+]+),\s*([-0-9.eE+]+)\s*\]")


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `quant` and its verbs to the `accord` command."""
    parser = subparsers.add_parser(
        "quant",
        help="quantify risk in money (Open FAIR and compound Poisson Monte Carlo)",
        description="Quantify risk in money: Open FAIR and compound Poisson-lognormal Monte Carlo.",
    )
    verbs = parser.add_subparsers(dest="quant_verb", metavar="VERB", required=True)
    p_sim = verbs.add_parser(
        "simulate",
        help="simulate a scenario file and write the result file",
        description="Simulate a scenario file (JSON, see docs/quant.md) and write the result as JSON.",
    )
    p_sim.add_argument("file", metavar="FILE.json", help="scenario file ('-' reads standard input)")
    p_sim.add_argument("--years", type=int, help="simulated years (overrides the file)")
    p_sim.add_argument("--seed", type=int, help="random seed (overrides the file)")
    p_sim.add_argument("--out", metavar="RESULT.json", help="write the result here instead of standard output")
    p_sim.add_argument("--threads", type=int, help="worker threads (default: the CPUs available)")
    p_sim.add_argument(
        "--progress", action="store_true", help="draw the progress bar even when stderr is not a terminal"
    )
    p_sim.add_argument(
        "--max-events",
        type=float,
        metavar="N",
        help="stop (exit 3) when the run's expected or drawn loss events pass N (default: no limit)",
    )
    p_sim.add_argument(
        "--max-seconds", type=float, metavar="S", help="stop (exit 3) when the run passes S seconds (default: none)"
    )
    p_sim.set_defaults(handler=_simulate)


def _read_scenario(name: str) -> object:
    try:
        text = sys.stdin.read() if name == "-" else Path(name).read_text(encoding="utf-8")
    except OSError as exc:
        raise CliError(f"{name}: cannot read: {exc.strerror or exc}", EXIT_INVALID) from None
    except UnicodeDecodeError:
        raise CliError(f"{name}: not UTF-8 text", EXIT_INVALID) from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise CliError(
            f"{name}: invalid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}", EXIT_INVALID
        ) from None
    except RecursionError:
        raise CliError(f"{name}: invalid JSON: nested too deeply", EXIT_INVALID) from None


def _simulate(args: argparse.Namespace) -> int:
    if args.threads is not None and args.threads < 1:
        raise CliError(f"--threads: must be >= 1, got {args.threads}", EXIT_INVALID)
    data = _read_scenario(args.file)
    try:
        scenario = parse_scenario(data, years=args.years, seed=args.seed)
    except ScenarioError as exc:
        raise CliError(str(exc), EXIT_INVALID) from None
    bar = Progress(
        f"simulating {scenario.years:,} years x {len(scenario.risks)} risks",
        1,
        force=bool(args.progress),
    )

    def progress(done: int, total: int) -> None:
        bar.total = max(total, 1)
        bar.advance(done - bar.done)

    budget = None
    if args.max_events is not None or args.max_seconds is not None:
        for name, value in (("--max-events", args.max_events), ("--max-seconds", args.max_seconds)):
            if value is not None and not value > 0:
                raise CliError(f"{name}: must be > 0, got {value:g}", EXIT_INVALID)
        budget = RunBudget(max_events=args.max_events, max_seconds=args.max_seconds)
    try:
        result = simulate(scenario, threads=args.threads, progress=progress, budget=budget)
    except BudgetExceeded as exc:
        raise CliError(f"stopped: {exc}", EXIT_BUDGET) from None
    text = _PAIR.sub(r"[\1, \2]", json.dumps(result_to_dict(result), indent=2, allow_nan=False)) + "\n"
    if args.out:
        try:
            Path(args.out).write_text(text, encoding="utf-8")
        except OSError as exc:
            raise CliError(f"{args.out}: cannot write: {exc.strerror or exc}") from None
    else:
        sys.stdout.write(text)
    return 0
