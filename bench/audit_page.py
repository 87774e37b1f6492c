"""Benchmark the audit page: the same audit of a framework of 50 and of 1,000 requirements.

    .venv/bin/python bench/audit_page.py                  # SQLite in a temporary directory; prints a Markdown report
    .venv/bin/python bench/audit_page.py --update-docs    # ... and rewrites "## Audit page" in docs/benchmarks.md
    ACCORD_DATABASE_URL=postgres://... .venv/bin/python bench/audit_page.py   # the same on PostgreSQL

Each organisation imports a framework of that many assessable requirements (in 10 groups), plans an audit of
it in progress and records a result for one requirement in three through the services (audited), with a
control linked to each recorded one and a finding on one in twenty. The pages are requested in-process
(django.test.Client, the whole middleware stack), warmed up, then timed `--runs` times in alternation; the
median is reported with the SQL queries of one request. The audit page shows 100 requirements a page (its
filters narrow them); its number of queries does not depend on the framework's size (tests/compliance/
test_audit_pages.py proves it). Aim: the 1,000-requirement figures within 2x of the 50-requirement ones.
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

SECTION = "## Audit page"
AIM = 2.0
PAGES = (("audit page, first page (100 requirements)", "{audit}/"),
         ("a requirement's row as a form (htmx)", "{audit}/results/{result}/record/"),
         ("API results, first page (50)", "api"))


def _framework(size: int) -> dict[str, Any]:
    per = max(1, size // 10)
    return {"accord_framework": 1, "key": f"bench-{size}", "name": f"Bench {size}", "version": "1",
            "groups": [{"id": f"G{g}", "title": f"Group {g}", "requirements": [
                {"id": f"G{g}.{r}", "title": f"Requirement {g}.{r}", "description": "What to check"}
                for r in range(1, per + 1)]} for g in range(1, 11)]}


def prepare(size: int, log: Callable[[str], None]) -> tuple[Any, Any, Any]:
    """Organisation `audit-<size>` with an audit of `size` requirements; returns (org, CISO, audit)."""
    from accord.compliance import selectors_assessments, services, services_assessments, services_controls
    from accord.core.services import do_add_member, do_create_organization

    slug = f"audit-{size}"
    org = do_create_organization(None, slug=slug, name=f"Audit, {size:,} requirements", timezone_name="Europe/Paris")
    ciso = _user(f"ciso@{slug}.bench.example")
    do_add_member(None, org, ciso, "ciso")
    services.do_import_framework(ciso, org, _framework(size))
    control = services_controls.do_create_control(ciso, org, {"name": "Backups", "status": "implemented"})
    audit = services_assessments.do_create_assessment(ciso, org, {
        "title": "Bench audit", "framework": f"bench-{size}", "status": "in_progress", "auditors": [ciso.email]})
    log(f"filling {slug}: {size:,} requirements")
    for k, result in enumerate(list(selectors_assessments.results(org, audit))[::3]):
        services_assessments.do_record_result(ciso, org, result, {
            "result": ("compliant", "partial", "non_compliant")[k % 3], "notes": f"Seen {k}",
            "controls": [control.ref]})
        if k % 7 == 0:
            services_assessments.do_create_finding(ciso, org, audit, {"title": f"Gap {k}",
                                                                      "requirement": result.requirement.ref})
    return org, ciso, audit


def _url(org: Any, audit: Any, path: str) -> str:
    if path == "api":
        return f"/api/v1/orgs/{org.slug}/assessments/{audit.pk}/results/"
    from accord.compliance import selectors_assessments

    first = selectors_assessments.results(org, audit).first()
    return f"/o/{org.slug}/audits/" + path.format(audit=audit.pk, result=first.pk if first else 0)


def measure(targets: dict[int, tuple[Any, Any, Any]], runs: int,
            warmup: int) -> dict[int, dict[str, tuple[float, int]]]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from accord.core.services.tokens import do_create_token

    clients = {}
    for size, (org, user, audit) in targets.items():
        client = Client()
        client.force_login(user)
        _token, plaintext = do_create_token(user, org, user, name="bench")
        clients[size] = (org, audit, client, {"HTTP_AUTHORIZATION": f"Bearer {plaintext}"})
    results: dict[int, dict[str, tuple[float, int]]] = {size: {} for size in targets}
    for label, path in PAGES:
        counts, calls = {}, {}
        for size, (org, audit, client, auth) in clients.items():
            url = _url(org, audit, path)
            extra = auth if path == "api" else ({"HTTP_HX_REQUEST": "true"} if "htmx" in label else {})
            calls[size] = (client, url, extra)
            for _ in range(warmup):
                response = client.get(url, **extra)
                if response.status_code != 200:
                    raise SystemExit(f"{url} answered {response.status_code}")
            with CaptureQueriesContext(connection) as queries:
                client.get(url, **extra)
            counts[size] = len(queries.captured_queries)
        timings: dict[int, list[float]] = {size: [] for size in clients}
        for _ in range(runs):
            for size, (client, url, extra) in calls.items():
                start = time.perf_counter()
                client.get(url, **extra)
                timings[size].append(time.perf_counter() - start)
        for size, values in timings.items():
            results[size][label] = (statistics.median(values), counts[size])
    return results


def report(sizes: list[int], results: dict[int, dict[str, tuple[float, int]]], engine: str, runs: int) -> str:
    small, large = sizes[0], sizes[-1]
    lines = [SECTION, "",
             f"Measured by `bench/audit_page.py` ({time.strftime('%Y-%m-%d')}): median of {runs} in-process requests "
             "(django.test.Client, after warm-up) per page, signed in as the CISO (the API with a token); one audit "
             "in progress per size, a result recorded for one requirement in three with a control, a finding on "
             "one recorded result in seven. Aim: the "
             f"{large:,}-requirement figure within {AIM:g}x of the {small:,}-requirement one.",
             "", *machine(engine), "",
             f"| page | {small:,} requirements | {large:,} requirements | ratio "
             f"| SQL queries ({small:,} / {large:,}) |",
             "| --- | ---: | ---: | ---: | :-: |"]
    for label, _path in PAGES:
        (a, qa), (b, qb) = results[small][label], results[large][label]
        mark = "" if b / a <= AIM else " (misses the aim)"
        lines.append(f"| {label} | {a * 1000:.1f} ms | {b * 1000:.1f} ms | {b / a:.2f}x{mark} | {qa} / {qb} |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="50,1000", help="comma-separated numbers of requirements")
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--warmup", type=int, default=2)
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
