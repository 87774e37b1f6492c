"""Load benchmark: `accord serve` on this machine, driven from outside by Locust (headless).

    python3 -m venv /tmp/loadv && /tmp/loadv/bin/pip install 'locust==2.47.0'   # Locust in its own venv
    .venv/bin/python bench/load.py --locust /tmp/loadv/bin/locust                 # SQLite, a fresh install
    ACCORD_DATABASE_URL=postgres://... .venv/bin/python bench/load.py --locust ... # PostgreSQL
    .venv/bin/python bench/load.py --locust ... --users 8,16 --seconds 20 --update-docs

A fresh installation in a temporary directory is migrated and loaded with the demo data
(`accord demo --no-serve`); `accord serve` runs on a free port with its default workers; a CISO of the
demo organisation gets an API token and a signed-in session. For each number of simulated clients,
Locust runs `bench/locustfile.py` (45% web pages: dashboard, register, one risk; 45% API reads: the
register, one risk, the appetite, the portfolio; 10% API writes: a new risk) for `--seconds` after a
short ramp, and reports requests per second and the 50th/95th/99th percentiles over all requests.
Locust runs on the same 2 cores as the server, so the figures are a lower bound of what the server
alone could do.
"""

from __future__ import annotations

import argparse
import csv
import os
import platform
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ACCORD = ROOT / ".venv" / "bin" / "accord"
PYTHON = ROOT / ".venv" / "bin" / "python"
DOCS = ROOT / "docs" / "benchmarks.md"
SECTION = "## Load: accord serve under concurrent clients"
ORG = "nordpay"
CISO = "consultant@vciso.example"
AIM_RPS, AIM_P99_MS = 300, 250


def run(argv: list[str], **kwargs: object) -> subprocess.CompletedProcess[str]:
    """Our own commands with a fixed argv (no outside input, hence S603's noqa)."""
    return subprocess.run(argv, **kwargs)  # type: ignore[call-overload]  # noqa: S603


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def environment(var_dir: str) -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("ACCORD_DATABASE_URL", f"sqlite:///{var_dir}/load.sqlite3")
    env.update({
        "ACCORD_DEBUG": "0", "ACCORD_HTTPS": "0", "ACCORD_VAR_DIR": var_dir,
        "ACCORD_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "ACCORD_SECRET_KEY": "load-bench-only-secret-key-that-is-long-enough-0123456789",
        # The load comes from one address and one token: rates no run reaches, so that the limiter's
        # cost is measured and its refusals are not (docs/deployment.md, rate limits).
        "ACCORD_API_RATE_LIMIT": "100000000/m/token,100000000/m/ip",
    })
    return env


def prepare(env: dict[str, str]) -> tuple[str, str]:
    """Demo data, an API token and a session key for the CISO of the demo organisation."""
    if env["ACCORD_DATABASE_URL"].startswith("postgres"):
        run([str(ACCORD), "flush", "--no-input"], env=env, check=False, capture_output=True)
    run([str(ACCORD), "demo", "--no-serve"], env=env, check=True, capture_output=True)
    out = run([str(ACCORD), "token", "create", "--org", ORG, "--name", "load", CISO],
              env=env, check=True, capture_output=True, text=True).stdout
    token = max(re.findall(r"\S{30,}", out), key=len)
    script = (
        "import django; django.setup()\n"
        "from django.contrib.auth import get_user_model, SESSION_KEY, BACKEND_SESSION_KEY, HASH_SESSION_KEY\n"
        "from django.contrib.sessions.backends.db import SessionStore\n"
        f"u = get_user_model().objects.get(email={CISO!r})\n"
        "s = SessionStore(); s[SESSION_KEY] = str(u.pk)\n"
        "s[BACKEND_SESSION_KEY] = 'django.contrib.auth.backends.ModelBackend'\n"
        "s[HASH_SESSION_KEY] = u.get_session_auth_hash(); s.create(); print(s.session_key)\n"
    )
    senv = dict(env, DJANGO_SETTINGS_MODULE="accord.settings")
    session = run([str(PYTHON), "-c", script], env=senv, check=True, capture_output=True,
                  text=True).stdout.strip().splitlines()[-1]
    return token, session


def wait_up(url: str, proc: subprocess.Popen[bytes], timeout: float = 300) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit("accord serve exited before it answered")
        try:
            urllib.request.urlopen(url + "healthz", timeout=2)  # noqa: S310 - our own local server
            return
        except OSError:
            time.sleep(0.3)
    raise SystemExit("accord serve did not answer in time")


