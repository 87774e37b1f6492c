"""Benchmark the Statement of Applicability: the same SoA of an ISO-like framework with 50 and 1,000 Annex A
controls.

    .venv/bin/python bench/soa.py                  # SQLite in a temporary directory; prints a Markdown report
    .venv/bin/python bench/soa.py --update-docs    # ... and rewrites its section in docs/benchmarks.md
    ACCORD_DATABASE_URL=postgres://... .venv/bin/python bench/soa.py   # the same on PostgreSQL

Each organisation imports a framework of key `iso27001-2022` (what the SoA reads) whose Annex A holds that many
controls in four themes, writes a statement on one control in three through the service (audited; one in
seven of them left out with a justification) and links one control in five to one of twelve controls of the
library (planned, in progress, implemented in turn). The pages are requested in-process (django.test.Client,
the whole middleware stack), warmed up, then timed `--runs` times in alternation; the median is reported with
the SQL queries of one request. The page shows 100 controls a page (ISO 27001's 93 fit one) and computes the
counts over all of them; its number of queries does not depend on the size (tests/compliance/test_soa.py
proves it). Aim: the 1,000-control figures within 2x of the 50-control ones.
"""

from __future__ import annotations

import argparse
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

from bench.risks import _user, configure, machine, settle, update_docs  # noqa: E402 - the path above first

SECTION = "## Statement of Applicability"
AIM = 2.0
PAGES = (("SoA page, first page (100 controls), with the counts", "soa/"),
         ("SoA page filtered by status (htmx)", "soa/?status=planned"),
         ("a control's row as a form (htmx)", "soa/A.5.1/edit/"),
         ("API list, first page (50)", "api"))
THEMES = ("A.5", "A.6", "A.7", "A.8")


def _framework(size: int) -> dict[str, Any]:
    per = max(1, size // 4)
    return {"accord_framework": 1, "key": "iso27001-2022", "name": f"ISO-like {size}", "version": f"bench-{size}",
            "groups": [{"id": "4", "title": "Context", "requirements": [{"id": "4.1", "title": "Context"}]},
                       {"id": "A", "title": "Annex A", "groups": [
                           {"id": theme, "title": f"Theme {theme}", "requirements": [
                               {"id": f"{theme}.{k}", "title": f"Control {theme}.{k}", "description": "What to do"}
                               for k in range(1, per + 1)]} for theme in THEMES]}]}


def prepare(size: int, log: Callable[[str], None]) -> tuple[Any, Any]:
    """Organisation `soa-<size>` with an SoA of `size` Annex A controls; returns (org, CISO)."""
    from accord.compliance import selectors_soa, services, services_controls, services_soa
    from accord.compliance.models import Requirement
    from accord.core.services import do_add_member, do_create_organization

    slug = f"soa-{size}"
    org = do_create_organization(None, slug=slug, name=f"SoA, {size:,} controls", timezone_name="Europe/Paris")
    ciso = _user(f"ciso@{slug}.bench.example")
    do_add_member(None, org, ciso, "ciso")
    services.do_import_framework(ciso, org, _framework(size))
    controls = [services_controls.do_create_control(ciso, org, {
        "name": f"Control {k}", "status": ("planned", "in_progress", "implemented")[k % 3]}) for k in range(12)]
    log(f"filling {slug}: {size:,} Annex A controls")
    requirements = {r.ref: r for r in Requirement.objects.for_org(org)}
    for k, row in enumerate(selectors_soa.soa(org).rows):
        if k % 3 == 0:
            excluded = k % 21 == 0
            services_soa.do_set_soa_entry(ciso, org, row.ref, {
                "applicable": not excluded, "reasons": [] if excluded else ["risk_treatment"],
                "justification": f"Reason {k}"})
        if k % 5 == 0:
            services_controls.do_link_control_requirement(ciso, org, controls[k % 12], requirements[row.ref])
    return org, ciso


def measure(targets: dict[int, tuple[Any, Any]], runs: int, warmup: int) -> dict[int, dict[str, tuple[float, int]]]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from accord.core.services.tokens import do_create_token

    clients = {}
    for size, (org, user) in targets.items():
        client = Client()
        client.force_login(user)
        _token, plaintext = do_create_token(user, org, user, name="bench")
        clients[size] = (org, client, {"HTTP_AUTHORIZATION": f"Bearer {plaintext}"})
    results: dict[int, dict[str, tuple[float, int]]] = {size: {} for size in targets}
    for label, path in PAGES:
        counts, calls = {}, {}
        for size, (org, client, auth) in clients.items():
            url = f"/api/v1/orgs/{org.slug}/soa/" if path == "api" else f"/o/{org.slug}/compliance/{path}"
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
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    lines = [SECTION, "",
             f"Measured by `bench/soa.py` ({time.strftime('%Y-%m-%d')}): median of {runs} in-process requests "
             "(django.test.Client, after warm-up) per page, signed in as the CISO (the API with a token); an "
             "ISO-like framework per size, a statement on one Annex A control in three (one in seven of them "
             "not applicable), one control in five linked to the library. Aim: the "
             f"{large:,}-control figure within {AIM:g}x of the {small:,}-control one.",
             "", *machine(engine),
             f"- load average when the report was written: {load} (a shared machine: other work ran beside it)", "",
             f"| page | {small:,} controls | {large:,} controls | ratio | SQL queries ({small:,} / {large:,}) |",
             "| --- | ---: | ---: | ---: | :-: |"]
    worst = 0.0
    for label, _path in PAGES:
        (a, qa), (b, qb) = results[small][label], results[large][label]
        worst = max(worst, b / a)
        mark = "" if b / a <= AIM else " (misses the aim)"
        lines.append(f"| {label} | {a * 1000:.1f} ms | {b * 1000:.1f} ms | {b / a:.2f}x{mark} | {qa} / {qb} |")
    lines += ["", f"Worst ratio {worst:.2f}x (aim: within {AIM:g}x). Every page reads the whole statement (the "
                  "counts and the status filter need every control's status) as plain values, then renders one page "
                  "of it. The status filter keeps more rows in the larger statement (about 3 of 50, 65 of 1,000): "
                  "its pair is not like for like."]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="50,1000", help="comma-separated numbers of Annex A controls")
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
