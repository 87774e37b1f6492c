"""Benchmark the record of processing: the register page, the API list and the XLSX export at 100 and 10,000
activities.

    .venv/bin/python bench/ropa.py                  # SQLite in a temporary directory; prints a Markdown report
    .venv/bin/python bench/ropa.py --update-docs    # ... and rewrites "## Record of processing" in docs/benchmarks.md
    .venv/bin/python bench/ropa.py --sizes 100,1000 --runs 5   # a quick smoke run

Each organisation gets `size` activities written in bulk (the benchmark measures the reads, not the services):
two purposes, three data categories (one special), two recipients (one in the US), one system and one processor
linked, one transfer in ten; a third of them incomplete, their completeness kept as the services keep it. The
pages are requested in-process with django.test.Client, warmed up, then timed `--runs` times, the sizes in
alternation; the median is reported with the SQL queries of one request. The aim: 10,000 activities within 2x of
100 for the register page and the API list (a page of 50), the same number of queries.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.risks import configure, machine, settle, update_docs  # noqa: E402 - after the path is set

SECTION = "## Record of processing"
AIM = 2.0


def prepare(size: int) -> tuple[Any, Any]:
    """Organisation `ropabench-<size>` with `size` activities; returns (org, DPO)."""
    from accord.core.selectors import user_by_email
    from accord.core.services import do_add_member, do_create_organization, do_create_user
    from accord.portfolio import services_systems
    from accord.privacy import services_processors
    from accord.privacy.models_processors import Transfer
    from accord.privacy.models_ropa import ActivityProcessor, ActivitySystem, ProcessingActivity

    slug = f"ropabench-{size}"
    org = do_create_organization(None, slug=slug, name=f"Benchmark, {size:,} activities", timezone_name="Europe/Paris")
    email = f"dpo@{slug}.bench.example"
    user = user_by_email(email) or do_create_user(email, full_name="DPO")
    do_add_member(None, org, user, "dpo")
    system = services_systems.do_create_system(None, org, {"name": "Bench system"})
    processor = services_processors.do_create_processor(None, org, {"name": "Bench processor", "country": "US"})
    rows = []
    for k in range(1, size + 1):
        incomplete = k % 3 == 0
        rows.append(ProcessingActivity(
            organization=org, number=k, name=f"Activity {k}", controller_name="Bench", controller_contact="dpo@b.test",
            purposes=[{"name": "Care", "legal_basis": "c"}, {"name": "Research", "legal_basis": "f"}],
            data_subjects=["Patients"], data_categories=[{"name": "Identity", "special": False},
                                                         {"name": "Health", "special": True, "art9_condition": "h"},
                                                         {"name": "Contact", "special": False}],
            recipients=[{"name": "Labs", "country": ""}, {"name": "Cloud", "country": "US"}],
            retention="" if incomplete else "10 years", security_measures="Encryption", complete=not incomplete,
            missing_items=[["retention", "30(1)(f)", ""]] if incomplete else []))
    ProcessingActivity.objects.for_org(org).bulk_create(rows, batch_size=2000)
    made = list(ProcessingActivity.objects.for_org(org).order_by("number"))
    ActivitySystem.objects.for_org(org).bulk_create(
        [ActivitySystem(organization=org, activity=a, system=system) for a in made], batch_size=2000)
    ActivityProcessor.objects.for_org(org).bulk_create(
        [ActivityProcessor(organization=org, activity=a, processor=processor) for a in made], batch_size=2000)
    Transfer.objects.for_org(org).bulk_create(
        [Transfer(organization=org, number=n, activity=a, processor=processor, destination="US", mechanism="adequacy",
                  in_scope=True) for n, a in enumerate(made[::10], start=1)], batch_size=2000)
    return org, user


PAGES = (("register page (first 50)", "ropa:register", ""), ("API list (limit=50)", "api", "?limit=50"))


def measure(targets: dict[int, tuple[Any, Any]], runs: int, warmup: int) -> dict[int, dict[str, Any]]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from accord.core.services import do_create_token

    results: dict[int, dict[str, Any]] = {size: {} for size in targets}
    clients = {}
    for size, (org, user) in targets.items():
        _, token = do_create_token(None, org, user, name="bench")
        client = Client()
        client.force_login(user)
        clients[size] = (org, client, {"HTTP_AUTHORIZATION": f"Bearer {token}"})
    for label, name, query in PAGES:
        calls = {}
        for size, (org, client, auth) in clients.items():
            url = (f"/api/v1/orgs/{org.slug}/privacy/activities/" if name == "api"
                   else reverse(name, kwargs={"org": org.slug})) + query
            headers = auth if name == "api" else {}
            for _ in range(warmup):
                if client.get(url, **headers).status_code != 200:
                    raise SystemExit(f"{url} did not answer 200")
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
    lines = [SECTION, "", f"`bench/ropa.py`: the register at {small:,} and {large:,} activities (see the script's "
             "docstring for the data).", "", *machine(engine), "",
             f"| page | {small:,} activities | {large:,} activities | ratio | queries ({small:,} / {large:,}) |",
             "| --- | ---: | ---: | ---: | ---: |"]
    worst = 0.0
    for label, _, _ in PAGES:
        (t_small, q_small), (t_large, q_large) = results[small][label], results[large][label]
        worst = max(worst, t_large / t_small)
        lines.append(f"| {label} | {t_small * 1000:.1f} ms | {t_large * 1000:.1f} ms | {t_large / t_small:.2f}x | "
                     f"{q_small} / {q_large} |")
    lines += ["", f"Worst ratio {worst:.2f}x (aim: within {AIM:.0f}x).", ""]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="100,10000")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--update-docs", action="store_true", help=f"rewrite '{SECTION}' in docs/benchmarks.md")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="accord-bench-") as var_dir:
        engine = configure(var_dir)
        targets = {size: prepare(size) for size in sorted(int(s) for s in args.sizes.split(","))}
        settle()
        text = report(measure(targets, args.runs, args.warmup), engine)
    print(text)
    if args.update_docs:
        update_docs(text, SECTION)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
