"""CPU time per request of the routes the load benchmark drives, in-process (django.test.Client).

    .venv/bin/python bench/routes_cpu.py                    # SQLite in a temporary directory, the demo data
    .venv/bin/python bench/routes_cpu.py --runs 200 --cache file
    .venv/bin/python bench/routes_cpu.py --profile "api: risks" --top 40    # cProfile of one route
    ACCORD_DATABASE_URL=postgres://... .venv/bin/python bench/routes_cpu.py

The demo data is loaded (`accord demo`), the demo organisation's CISO signs in (a session) and gets an
API token, as bench/load.py does; then each route is requested `--runs` times after a warm-up and the
median process CPU time (user + system, `time.process_time`) per request is printed. CPU time, not wall
time, so that other work on a shared machine changes the figures little: it is the number to compare
before and after a change. Two trivial routes show the fixed cost every request pays (the middleware
stack, the session and second-factor checks, the token look-up): `web: trivial` is the signed-in
organisation chooser, `api: trivial` the caller's organisations.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import itertools
import os
import pstats
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.mixes import MIXES  # noqa: E402 - after the path is set

ORG = "nordpay"
CISO = "consultant@vciso.example"


def setup(var_dir: str, cache: str, *, reuse: bool = False) -> None:
    os.environ.setdefault("ACCORD_DATABASE_URL", f"sqlite:///{var_dir}/cpu.sqlite3")
    for name, value in {
        "ACCORD_DEBUG": "0", "ACCORD_VAR_DIR": var_dir, "ACCORD_ALLOWED_HOSTS": "testserver",
        "ACCORD_HTTPS": "0", "ACCORD_CACHE": cache, "DJANGO_SETTINGS_MODULE": "accord.settings",
        "ACCORD_SECRET_KEY": "bench-only-secret-key-that-is-long-enough-0123456789",
        "ACCORD_API_RATE_LIMIT": "100000000/m/token,100000000/m/ip",
    }.items():
        os.environ.setdefault(name, value)
    import django

    django.setup()
    from django.core.management import call_command

    from accord.core.models import Organization

    Path(var_dir).mkdir(parents=True, exist_ok=True)
    if reuse:
        call_command("migrate", interactive=False, verbosity=0)
        if Organization.objects.filter(slug=ORG).exists():
            call_command("collectstatic", interactive=False, verbosity=0)
            simulated()
            return
    if os.environ["ACCORD_DATABASE_URL"].startswith("postgres"):
        call_command("migrate", interactive=False, verbosity=0)
        call_command("flush", interactive=False, verbosity=0)
    call_command("migrate", interactive=False, verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    from accord.core.demo import load_demo

    load_demo(scale=0, log=lambda line: None, site_url="http://testserver/")
    simulated()


def simulated() -> None:
    """The organisation's figures simulated, as the worker of `accord serve` keeps them: without a worker they
    stay pending, and the pages and answers that show money would measure that instead."""
    from accord.core.models import Organization
    from accord.risks import quantified

    quantified.simulate_here(Organization.objects.get(slug=ORG))


def clients() -> tuple[Any, Any, dict[str, Callable[[], Any]]]:
    from django.test import Client

    from accord.core.models import Organization
    from accord.core.selectors import user_by_email
    from accord.core.services import do_create_token

    user = user_by_email(CISO)
    org = Organization.objects.get(slug=ORG)
    created = do_create_token(user, org, user=user, name="cpu")
    token = created[1] if isinstance(created, tuple) else created.token
    web = Client()
    web.force_login(user)
    api = Client(headers={"Authorization": f"Bearer {token}"})
    rids = [r["id"] for r in api.get(f"/api/v1/orgs/{ORG}/risks/?limit=20").json()["items"]]
    rid = rids[0]
    turn = itertools.cycle(rids)  # the mixes read one risk after another, as Locust does
    category = api.get(f"/api/v1/orgs/{ORG}/risk-categories/").json()["items"][0]["key"]
    counter = iter(range(10**9))

    def create() -> Any:
        n = next(counter)
        return api.post(f"/api/v1/orgs/{ORG}/risks/", {"title": f"CPU risk {n}", "category": category,
                        "likelihood": 1 + n % 5, "impact": 1 + (n // 5) % 5}, content_type="application/json")

    routes: dict[str, Callable[[], Any]] = {
        "web: trivial": lambda: web.get("/orgs/"),
        "web: dashboard": lambda: web.get(f"/o/{ORG}/"),
        "web: register": lambda: web.get(f"/o/{ORG}/risks/register/"),
        "web: one risk": lambda: web.get(f"/o/{ORG}/risks/register/{rid}/"),
        "api: trivial": lambda: api.get("/api/v1/orgs/"),
        "api: risks": lambda: api.get(f"/api/v1/orgs/{ORG}/risks/?limit=50"),
        "api: one risk": lambda: api.get(f"/api/v1/orgs/{ORG}/risks/{rid}/"),
        "api: appetite": lambda: api.get(f"/api/v1/orgs/{ORG}/risk-appetite/"),
        "api: portfolio": lambda: api.get(f"/api/v1/orgs/{ORG}/quant/portfolio/"),
        "api: add a risk": create,
    }
    mix_routes = {**routes, "web: one risk": lambda: web.get(f"/o/{ORG}/risks/register/{next(turn)}/"),
                  "api: one risk": lambda: api.get(f"/api/v1/orgs/{ORG}/risks/{next(turn)}/")}
    return web, api, routes, mix_routes


def measure(fn: Callable[[], Any], runs: int) -> tuple[float, int]:
    for _ in range(5):
        status = fn().status_code
    times = []
    for _ in range(runs):
        start = time.process_time()
        fn()
        times.append(time.process_time() - start)
    return statistics.median(times) * 1000, status


def server_cpu() -> float | None:
    """The CPU milliseconds this process's PostgreSQL backend has used (user + system, from /proc: the server
    on the same machine), or None on SQLite, whose work is in this process's own CPU time."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return None
    connection.ensure_connection()
    pid = connection.connection.info.backend_pid
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) * 1000 / os.sysconf("SC_CLK_TCK")