def run_locust(locust: str, url: str, users: int, seconds: int, env: dict[str, str], out: str) -> dict[str, float]:
    prefix = f"{out}/u{users}"
    with open(f"{prefix}.log", "w") as log:
        run([locust, "-f", str(ROOT / "bench" / "locustfile.py"), "--headless", "--host", url.rstrip("/"),
             "-u", str(users), "-r", str(max(users // 2, 1)), "-t", f"{seconds}s", "--csv", prefix,
             "--only-summary", "--loglevel", "ERROR"], env=env, check=False, stdout=subprocess.DEVNULL, stderr=log)
    errors = Path(f"{prefix}.log").read_text().strip()
    if errors:
        print(f"locust at {users} clients said:\n{errors[-3000:]}", file=sys.stderr)
    with open(f"{prefix}_stats.csv", newline="") as fh:
        rows = {row["Name"]: row for row in csv.DictReader(fh)}
    agg = rows["Aggregated"]
    return {"users": users, "rps": float(agg["Requests/s"]), "p50": float(agg["50%"]), "p95": float(agg["95%"]),
            "p99": float(agg["99%"]), "requests": int(agg["Request Count"]), "failures": int(agg["Failure Count"]),
            "per_route": {name: (float(r["Requests/s"]), float(r["99%"])) for name, r in rows.items()
                          if name != "Aggregated"}}


def report(engine: str, results: list[dict], seconds: int, load: tuple[float, float], server: str) -> str:
    lines = [f"### {engine}", "",
             f"{seconds} s per step after the ramp; all requests together (Locust on the same machine); {server}. "
             f"The machine's other work: 1-minute load average {load[0]:.1f} before the run, {load[1]:.1f} after "
             "(2 cores; the run itself adds about 2).", "",
             "| clients | requests/s | p50 | p95 | p99 | failures |", "| ---: | ---: | ---: | ---: | ---: | ---: |"]
    for r in results:
        lines.append(f"| {r['users']} | {r['rps']:.0f} | {r['p50']:.0f} ms | {r['p95']:.0f} ms | {r['p99']:.0f} ms "
                     f"| {r['failures']} of {r['requests']} |")
    within = [r for r in results if r["p99"] <= AIM_P99_MS and r["failures"] == 0]
    best = max(within, key=lambda r: r["rps"]) if within else None
    lines.append("")
    lines.append(f"Highest throughput with p99 under {AIM_P99_MS} ms: "
                 + (f"**{best['rps']:.0f} requests/s** at {best['users']} clients "
                    f"({'meets' if best['rps'] >= AIM_RPS else 'misses'} the aim of {AIM_RPS})." if best
                    else "none of the steps."))
    if results:
        top = results[-1]
        lines += ["", f"Per route at {top['users']} clients (requests/s, p99):", ""]
        lines += [f"- {name}: {rps:.1f}/s, p99 {p99:.0f} ms" for name, (rps, p99) in sorted(top["per_route"].items())]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--locust", default="locust", help="the locust command (installed in its own venv)")
    parser.add_argument("--users", default="4,8,16,32", help="simulated clients per step, comma-separated")
    parser.add_argument("--seconds", type=int, default=30)
    parser.add_argument("--workers", type=int, default=0, help="accord serve --workers (default: its own)")
    parser.add_argument("--mix", choices=("mixed", "api"), default="mixed",
                        help="mixed: web pages and API reads; api: API reads only (both with 10%% writes)")
    parser.add_argument("--update-docs", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as var_dir:
        env = environment(var_dir)
        engine = "PostgreSQL" if env["ACCORD_DATABASE_URL"].startswith("postgres") else "SQLite"
        engine += ", web pages and API" if args.mix == "mixed" else ", API only"
        token, session = prepare(env)
        load_before = os.getloadavg()[0]
        port = free_port()
        url = f"http://127.0.0.1:{port}/"
        cmd = [str(ACCORD), "serve", "--host", "127.0.0.1", "--port", str(port)]
        if args.workers:
            cmd += ["--workers", str(args.workers)]
        server = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL,  # noqa: S603 - our own command
                                  stderr=subprocess.DEVNULL, start_new_session=True)
        try:
            wait_up(url, server)
            lenv = dict(os.environ, ACCORD_LOAD_ORG=ORG, ACCORD_LOAD_TOKEN=token, ACCORD_LOAD_SESSION=session,
                        ACCORD_LOAD_MIX=args.mix)
            run_locust(args.locust, url, 4, 15, lenv, var_dir)  # warm-up: workers load the engine, caches fill
            results = [run_locust(args.locust, url, int(u), args.seconds, lenv, var_dir)
                       for u in args.users.split(",")]
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
    machine = (f"- {platform.processor() or platform.machine()}, {os.cpu_count()} logical cores; "
               f"Python {platform.python_version()}; {platform.system()} {platform.release()}")
    server = (f"accord serve --workers {args.workers}" if args.workers else
              f"accord serve's default {2 * (os.cpu_count() or 1) + 1} worker processes of 2 threads")
    text = report(engine, results, args.seconds, (load_before, os.getloadavg()[0]), server)
    print(text)
    if args.update_docs:
        update_docs(engine, text, machine)


def update_docs(engine: str, text: str, machine: str) -> None:
    """Rewrite this engine's subsection of the load section of docs/benchmarks.md, keeping the other's."""
    doc = DOCS.read_text()
    head, found, rest = doc.partition(SECTION)
    body, sep, tail = rest.partition("\n## ")
    engines = dict(re.findall(r"\n### (.+?)\n(.*?)(?=\n### |\Z)", body, flags=re.S)) if found else {}
    engines[engine] = text.split("\n", 1)[1]
    intro = (f"Measured by `bench/load.py` ({time.strftime('%Y-%m-%d')}): a fresh install with the demo data "
             "behind `accord serve` (gunicorn), driven over HTTP by Locust headless from the "
             "same machine, as the demo organisation's CISO: either 45% web pages (dashboard, register, one risk), 45% "
             "API reads and 10% API writes, or API only (the register, one risk, the appetite, the portfolio) with "
             "10% writes (each a new risk).")
    parts = [f"\n\n{intro}\n\n{machine}\n"] + [f"\n### {name}\n{engines[name].rstrip()}\n"
                                                    for name in sorted(engines)]
    section = SECTION + "".join(parts)
    if not found:
        head = doc.rstrip("\n") + "\n\n"
    DOCS.write_text(head + section + (("\n## " + tail) if sep else ""))


if __name__ == "__main__":
    sys.exit(main())
