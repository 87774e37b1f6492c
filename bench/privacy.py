"""Benchmark the DPO's registers: the data-subject requests and the breaches lists at 100 and at 10,000 rows.

    .venv/bin/python bench/privacy.py                  # SQLite in a temporary directory; prints a Markdown report
    .venv/bin/python bench/privacy.py --update-docs    # ... and rewrites "## Privacy registers" in docs/benchmarks.md
    ACCORD_DATABASE_URL=postgres://... .venv/bin/python bench/privacy.py   # the same on PostgreSQL
    .venv/bin/python bench/privacy.py --sizes 100,1000 --runs 5            # a quick smoke run

Each organisation gets `size` requests (every kind; a third paused with a pause row, a third closed, the rest open
over the last 60 days, so the overdue and due-soon filters find rows) and `size` breaches with one notification
each. The rows are bulk-inserted (what is measured is reading them; the services' writes are tested elsewhere), with
the due dates and deadlines the rules give. The register pages, their filtered forms and the API lists are
requested in-process with django.test.Client (the whole middleware stack, templates and JSON; no network), warmed
up, then timed `--runs` times, the sizes in alternation; the median is reported with the SQL queries of one
request. The aims: 10,000 rows within 2x of 100, and the same number of queries.
"""

from __future__ import annotations

import argparse
import datetime as dt
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

SECTION = "## Privacy registers"
AIM = 2.0
KINDS = ("access", "rectification", "erasure", "restriction", "portability", "objection", "automated_decision")


def prepare(size: int, log: Callable[[str], None]) -> tuple[Any, Any]:
    """Organisation `privbench-<size>` with `size` requests and `size` breaches (reused when filled); (org, DPO)."""
    from django.utils import timezone

    from accord.core.clock import org_today
    from accord.core.models import Membership, Organization
    from accord.core.selectors import user_by_email
    from accord.core.services import do_add_member, do_create_organization, do_create_user
    from accord.core.workdays import WorkCalendar
    from accord.privacy import rules_deadlines
    from accord.privacy.models_breaches import Breach, BreachNotification
    from accord.privacy.models_requests import DataSubjectRequest, IdentityPause

    slug = f"privbench-{size}"
    org = Organization.objects.filter(slug=slug).first() or do_create_organization(
        None, slug=slug, name=f"Benchmark, {size:,} requests", timezone_name="Europe/Paris", country="FR")
    email = f"dpo@{slug}.bench.example"
    user = user_by_email(email) or do_create_user(email, full_name="Bench DPO")
    if not Membership.objects.for_org(org).filter(user=user).exists():
        do_add_member(None, org, user, "dpo")
    if DataSubjectRequest.objects.for_org(org).exists():
        return org, user
    log(f"filling {slug}: {size:,} requests and {size:,} breaches")
    today, calendar, now = org_today(org), WorkCalendar.of(org), timezone.now()
    requests = []
    for k in range(size):
        received = today - dt.timedelta(days=k % 60)
        status = ("in_progress", "identity_pending", "answered")[k % 3]
        requests.append(DataSubjectRequest(
            organization=org, number=k + 1, kind=KINDS[k % len(KINDS)], received_on=received, status=status,
            subject_name=f"Person {k}", due_on=rules_deadlines.request_due_on(received, calendar),
            closed_on=today if status == "answered" else None))
    DataSubjectRequest.objects.for_org(org).bulk_create(requests, batch_size=1000)
    made = DataSubjectRequest.objects.for_org(org).filter(status="identity_pending")
    IdentityPause.objects.for_org(org).bulk_create(
        [IdentityPause(organization=org, request=r, paused_on=r.received_on, reason="Identity") for r in made],
        batch_size=1000)
    breaches = [Breach(organization=org, number=k + 1, title=f"Breach {k}", became_aware_at=now - dt.timedelta(hours=k),
                       notify_authority_by=rules_deadlines.notify_authority_by(now - dt.timedelta(hours=k)))
                for k in range(size)]
    Breach.objects.for_org(org).bulk_create(breaches, batch_size=1000)
    BreachNotification.objects.for_org(org).bulk_create(
        [BreachNotification(organization=org, breach=b, phase=1, sent_at=now, content="Phase 1")
         for b in Breach.objects.for_org(org)], batch_size=1000)
    return org, user


PAGES = (
    ("requests page (first 25)", "privacy:requests", ""),
    ("requests page, overdue", "privacy:requests", "?due=overdue"),
    ("requests API (limit=50)", "/privacy/requests/", "?limit=50"),
    ("requests API, due within 7 days", "/privacy/requests/", "?due_within=7&limit=50"),
    ("breaches page (first 25)", "privacy:breaches", ""),
    ("breaches API (limit=50)", "/privacy/breaches/", "?limit=50"),
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
            api = name.startswith("/")
            url = (f"/api/v1/orgs/{org.slug}{name}" if api else reverse(name, kwargs={"org": org.slug})) + query
            headers = auth if api else {}
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


def report(results: dict[int, dict[str, Any]], engine: str) -> str:
    small, large = min(results), max(results)
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    lines = [SECTION, "", f"`bench/privacy.py`: the requests and breaches lists at {small:,} and {large:,} rows of "
             "each (see the script's docstring for the data).", "", *machine(engine),
             f"- load average when the report was written: {load} (a shared machine: other work ran beside it)", "",
             f"| page | {small:,} rows | {large:,} rows | ratio | queries ({small:,} / {large:,}) |",
             "| --- | ---: | ---: | ---: | ---: |"]
    worst = 0.0
    for label, _, _ in PAGES:
        (t_small, q_small), (t_large, q_large) = results[small][label], results[large][label]
        ratio = t_large / t_small
        worst = max(worst, ratio)
        lines.append(f"| {label} | {t_small * 1000:.1f} ms | {t_large * 1000:.1f} ms | {ratio:.2f}x | "
                     f"{q_small} / {q_large} |")
    lines += ["", f"Worst ratio {worst:.2f}x (aim: within {AIM:.0f}x).", ""]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="100,10000", help="comma-separated numbers of rows")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--update-docs", action="store_true", help=f"rewrite '{SECTION}' in docs/benchmarks.md")
    args = parser.parse_args(argv)

    def log(line: str) -> None:
        print(line, file=sys.stderr)

    with tempfile.TemporaryDirectory(prefix="accord-bench-") as var_dir:
        engine = configure(var_dir)
        targets = {size: prepare(size, log) for size in sorted(int(s) for s in args.sizes.split(","))}
        settle()
        results = measure(targets, args.runs, args.warmup)
        text = report(results, engine)
    print(text)
    if args.update_docs:
        update_docs(text, SECTION)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
