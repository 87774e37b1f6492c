"""`accord budget solve --file ROUND.json`: the budget optimiser on a round file, without a database.

    accord budget solve --file ROUND.json [--out RESULT.json] [--mode value|appetite] [--chart FRONTIER.svg]
                        [--frontier-points N] [--gap G] [--threads T] [--progress]

Invalid input exits with code 2 and one line naming the field path and the problem; an infeasible round
writes its result (status "infeasible", the constraint to blame) and exits with code 4. The formats are in
docs/budget.md. The form naming an organisation and a stored round (`accord budget solve ORG ROUND`) comes
with the budget app; until then the verb asks for --file.

Registering the verb imports nothing heavy: the engine (and SciPy) load when the verb runs.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from accord.cli_support import CliError, Progress, verb_group

EXIT_INVALID = 2
EXIT_INFEASIBLE = 4
#: The help of `accord budget`, whichever module registers first (its verbs come from two).
BUDGET_HELP = "the budget: the IT budget lines (list) and the joint budget's optimiser (solve)"


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `budget` and its verbs to the `accord` command."""
    verbs = verb_group(subparsers, "budget", help_text=BUDGET_HELP, dest="budget_verb")
    p_solve = verbs.add_parser(
        "solve",
        help="solve a budget round and write the result file",
        description="Solve a budget round (a JSON round file, see docs/budget.md): the model, its verification "
        "by simulation, the greedy comparison, the Gordon-Loeb flags and the efficient frontier.",
    )
    p_solve.add_argument("round", nargs="*", metavar="ORG ROUND",
                         help="an organisation and its stored round (with the budget app; for now use --file)")
    p_solve.add_argument("--file", metavar="ROUND.json", help="round file ('-' reads standard input)")
    p_solve.add_argument("--out", metavar="RESULT.json", help="write the result here instead of standard output")
    p_solve.add_argument("--mode", choices=("value", "appetite"), help="override the file's mode")
    p_solve.add_argument("--chart", metavar="FRONTIER.svg", help="also write the efficient frontier as SVG")
    p_solve.add_argument("--frontier-points", type=int, default=20, metavar="N",
                         help="envelopes from 0 to twice the round's on the frontier (default 20; 0: none)")
    p_solve.add_argument("--gap", type=float, metavar="G",
                         help="stop the model within this relative gap of its proven optimum (default: 0, proven "
                         "optimality, up to 100 candidates, else 1e-3)")
    p_solve.add_argument("--threads", type=int, help="simulation threads (default: the CPUs available)")
    p_solve.add_argument("--progress", action="store_true",
                         help="draw the progress bar even when stderr is not a terminal")
    p_solve.set_defaults(handler=_solve)


def _write(name: str, text: str) -> None:
    try:
        Path(name).write_text(text, encoding="utf-8")
    except OSError as exc:
        raise CliError(f"{name}: cannot write: {exc.strerror or exc}") from None


def _solve(args: argparse.Namespace) -> int:
    if args.file is None:
        raise CliError("budget solve: give --file ROUND.json (solving a stored round, ORG ROUND, comes with the "
                       "budget app)", EXIT_INVALID)
    if args.round:
        raise CliError("budget solve: give either --file ROUND.json or ORG ROUND, not both", EXIT_INVALID)
    if args.threads is not None and args.threads < 1:
        raise CliError(f"--threads: must be >= 1, got {args.threads}", EXIT_INVALID)
    if not 0 <= args.frontier_points <= 200:
        raise CliError(f"--frontier-points: must be in [0, 200], got {args.frontier_points}", EXIT_INVALID)
    from accord.quant.cli import read_json_file, result_text

    if args.gap is not None and not 0 <= args.gap <= 0.05:
        raise CliError(f"--gap: must be in [0, 0.05], got {args.gap:g}", EXIT_INVALID)
    data = read_json_file(args.file)
    if args.mode is not None and isinstance(data, dict):
        data = {**data, "mode": args.mode}
    from accord.optimize.round import RoundError, parse_round

    try:
        rnd = parse_round(data)
    except RoundError as exc:
        raise CliError(str(exc), EXIT_INVALID) from None
    from accord.optimize.engine import solve_round
    from accord.optimize.results import result_to_dict

    force = bool(args.progress)
    bars: dict[str, Progress] = {}

    def progress(stage: str, done: int, total: int) -> None:
        bar = bars.get(stage)
        if bar is None:
            bar = bars[stage] = Progress(_STAGES.get(stage, stage), total, force=force)
        bar.total = max(total, 1)
        bar.advance(done - bar.done)

    outcome = solve_round(rnd, threads=args.threads, frontier_points=args.frontier_points, gap=args.gap,
                          progress=progress)
    text = result_text(result_to_dict(outcome))
    if args.out:
        _write(args.out, text)
    else:
        sys.stdout.write(text)
    if args.chart:
        from accord.optimize.chart import frontier_svg

        _write(args.chart, frontier_svg(outcome))
    if outcome.infeasible is not None:
        raise CliError(outcome.infeasible.message, EXIT_INFEASIBLE)
    if outcome.status == "limit":
        raise CliError("stopped: the model found no answer within its limits", 1)
    return 0


_STAGES = {"simulation": "simulating the risks", "model": "solving the model", "frontier": "tracing the frontier"}
