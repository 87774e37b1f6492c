"""Benchmark the systems inventory: its list at 100 and at 10,000 systems, and a 10,000-row import.

    .venv/bin/python bench/systems.py                  # SQLite in a temporary directory; prints a Markdown report
    .venv/bin/python bench/systems.py --update-docs    # ... and rewrites "## Systems inventory" in docs/benchmarks.md
    ACCORD_DATABASE_URL=postgres://... .venv/bin/python bench/systems.py   # the same on PostgreSQL
    .venv/bin/python bench/systems.py --sizes 100,1000 --runs 5 --import-rows 1000   # a quick smoke run

Each organisation is filled through `do_import_systems` (the import every front runs: checked, all or nothing,
one audit event per system), each system depending on the one before and on a shared directory, one in ten
linked to a risk, under an appetite in force (so the list's security flag reads the register's tolerance).
The list page, its filtered form and the API list are requested in-process with django.test.Client (the whole
middleware stack, templates and JSON; no network), warmed up, then timed `--runs` times, the sizes in
alternation; the median is reported with the SQL queries of one request. The aims: 10,000 systems within 2x
of 100, the same number of queries, and a 10,000-row CSV import (parse, check, write, audit) within 15 s.
"""

from __future__ import annotations

import argparse
import io
import os
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

from bench.risks import configure, machine, settle, update_docs  # noqa: E402 - after the path is set

SECTION = "## Systems inventory"
AIM = 2.0
IMPORT_AIM = 15.0
KINDS = ("application", "infrastructure", "saas", "data_store", "network", "endpoint_group")


def csv_rows(n: int, prefix: str, owner: str) -> bytes:
    """A systems file of `n` rows in the export's columns: each depends on the previous one and on the directory."""
    lines = ["name,kind,criticality,it_owner,hosting,saas_vendor,end_of_support_on,licence_cost,personal_data,"
             "personal_data_categories,dependencies"]
    lines.append(f"{prefix} directory,infrastructure,critical,{owner},on_premises,,2030-01-01,1000,no,,")
    for k in range(1, n):
        kind = KINDS[k % 6]
        saas = kind == "saas"
        needs = f"{prefix} directory" + (f"; {prefix} system {k - 1}" if k > 1 else "")
        year = 2026 + k % 8
        lines.append(f"{prefix} system {k},{kind},{('low', 'medium', 'high', 'critical')[k % 4]},{owner},"
                     f"{'saas' if saas else 'on_premises'},{'Vendor ' + str(k % 50) if saas else ''},"
                     f"{year}-0{1 + k % 9}-15,{k * 10},{'yes' if k % 3 == 0 else 'no'},"
                     f"{'customers; staff' if k % 3 == 0 else ''},{needs}")
    return ("\r\n".join(lines) + "\r\n").encode()


def _user(email: str) -> Any:
    from accord.core.selectors import user_by_email
    from accord.core.services import do_create_user

    return user_by_email(email) or do_create_user(email, full_name=email.split("@")[0].upper())


def prepare(size: int, log: Callable[[str], None]) -> tuple[Any, Any]:
    """Organisation `sysbench-<size>` with `size` systems (reused when filled); returns (org, CIO)."""
    from accord.core.models import Membership, Organization
    from accord.core.services import do_add_member, do_create_organization
    from accord.portfolio import io_systems, services_systems
    from accord.portfolio.models_systems import System
    from accord.portfolio.services_systems_import import do_import_systems
    from accord.risks import selectors, services

    slug = f"sysbench-{size}"
    org = Organization.objects.filter(slug=slug).first() or do_create_organization(
        None, slug=slug, name=f"Benchmark, {size:,} systems", timezone_name="Europe/Paris")
    people = {}
    for role in ("cio", "ciso"):
        user = _user(f"{role}@{slug}.bench.example")
        if not Membership.objects.for_org(org).filter(user=user).exists():
            do_add_member(None, org, user, role)
        people[role] = user
    if System.objects.for_org(org).exists():
        return org, people["cio"]
    log(f"filling {slug}: {size:,} systems")
    rows = io_systems.parse_upload(io.BytesIO(csv_rows(size, "Bench", people["cio"].email)), "bench.csv")
    do_import_systems(None, org, rows)
    if selectors.appetite_in_force(org) is None:
        draft = services.do_draft_appetite(people["ciso"], org, statement="Benchmark appetite",
                                           category_levels={"cyber_security": "medium"})
        services.do_sign_appetite(people["cio"], org, version=draft.version)
        services.do_sign_appetite(people["ciso"], org, version=draft.version)
    risk = services.do_create_risk(people["ciso"], org, {"title": "Benchmark outage", "category": "cyber_security",
                                                         "likelihood": 5, "impact": 5})
    for system in System.objects.for_org(org).order_by("number")[::10]:
        services_systems.do_link_risk(None, org, system, risk)
    return org, people["cio"]