def measure_mix(routes: dict[str, Callable[[], Any]], weights: dict[str, int], requests: int) -> float:
    """Mean CPU per request of `requests` requests drawn in the mix's proportions, in a fixed shuffled order:
    with stored read answers on, the writes among them make later reads miss, as under load."""
    order = [name for name, weight in weights.items() for _ in range(weight)]
    random.Random(10).shuffle(order)
    for name in order:  # warm-up: one round of the mix
        routes[name]()
    start = time.process_time()
    for i in range(requests):
        routes[order[i % len(order)]]()
    return (time.process_time() - start) / requests * 1000


def profile(name: str, fn: Callable[[], Any], args: argparse.Namespace) -> None:
    for _ in range(5):
        fn()
    prof = cProfile.Profile(time.process_time)  # CPU, not the waits of a shared machine
    prof.enable()
    for _ in range(args.runs):
        fn()
    prof.disable()
    out = io.StringIO()
    pstats.Stats(prof, stream=out).sort_stats(args.sort).print_stats(args.top)
    print(f"=== {name}: {args.runs} requests")
    print(out.getvalue())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=100)
    parser.add_argument("--cache", default="file", help="ACCORD_CACHE for the run (file, as accord serve)")
    parser.add_argument("--only", default="", help="comma-separated route names (default: all)")
    parser.add_argument("--profile", default="", help="a route name: print its cProfile instead")
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--sort", default="cumulative")
    parser.add_argument("--mix", default="", help="comma-separated mixes (api, mixed): also the mean CPU per "
                        "request of the mix in its order, writes included")
    parser.add_argument("--keep", default="", help="a folder to keep the prepared database in and reuse")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        var_dir = args.keep or scratch
        setup(var_dir, args.cache, reuse=bool(args.keep))
        _, _, routes, mix_routes = clients()
        if args.profile:
            for name in args.profile.split(","):
                profile(name.strip(), routes[name.strip()], args)
            return
        names = [n.strip() for n in args.only.split(",") if n.strip()] or list(routes)
        from django.db import connection

        print(f"{connection.vendor}, cache {args.cache}, median CPU per request over {args.runs} runs")
        medians = {}
        for name in names:
            server = server_cpu()
            medians[name], status = measure(routes[name], args.runs)
            after = server_cpu()
            used = "" if server is None or after is None else \
                f", database server {(after - server) / (args.runs + 5):.2f} ms mean"
            print(f"{name:18} {medians[name]:7.2f} ms  ({status}{used})")
        for mix, weights in MIXES.items():
            if set(weights) <= set(medians):
                mean = sum(medians[n] * w for n, w in weights.items()) / sum(weights.values())
                print(f"mix {mix:14} {mean:7.2f} ms  (weighted medians)")
        for mix in [m.strip() for m in args.mix.split(",") if m.strip()]:
            print(f"mix {mix:14} {measure_mix(mix_routes, MIXES[mix], args.runs * 10):7.2f} ms  "
                  f"(mean of {args.runs * 10} requests in the mix's order, 10% writes)")


if __name__ == "__main__":
    sys.exit(main())
