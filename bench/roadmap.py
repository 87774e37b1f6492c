"""Benchmark the roadmap and the initiatives list: the same pages at 10 and at 1,000 initiatives.

    .venv/bin/python bench/roadmap.py                  # SQLite in a temporary directory; prints a Markdown report
    .venv/bin/python bench/roadmap.py --update-docs    # ... and rewrites "## Roadmap" in docs/benchmarks.md
    ACCORD_DATABASE_URL=postgres://... .venv/bin/python bench/roadmap.py   # the same on PostgreSQL

Each organisation gets its initiatives through the services (audited), as a CIO would enter them: every
kind, phase and health, planned dates over three years, one objective in ten served (each initiative
contributes to one, one in five to two), a dependency on the previous initiative for one in three and an
open security review for one in four. The pages are requested in-process (django.test.Client, the whole
middleware stack), warmed up, then timed `--runs` times in alternation; the median is reported with the SQL
queries of one request. Aim: the 1,000-initiative figure within 2x of the 10-initiative one (a page of the
roadmap and the list show 25 initiatives each).
"""

from __future__ import annotations

import argparse
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

from bench.risks import _user, configure, machine, settle, update_docs  # noqa: E402 - the path above first

SECTION = "## Roadmap"
AIM = 2.0
PAGES = (("roadmap, first page", "roadmap/"), ("roadmap, filtered (at risk)", "roadmap/?health=at_risk"),
         ("initiatives list", ""))
KINDS = ("digital_transformation", "infrastructure", "modernisation", "compliance", "security", "other")


def prepare(size: int, log: Callable[[str], None]) -> tuple[Any, Any]:
    """Organisation `roadmap-<size>` with `size` initiatives; returns (org, CIO)."""
    import datetime as dt

    from accord.core.services import do_add_member, do_create_organization
    from accord.portfolio import services, services_objectives

    slug = f"roadmap-{size}"
    org = do_create_organization(None, slug=slug, name=f"Roadmap, {size:,} initiatives", timezone_name="Europe/Paris")
    cio = _user(f"cio@{slug}.bench.example")
    do_add_member(None, org, cio, "cio")
    objectives = [services_objectives.do_create_objective(cio, org, {
        "title": f"Objective {k}", "horizon_start": "2027-01-01", "horizon_end": "2029-12-31"},
        key_results=[{"metric": "Share", "baseline": "0", "target": "100", "current": str(k * 7 % 100)}])
        for k in range(max(1, size // 10))]
    previous = None
    log(f"filling {slug}: {size:,} initiatives")
    for k in range(size):
        start = dt.date(2027, 1, 1) + dt.timedelta(days=(k * 37) % 900)
        data = {"title": f"Initiative {k}", "kind": KINDS[k % 6], "phase": "proposed" if k % 2 else "idea",
                "health": ("on_track", "at_risk", "off_track")[k % 3], "owner": cio.email,
                "planned_start": start.isoformat(),
                "planned_end": (start + dt.timedelta(days=90 + k % 200)).isoformat()}
        if previous is not None and k % 3 == 0:
            data["dependencies"] = [previous.pk]
        initiative = services.do_create_initiative(cio, org, data)
        services_objectives.do_set_contribution(cio, org, objectives[k % len(objectives)], initiative, weight=3)
        if k % 5 == 0 and len(objectives) > 1:
            services_objectives.do_set_contribution(cio, org, objectives[(k + 1) % len(objectives)], initiative,
                                                    weight=1)
        if k % 4 == 1:
            services.do_open_review(cio, org, initiative)
        previous = initiative
    return org, cio


def measure(targets: dict[int, tuple[Any, Any]], runs: int, warmup: int) -> dict[int, dict[str, tuple[float, int]]]:
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    clients = {}
    for size, (org, user) in targets.items():
        client = Client()
        client.force_login(user)
        clients[size] = (org, client)
    results: dict[int, dict[str, tuple[float, int]]] = {size: {} for size in targets}
    for label, path in PAGES:
        counts, urls = {}, {}
        for size, (org, client) in clients.items():
            urls[size] = f"/o/{org.slug}/initiatives/{path}"
            for _ in range(warmup):
                response = client.get(urls[size])
                if response.status_code != 200:
                    raise SystemExit(f"{urls[size]} answered {response.status_code}")
            reset_queries()
            with CaptureQueriesContext(connection) as queries:
                client.get(urls[size])
            counts[size] = len(queries.captured_queries)
        timings: dict[int, list[float]] = {size: [] for size in clients}
        for _ in range(runs):
            for size, (_org, client) in clients.items():
                start = time.perf_counter()
                client.get(urls[size])
                timings[size].append(time.perf_counter() - start)
        for size, values in timings.items():
            results[size][label] = (statistics.median(values), counts[size])
    return results


def report(sizes: list[int], results: dict[int, dict[str, tuple[float, int]]], engine: str, runs: int) -> str:
    small, large = sizes[0], sizes[-1]
    lines = [SECTION, "",
             f"Measured by `bench/roadmap.py` ({time.strftime('%Y-%m-%d')}): median of {runs} in-process requests "
             "(django.test.Client, after warm-up) per page, signed in as the CIO; one organisation per size filled "
             "through the services with initiatives of every kind, phase and health, objectives, dependencies and "
             f"open reviews. Aim: the {large:,}-initiative figure within {AIM:g}x of the {small:,}-initiative one.",
             "", *machine(engine), "",
             f"| page | {small:,} initiatives | {large:,} initiatives | ratio | SQL queries ({small:,} / {large:,}) |",
             "| --- | ---: | ---: | ---: | :-: |"]
    for label, _path in PAGES:
        (a, qa), (b, qb) = results[small][label], results[large][label]
        mark = "" if b / a <= AIM else " (misses the aim)"
        lines.append(f"| {label} | {a * 1000:.1f} ms | {b * 1000:.1f} ms | {b / a:.2f}x{mark} | {qa} / {qb} |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="10,1000", help="comma-separated numbers of initiatives")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--update-docs", action="store_true", help=f"rewrite '{SECTION}' in docs/benchmarks.md")
    args = parser.parse_args(argv)
    sizes = sorted(int(s) for s in args.sizes.split(","))
    with tempfile.TemporaryDirectory(prefix="accord-bench-") as var_dir:
        engine = configure(var_dir)

        def log(line: str) -> None:
            print(line, file=sys.stderr)

        targets = {size: prepare(size, log) for size in sizes}
        settle()
        text = report(sizes, measure(targets, args.runs, args.warmup), engine, args.runs)
    print(text)
    if args.update_docs:
        update_docs(text, SECTION)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