PAGES = (
    ("systems page (first 50, by ref)", "systems:list", ""),
    ("systems page, filtered (support ending, applications)", "systems:list", "?support=ending&kind=application"),
    ("API list (limit=50)", "api", "?limit=50"),
    ("API list, filtered (flagged, limit=20)", "api", "?flagged=true&limit=20"),
)


def measure(targets: dict[int, tuple[Any, Any]], runs: int, warmup: int) -> dict[int, dict[str, Any]]:
    """{size: {page: (median seconds, SQL queries of one request)}}; sizes timed in alternation."""
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from accord.core.services import do_create_token

    clients = {}
    for size, (org, user) in targets.items():
        _, token = do_create_token(None, org, user, name="bench")
        client = Client()
        client.force_login(user)
        clients[size] = (org, client, {"HTTP_AUTHORIZATION": f"Bearer {token}"})
    results: dict[int, dict[str, Any]] = {size: {} for size in targets}
    for label, name, query in PAGES:
        calls = {}
        for size, (org, client, auth) in clients.items():
            url = (f"/api/v1/orgs/{org.slug}/systems/" if name == "api" else reverse(name, kwargs={"org": org.slug}))
            url += query
            headers = auth if name == "api" else {}
            for _ in range(warmup):
                response = client.get(url, **headers)
                if response.status_code != 200:
                    raise SystemExit(f"{url} answered {response.status_code}")
            reset_queries()
            with CaptureQueriesContext(connection) as queries:
                client.get(url, **headers)
            results[size][label] = len(queries.captured_queries)
            calls[size] = (client, url, headers)
        timings: dict[int, list[float]] = {size: [] for size in calls}
        for _ in range(runs):
            for size, (client, url, headers) in calls.items():
                start = time.perf_counter()
                client.get(url, **headers)
                timings[size].append(time.perf_counter() - start)
        for size, values in timings.items():
            results[size][label] = (statistics.median(values), results[size][label])
    return results


def time_import(rows: int, log: Callable[[str], None]) -> dict[str, float]:
    """A `rows`-row CSV into an empty organisation: seconds to parse, and to check, write and audit it."""
    from accord.core.services import do_create_organization
    from accord.portfolio import io_systems
    from accord.portfolio.models_systems import System
    from accord.portfolio.services_systems_import import do_import_systems

    org = do_create_organization(None, slug=f"sysimport-{rows}-{time.time_ns()}", name="Import benchmark")
    content = csv_rows(rows, "Imported", "")
    log(f"importing {rows:,} rows ({len(content):,} bytes)")
    start = time.perf_counter()
    parsed = io_systems.parse_upload(io.BytesIO(content), "import.csv")
    parsed_at = time.perf_counter()
    report = do_import_systems(None, org, parsed)
    done = time.perf_counter()
    assert report.count(report.rows[0].action) == rows and System.objects.for_org(org).count() == rows  # noqa: S101
    return {"parse": parsed_at - start, "import": done - parsed_at, "total": done - start}


def report(results: dict[int, dict[str, Any]], imported: dict[str, float], rows: int, engine: str) -> str:
    small, large = min(results), max(results)
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    lines = [SECTION, "", f"`bench/systems.py`: the list at {small:,} and {large:,} systems, and a {rows:,}-row import "
             "(see the script's docstring for the data).", "", *machine(engine),
             f"- load average when the report was written: {load} (a shared machine: other work ran beside it)", "",
             f"| page | {small:,} systems | {large:,} systems | ratio | queries ({small:,} / {large:,}) |",
             "| --- | ---: | ---: | ---: | ---: |"]
    worst = 0.0
    for label, _, _ in PAGES:
        (t_small, q_small), (t_large, q_large) = results[small][label], results[large][label]
        ratio = t_large / t_small
        worst = max(worst, ratio)
        lines.append(f"| {label} | {t_small * 1000:.1f} ms | {t_large * 1000:.1f} ms | {ratio:.2f}x | "
                     f"{q_small} / {q_large} |")
    lines += ["", f"Worst ratio {worst:.2f}x (aim: within {AIM:.0f}x).", "",
              f"Import of {rows:,} rows (CSV, into an empty organisation, one audit event per system): parse "
              f"{imported['parse']:.1f} s, check and write {imported['import']:.1f} s, {imported['total']:.1f} s in "
              f"all (aim: within {IMPORT_AIM:.0f} s).", ""]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="100,10000", help="comma-separated numbers of systems")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--import-rows", type=int, default=10_000)
    parser.add_argument("--update-docs", action="store_true", help=f"rewrite '{SECTION}' in docs/benchmarks.md")
    args = parser.parse_args(argv)

    def log(line: str) -> None:
        print(line, file=sys.stderr)

    with tempfile.TemporaryDirectory(prefix="accord-bench-") as var_dir:
        engine = configure(var_dir)
        targets = {size: prepare(size, log) for size in sorted(int(s) for s in args.sizes.split(","))}
        settle()
        results = measure(targets, args.runs, args.warmup)
        imported = time_import(args.import_rows, log)
        text = report(results, imported, args.import_rows, engine)
    print(text)
    if args.update_docs:
        update_docs(text, SECTION)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
