"""Benchmark the risk register: the same pages at 100 and at 10,000 risks.

    .venv/bin/python bench/risks.py                  # SQLite in a temporary directory; prints a Markdown report
    .venv/bin/python bench/risks.py --update-docs    # ... and rewrites "## Risk register" in docs/benchmarks.md
    ACCORD_DATABASE_URL=postgres://... .venv/bin/python bench/risks.py   # the same on PostgreSQL
    .venv/bin/python bench/risks.py --sizes 100,1000 --runs 5           # a quick smoke run

Each organisation is filled through `do_import_risks` (audited, in transactions of 1,000) with the
synthetic risks of `accord demo --scale`, an appetite signed by the CIO and the CISO, and one
acceptance in force per hundred risks. Every page is requested in-process with django.test.Client
(the whole middleware stack, templates and JSON rendering; no network), warmed up, then timed
`--runs` times; the median is reported, with the number of SQL queries of one request. The aim is
10,000-risk figures within 2x of the 100-risk figures: pages must cost what they show, not what the
register holds.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
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

DOCS = ROOT / "docs" / "benchmarks.md"
SECTION = "## Risk register"
AIM = 2.0


def configure(var_dir: str) -> str:
    """Production-like settings for an in-process run; SQLite under `var_dir` unless a URL is given."""
    os.environ.setdefault("ACCORD_DATABASE_URL", f"sqlite:///{var_dir}/bench.sqlite3")
    for name, value in {
        "ACCORD_DEBUG": "0",
        "ACCORD_VAR_DIR": var_dir,
        "ACCORD_ALLOWED_HOSTS": "testserver",
        "ACCORD_HTTPS": "0",
        "ACCORD_CACHE": "locmem",
        "DJANGO_SETTINGS_MODULE": "accord.settings",
        "ACCORD_SECRET_KEY": "bench-only-secret-key-that-is-long-enough-0123456789",
    }.items():
        os.environ.setdefault(name, value)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)  # as `accord serve` does
    return os.environ["ACCORD_DATABASE_URL"].split(":", 1)[0]


# --- data -------------------------------------------------------------------------------------------------


def _user(email: str) -> Any:
    from accord.core.selectors import user_by_email
    from accord.core.services import do_create_user

    return user_by_email(email) or do_create_user(email, full_name=email.split("@")[0].upper())


def prepare(size: int, log: Callable[[str], None]) -> tuple[Any, Any]:
    """Organisation `bench-<size>` with `size` risks (reused when already filled); returns (org, CISO)."""
    import datetime as dt

    from accord.core.clock import org_today
    from accord.core.models import Membership, Organization
    from accord.core.services import do_add_member, do_create_organization
    from accord.risks import selectors, services
    from accord.risks.demo import fill
    from accord.risks.models import Risk

    slug = f"bench-{size}"
    org = Organization.objects.filter(slug=slug).first()
    if org is None:
        org = do_create_organization(None, slug=slug, name=f"Benchmark, {size:,} risks", timezone_name="Europe/Paris")
    people = {}
    for role in ("ciso", "cio", "dpo", "contributor"):
        user = _user(f"{role}@{slug}.bench.example")
        if not Membership.objects.for_org(org).filter(user=user).exists():
            do_add_member(None, org, user, role)
        people[role] = user
    existing = Risk.objects.for_org(org).count()
    if existing < size:
        log(f"filling {slug}: {size - existing:,} risks")
        fill(org, size - existing, owners=tuple(u.email for u in people.values()), log=log)
    if selectors.appetite_in_force(org) is None:
        services.do_draft_appetite(
            people["ciso"],
            org,
            statement="Benchmark appetite",
            category_levels={
                "strategic": "high",
                "it_operations": "medium",
                "cyber_security": "medium",
                "privacy": "low",
                "compliance": "low",
                "third_party": "medium",
                "financial": "high",
            },
        )
        services.do_sign_appetite(people["cio"], org, version=selectors.appetite_draft(org).version)
        services.do_sign_appetite(people["ciso"], org, version=selectors.appetite_draft(org).version)
        above = selectors.risks(org, selectors.RiskFilter(above_tolerance=True))[: max(1, size // 100)]
        for risk in above:
            acceptance = services.do_request_acceptance(
                people["ciso"], org, risk, justification="Benchmark", expires_on=org_today(org) + dt.timedelta(90)
            )
            services.do_sign_acceptance(people["ciso"], org, acceptance)
            services.do_sign_acceptance(people["cio"], org, acceptance)
    return org, people["ciso"]


# Indexes the benchmark found missing (see docs/benchmarks.md); `--try-indexes` adds them to the
# benchmark database only, to measure the migration before it is written.
PROPOSED_INDEXES = (
    "CREATE INDEX IF NOT EXISTS acceptance_risk_idx ON risks_riskacceptance "
    "(organization_id, risk_id, status, expires_on)",
    "CREATE INDEX IF NOT EXISTS risk_due_idx ON risks_risk (organization_id, treatment_due)",
    "CREATE INDEX IF NOT EXISTS risk_level_idx ON risks_risk (organization_id, residual_level, status)",
    "CREATE INDEX IF NOT EXISTS risk_inherent_cell_idx ON risks_risk "
    "(organization_id, inherent_likelihood, inherent_impact)",
    "CREATE INDEX IF NOT EXISTS risk_residual_cell_idx ON risks_risk "
    "(organization_id, residual_likelihood, residual_impact)",
)


def try_indexes(log: Callable[[str], None]) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        for sql in PROPOSED_INDEXES:
            cursor.execute(sql)
    log(f"added {len(PROPOSED_INDEXES)} proposed indexes")


# --- measurement -------------------------------------------------------------------------------------------

PAGES = (
    ("register page (first 25, by ref)", "risks:list", ""),
    ("register page, filtered (above tolerance, by level)", "risks:list", "?above_tolerance=yes&sort=-level"),
    ("API list (limit=50, by ref)", "api", "?limit=50"),
    # `low` is the commonest residual level, so both sizes fill the page: like is compared with like.
    ("API list, filtered (level=low, by level, limit=20)", "api", "?limit=20&level=low&sort=-level"),
    ("heat map page", "risks:heatmap", ""),
    ("dashboard", "core:dashboard", ""),
)


def _url(name: str, slug: str, query: str) -> str | None:
    from django.urls import NoReverseMatch, reverse

    if name == "api":
        return f"/api/v1/orgs/{slug}/risks/{query}"
    try:
        return reverse(name, kwargs={"org": slug}) + query
    except NoReverseMatch:
        return None


def measure(targets: dict[int, tuple[Any, Any]], runs: int, warmup: int) -> dict[int, dict[str, Any]]:
    """{size: {page: (median seconds, SQL queries of one request) or None if the page does not exist yet}}.

    The sizes are timed in alternation, request by request, so that a busy moment of a shared machine
    weighs on both sides of the ratio alike.
    """
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

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
            url = _url(name, org.slug, query)
            if url is None:
                results[size][label] = None
                continue
            headers = auth if name == "api" else {}
            for _ in range(warmup):
                response = client.get(url, **headers)
                if response.status_code != 200:
                    raise SystemExit(f"{url} answered {response.status_code}")
            reset_queries()  # each request resets the log; count from zero
            with CaptureQueriesContext(connection) as queries:
                client.get(url, **headers)
            results[size][label] = len(queries.captured_queries)  # now: the next request clears the log
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


def settle() -> None:
    """After the bulk fill, the state a running server reaches by itself: SQLite's write-ahead log folded
    into the database (automatic checkpoints), PostgreSQL's planner statistics gathered (autovacuum).
    SQLite gets no ANALYZE: Accord never runs one, so its planner works without statistics."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)" if connection.vendor == "sqlite" else "ANALYZE")


