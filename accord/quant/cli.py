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
import math
import re
import sys
from json.encoder import encode_basestring_ascii
from pathlib import Path

from accord.cli_support import CliError, Progress

EXIT_INVALID = 2
EXIT_BUDGET = 3
# The C encoder's text of a non-empty list of two-number arrays (a loss curve: [[loss, probability], ...]).
_NUMBER = r"[-0-9.eE+]+"
_PAIRS = re.compile(rf"\[\[{_NUMBER}, {_NUMBER}\](?:, \[{_NUMBER}, {_NUMBER}\])*\]")


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


def read_json_file(name: str) -> object:
    """A JSON input file ('-': standard input); CliError (exit 2) naming the file and what is wrong."""
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
    # Imported here: every `accord` command reads this module to learn the verbs, and the engine brings
    # NumPy and Numba (over half a second) that only a simulation needs.
    from accord.quant.budget import BudgetExceeded, RunBudget
    from accord.quant.engine import simulate
    from accord.quant.results import result_to_dict
    from accord.quant.scenario import ScenarioError, parse_scenario

    if args.threads is not None and args.threads < 1:
        raise CliError(f"--threads: must be >= 1, got {args.threads}", EXIT_INVALID)
    data = read_json_file(args.file)
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
    text = result_text(result_to_dict(result))
    if args.out:
        try:
            Path(args.out).write_text(text, encoding="utf-8")
        except OSError as exc:
            raise CliError(f"{args.out}: cannot write: {exc.strerror or exc}") from None
    else:
        sys.stdout.write(text)
    return 0


def _is_pair(value: object) -> bool:
    return (
        isinstance(value, list | tuple)
        and len(value) == 2
        and all(isinstance(x, int | float) and not isinstance(x, bool) for x in value)
    )


def result_text(data: object) -> str:
    """The result file's text: `json.dumps(data, indent=2)` with every two-number array on one line (a
    point of a loss curve, `[loss, probability]`), and a final newline.

    Python's json module uses its C encoder only without `indent`, so the document is laid out here, key by
    key, and each curve (a list of pairs, most of the file) is encoded in one call of the C encoder and cut
    into lines by `str.replace`: no per-point Python code (decision 0036). The text is the same, byte for
    byte, as indenting everything with json.dumps and joining each pair's lines."""
    parts: list[str] = []
    _lay_out(data, "\n", parts)
    parts.append("\n")
    return "".join(parts)


def _key(key: object) -> str:
    """A member name as json.dumps writes it (a key that is not a string is converted as it converts it)."""
    name = key if isinstance(key, str) else next(iter(json.loads(json.dumps({key: None}))))
    return encode_basestring_ascii(name)


def _scalar(value: object) -> str:
    """A one-line value as json.dumps(allow_nan=False) writes it; the common scalars without its per-call
    set-up (the way its own Python encoder writes them: repr of the number, C escaping of the string)."""
    if isinstance(value, str):
        return encode_basestring_ascii(value)
    if value is None or isinstance(value, bool) or type(value) not in (int, float):
        return json.dumps(value, allow_nan=False)
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError(f"Out of range float values are not JSON compliant: {value!r}")
    return repr(value)


def _lay_out(value: object, newline: str, parts: list[str]) -> None:
    """Append `value`'s JSON to `parts`, its lines after the first starting with `newline` (its indent)."""
    inner = newline + "  "
    if isinstance(value, dict) and value:
        separator = "{"
        for key, item in value.items():
            parts.append(separator + inner + _key(key) + ": ")
            _lay_out(item, inner, parts)
            separator = ","
        parts.append(newline + "}")
    elif isinstance(value, list | tuple) and value and not _is_pair(value):
        if _is_pair(value[0]):  # perhaps a curve: encoded in one call, checked by one regular expression
            text = json.dumps(value, allow_nan=False)
            if _PAIRS.fullmatch(text):  # one line per pair
                parts.append("[" + inner + text[1:-1].replace("], [", "]," + inner + "[") + newline + "]")
                return
        separator = "["
        for item in value:
            parts.append(separator + inner)
            _lay_out(item, inner, parts)
            separator = ","
        parts.append(newline + "]")
    else:  # scalars, pairs, empty containers: one line
        parts.append(_scalar(value))
