"""Cold start: the first requests a person makes after `accord serve` starts, measured from outside.

    .venv/bin/python bench/cold_start.py                 # 3 fresh installs, SQLite
    .venv/bin/python bench/cold_start.py --runs 5 --update-docs
    .venv/bin/python bench/cold_start.py --cli [--before DIR]   # database commands' wall time instead

Each run is a fresh installation in a temporary directory with the demo data (`accord demo --no-serve`), as
bench/load.py prepares it (the demo organisation's CISO, signed in). Then, as a user meets it: `accord serve`
starts (with its job worker, default web workers); once `/healthz` answers, the CISO's browser asks for the
dashboard, then the register, the Money page and the API's portfolio (`curl`-like single requests, one
after the other), then the dashboard again (warm). Also timed: from the start until the Money page's
figures are fresh (the worker has simulated the register; the page stops saying they are being computed).

`--cli`: the wall time of a few database commands, each in a fresh process (`python -m accord ...`, as the
`accord` script runs them), against a fresh installation with one organisation; `--before DIR` also times
another checkout's code (the code before a change) with the same interpreter, the two taking turns.
"""

from __future__ import annotations

import argparse
import os
import platform
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.load import ACCORD, ORG, environment, free_port, prepare, wait_up  # noqa: E402 - the path above first

DOCS = ROOT / "docs" / "benchmarks.md"
SECTION = "## Cold start: the first requests after accord serve"
STEPS = ("dashboard", "register", "money page", "API portfolio", "dashboard again")


def _get(url: str, *, session: str = "", token: str = "") -> tuple[float, str]:
    headers = {"Cookie": f"sessionid={session}"} if session else {"Authorization": f"Bearer {token}"}
    request = urllib.request.Request(url, headers=headers)  # noqa: S310 - our own local server
    started = time.perf_counter()
    with urllib.request.urlopen(request, timeout=120) as response:  # noqa: S310 - our own local server
        body = response.read().decode()
    return time.perf_counter() - started, body


def one_run() -> dict[str, float]:
    with tempfile.TemporaryDirectory() as var_dir:
        env = environment(var_dir)
        token, session = prepare(env)
        port = free_port()
        url = f"http://127.0.0.1:{port}/"
        started = time.perf_counter()
        server = subprocess.Popen([str(ACCORD), "serve", "--host", "127.0.0.1", "--port", str(port)],  # noqa: S603
                                  env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                  start_new_session=True)
        try:
            wait_up(url, server)
            out: dict[str, float] = {"up": time.perf_counter() - started}
            pages = {"dashboard": f"o/{ORG}/", "register": f"o/{ORG}/risks/register/",
                     "money page": f"o/{ORG}/risks/money/"}
            for step in STEPS:
                if step == "API portfolio":
                    out[step] = _get(f"{url}api/v1/orgs/{ORG}/quant/portfolio/", token=token)[0]
                else:
                    out[step] = _get(url + pages[step.removesuffix(" again")], session=session)[0]
            out["first dashboard after start"] = out["up"] + out["dashboard"]
            while time.perf_counter() - started < 300:
                if 'id="money-figures-state"' not in _get(url + pages["money page"], session=session)[1]:
                    break
                time.sleep(0.2)
            out["figures fresh after start"] = time.perf_counter() - started
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
    return out


CLI_COMMANDS = (("incident", "list", "acme"), ("risk", "list", "acme"), ("policy", "list", "acme"),
                ("member", "list", "acme"), ("org", "list"))


def cli_times(checkouts: list[Path], runs: int) -> dict[Path, dict[str, list[float]]]:
    """Seconds of wall time of each of CLI_COMMANDS per checkout, `runs` fresh processes each, the checkouts
    taking turns command by command (so that the machine's other work weighs on each alike), against one
    fresh installation with one organisation (the checkouts share its migrations)."""
    with tempfile.TemporaryDirectory() as var_dir:
        env = environment(var_dir)
        accord = [sys.executable, "-m", "accord"]
        first = {**env, "PYTHONPATH": str(checkouts[0])}
        subprocess.run([*accord, "migrate"], env=first, cwd=checkouts[0], check=True, capture_output=True)  # noqa: S603
        subprocess.run([*accord, "org", "create", "acme", "--timezone", "Europe/Paris", "--country", "FR"],  # noqa: S603
                       env=first, cwd=checkouts[0], check=True, capture_output=True)
        times: dict[Path, dict[str, list[float]]] = {c: {" ".join(k): [] for k in CLI_COMMANDS} for c in checkouts}
        for _ in range(runs):
            for command in CLI_COMMANDS:
                for checkout in checkouts:
                    started = time.perf_counter()
                    subprocess.run([*accord, *command], env={**env, "PYTHONPATH": str(checkout)},  # noqa: S603
                                   cwd=checkout, check=True, stdout=subprocess.DEVNULL)
                    times[checkout][" ".join(command)].append(time.perf_counter() - started)
    return times


def cli_report(times: dict[Path, dict[str, list[float]]], labels: list[str]) -> str:
    runs = len(next(iter(next(iter(times.values())).values())))
    lines = [f"{runs} fresh processes per command and checkout, taking turns; seconds of wall time, median "
             "(min to max).", "", "| command | " + " | ".join(labels) + " |",
             "| --- |" + " ---: |" * len(labels)]
    for name in next(iter(times.values())):
        cells = [f"{statistics.median(t[name]):.2f} ({min(t[name]):.2f} to {max(t[name]):.2f})" for t in times.values()]
        lines.append(f"| `accord {name}` | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def report(runs: list[dict[str, float]], label: str) -> str:
    keys = ("up", *STEPS, "first dashboard after start", "figures fresh after start")
    names = {"up": "server answers /healthz after start"}
    lines = [f"### {label}", "", f"{len(runs)} fresh installs; median (min to max), seconds.", "",
             "| step | median | min | max |", "| --- | ---: | ---: | ---: |"]
    for key in keys:
        values = [r[key] for r in runs]
        lines.append(f"| {names.get(key, key)} | {statistics.median(values):.2f} | {min(values):.2f} | "
                     f"{max(values):.2f} |")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--label", default="after")
    parser.add_argument("--cli", action="store_true", help="time database commands instead of the server")
    parser.add_argument("--before", type=Path, help="with --cli: another checkout (the code before a change) "
                        "timed in turns with this one")
    args = parser.parse_args()
    machine = (f"{platform.processor() or platform.machine()}, {os.cpu_count()} logical cores; "
               f"Python {platform.python_version()}; load average {os.getloadavg()[0]:.1f}")
    if args.cli:
        checkouts = [args.before.resolve(), ROOT] if args.before else [ROOT]
        labels = ["before", args.label] if args.before else [args.label]
        print(cli_report(cli_times(checkouts, args.runs), labels) + f"\n{machine}")
        return
    runs = [one_run() for _ in range(args.runs)]
    print(report(runs, args.label) + f"\n{machine}")


if __name__ == "__main__":
    main()