# --- report ----------------------------------------------------------------------------------------------


def machine(engine: str) -> list[str]:
    import sqlite3

    import django
    from django.db import connection

    cpu = platform.processor() or platform.machine()
    try:
        info = Path("/proc/cpuinfo").read_text()
        cpu = re.search(r"model name\s*:\s*(.+)", info).group(1).strip()  # type: ignore[union-attr]
    except (OSError, AttributeError):
        pass
    ram = ""
    try:
        kib = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))  # type: ignore[union-attr]
        ram = f"{kib / 1024 / 1024:.0f} GiB RAM"
    except (OSError, AttributeError):
        pass
    if engine.startswith("postgres"):
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            database = f"PostgreSQL {cursor.fetchone()[0]}"
    else:
        database = f"SQLite {sqlite3.sqlite_version} (WAL, synchronous=FULL)"
    return [
        f"- CPU: {cpu}, {os.cpu_count()} logical cores; {ram}",
        f"- Python {platform.python_version()}, Django {django.get_version()}, {database}; "
        f"{platform.system()} {platform.release().split('-')[0]}",
    ]


def report(
    sizes: list[int], results: dict[int, dict[str, Any]], engine: str, runs: int, *, indexes: bool = False
) -> str:
    small, large = sizes[0], sizes[-1]
    lines = [
        SECTION,
        "",
        f"Measured by `bench/risks.py` ({time.strftime('%Y-%m-%d')}): median of {runs} in-process requests "
        "(django.test.Client, after warm-up) per page, signed in as the CISO; one organisation per size filled "
        "with the synthetic risks of `accord demo --scale`, an appetite in force and one acceptance per hundred "
        f"risks. Aim: the {large:,}-risk figure within {AIM:g}x of the {small:,}-risk one.",
        "",
        *machine(engine),
        "",
        *(["With the indexes proposed below added (`--try-indexes`).", ""] if indexes else []),
        f"| page | {small:,} risks | {large:,} risks | ratio | SQL queries ({small:,} / {large:,}) |",
        "| --- | ---: | ---: | ---: | :-: |",
    ]
    for label, *_ in PAGES:
        a, b = results[small].get(label), results[large].get(label)
        if a is None or b is None:
            lines.append(f"| {label} | not built yet | | | |")
            continue
        ratio = b[0] / a[0]
        mark = "" if ratio <= AIM else " (misses the aim)"
        lines.append(
            f"| {label} | {a[0] * 1000:.1f} ms | {b[0] * 1000:.1f} ms | {ratio:.2f}x{mark} | {a[1]} / {b[1]} |"
        )
    return "\n".join(lines) + "\n"


