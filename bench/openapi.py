"""The OpenAPI document: `GET /api/v1/openapi.json` against a freshly started `accord serve`, timed as curl
times it (`time_total`), the first call of the process and the calls after it.

    .venv/bin/python bench/openapi.py                      # this checkout
    .venv/bin/python bench/openapi.py --checkout DIR       # another one (the code before a change)

A fresh installation in a temporary directory (`accord migrate`, no data: the document needs none), then
`accord serve --workers 1 --no-worker` (one web worker, so every call meets the same process); once
`/healthz` answers, `--calls` requests one after the other.
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
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.load import environment, free_port, wait_up  # noqa: E402 - the path above first


def _curl(url: str) -> float:
    """Seconds from connecting to the last byte, as `curl -w %{time_total}` reports them."""
    out = subprocess.run(["curl", "-s", "-o", os.devnull, "-w", "%{http_code} %{time_total}", url],  # noqa: S603, S607
                         check=True, capture_output=True, text=True).stdout
    status, seconds = out.split()
    if status != "200":
        raise SystemExit(f"{url} answered {status}")
    return float(seconds)


def one_run(checkout: Path, calls: int) -> list[float]:
    with tempfile.TemporaryDirectory() as var_dir:
        env = {**environment(var_dir), "PYTHONPATH": str(checkout)}
        accord = [sys.executable, "-m", "accord"]
        subprocess.run([*accord, "migrate"], env=env, cwd=checkout, check=True, capture_output=True)  # noqa: S603
        port = free_port()
        url = f"http://127.0.0.1:{port}/"
        server = subprocess.Popen([*accord, "serve", "--host", "127.0.0.1", "--port", str(port),  # noqa: S603
                                   "--workers", "1", "--no-worker"], env=env, cwd=checkout,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        try:
            wait_up(url, server)
            return [_curl(f"{url}api/v1/openapi.json") for _ in range(calls)]
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--checkout", type=Path, default=ROOT, help="the Accord checkout to serve (default: this one)")
    parser.add_argument("--runs", type=int, default=2, help="fresh processes")
    parser.add_argument("--calls", type=int, default=6, help="calls per process")
    args = parser.parse_args()
    runs = [one_run(args.checkout.resolve(), args.calls) for _ in range(args.runs)]
    first, later = [r[0] for r in runs], [t for r in runs for t in r[1:]]
    print(f"{args.runs} fresh processes, {args.calls} calls each; seconds (curl time_total)")
    print("| call | median | min | max |\n| --- | ---: | ---: | ---: |")
    for name, values in (("first of the process", first), ("each later call", later)):
        print(f"| {name} | {statistics.median(values):.3f} | {min(values):.3f} | {max(values):.3f} |")
    print(f"\n{platform.processor() or platform.machine()}, {os.cpu_count()} logical cores; "
          f"Python {platform.python_version()}; load average {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