def update_docs(section: str, heading: str = SECTION) -> None:
    """Replace (or append) a benchmark's section (`heading`) of docs/benchmarks.md; other sections are left alone."""
    text = DOCS.read_text(encoding="utf-8") if DOCS.exists() else "# Benchmarks\n"
    start = text.find(heading + "\n")
    if start < 0:
        text = text.rstrip("\n") + "\n\n" + section
    else:
        following = text.find("\n## ", start + len(heading))
        keep = text[following + 1 :] if following >= 0 else ""
        notes = ""
        old = text[start : following + 1 if following >= 0 else len(text)]
        marker = old.find("\n### ")  # hand-written findings under the table survive a re-run
        if marker >= 0:
            notes = old[marker:].rstrip("\n") + "\n"
        text = text[:start] + section + notes + ("\n" + keep if keep else "")
    DOCS.write_text(text, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="100,10000", help="comma-separated numbers of risks (default 100,10000)")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--update-docs", action="store_true", help=f"rewrite '{SECTION}' in docs/benchmarks.md")
    parser.add_argument(
        "--try-indexes",
        action="store_true",
        help="add the indexes proposed in docs/benchmarks.md to the benchmark database (raw SQL) "
        "to measure what the migration would buy; implies no --update-docs",
    )
    args = parser.parse_args(argv)
    sizes = sorted(int(s) for s in args.sizes.split(","))
    with tempfile.TemporaryDirectory(prefix="accord-bench-") as var_dir:
        engine = configure(var_dir)

        def log(line: str) -> None:
            print(line, file=sys.stderr)

        targets = {}
        for size in sizes:
            start = time.perf_counter()
            targets[size] = prepare(size, log)
            log(f"{targets[size][0].slug} ready in {time.perf_counter() - start:.1f} s")
        if args.try_indexes:
            try_indexes(log)
        settle()
        log("measuring")
        results = measure(targets, args.runs, args.warmup)
        section = report(sizes, results, engine, args.runs, indexes=args.try_indexes)
        print(section)
        if args.update_docs and not args.try_indexes:
            update_docs(section)
    return 0


if __name__ == "__main__":
    sys.exit(main())
