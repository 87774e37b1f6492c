"""Benchmark the controls' cost-effectiveness table: each control's money risk reduced a year, for 200 controls
on 500 estimated risks, cold, as a worker meets it and as the page shows it.

    .venv/bin/python bench/controls.py                  # SQLite in a temporary directory; prints a Markdown report
    .venv/bin/python bench/controls.py --update-docs    # ... and rewrites "## Controls' cost-effectiveness"
    .venv/bin/python bench/controls.py --risks 100 --controls 40 --runs 3   # a quick smoke run

The organisation has `--risks` risks with a 90% range estimate (one in ten an Open FAIR breakdown) and
`--controls` controls: three in four implemented, the rest planned, each linked to one to five risks with an
effect. The table is computed in the background (decision 0027: a request never simulates; the page says
"Computing" and polls), so what a user waits for is one worker's run of `accord.compliance.effects.evaluate`:

* whole process, cold: a new Python process (`ACCORD_JOBS_IMMEDIATE=1`, so the job runs where it is asked)
  that loads Django and the engine, reads the register and the controls, and simulates, with the shared
  cache emptied first: the start of a worker plus its run;
* in a warm process, cold cache: the same computation in a process that has loaded everything already
  (a running worker), the shared cache emptied;
* the page: `compliance/controls/cost-effectiveness/` once the figures are stored, first request of a
  process (read from the shared file cache) and the median of `--runs` warm requests.

Aim (issue 12): the table for 200 controls on 500 estimated risks within 2 s cold.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.money import _rows  # noqa: E402 - the path above first
from bench.risks import _user, configure, machine, settle, update_docs  # noqa: E402

SECTION = "## Controls' cost-effectiveness"
AIM_SECONDS = 2.0
SLUG = "controls-bench"

#: What the child process runs: Django, the organisation, the worker's computation of the table.
CHILD = """
import json, sys, time
started = time.perf_counter()
sys.path.insert(0, {root!r})
import django
django.setup()
loaded = time.perf_counter()
from accord.core.models import Organization
from accord.risks import quantified
org = Organization.objects.get(slug={slug!r})
effects, freshness = quantified.control_effects(org)
done = time.perf_counter()
print(json.dumps({{"django": loaded - started, "table": done - loaded, "freshness": freshness,
                  "controls": len(effects["controls"]) if effects else 0,
                  "excluded": len(effects["excluded"]) if effects else 0}}))
"""


def prepare(risks: int, controls: int, log: Callable[[str], None]) -> tuple[Any, Any]:
    """The organisation with `risks` estimated risks and `controls` linked controls; returns (org, CISO)."""
    from accord.compliance import services_controls
    from accord.core.services import do_add_member, do_create_organization
    from accord.risks import services
    from accord.risks.models import Risk

    rng = random.Random(11)
    org = do_create_organization(None, slug=SLUG, name=f"Controls, {controls} on {risks:,} risks")
    ciso = _user(f"ciso@{SLUG}.bench.example")
    do_add_member(None, org, ciso, "ciso")
    rows, _treatments = _rows(risks, seed=11, treated=False)
    for start in range(0, risks, 1000):
        services.do_import_risks(None, org, rows[start:start + 1000])
    register = list(Risk.objects.for_org(org).order_by("number"))
    for n in range(controls):
        status = "planned" if n % 4 == 3 else "implemented"
        control = services_controls.do_create_control(None, org, {
            "name": f"Control {n + 1}", "kind": rng.choice(("policy", "process", "technical", "physical")),
            "status": status, "build_cost": rng.choice((0, 500_000, 2_000_000)),
            "run_cost": rng.choice((100_000, 400_000, 1_500_000))})
        for risk in rng.sample(register, rng.randint(1, 5)):
            services_controls.do_link_control_risk(None, org, control, risk,
                                                   frequency_reduction=rng.choice(("0.1", "0.3", "0.5")),
                                                   loss_reduction=rng.choice(("0", "0.2")))
        if n % 50 == 49:
            log(f"{n + 1} controls")
    settle()
    return org, ciso


def _child(runs: int) -> list[dict[str, Any]]:
    """`runs` whole cold processes, each after the shared cache is emptied; their wall times and parts."""
    from django.core.cache import cache

    out = []
    for _ in range(runs):
        cache.clear()
        start = time.perf_counter()
        done = subprocess.run([sys.executable, "-c", CHILD.format(root=str(ROOT), slug=SLUG)],  # noqa: S603
                              check=True, capture_output=True, text=True)
        wall = time.perf_counter() - start
        parts = json.loads(done.stdout.strip().splitlines()[-1])
        if parts["freshness"] != "fresh" or not parts["controls"]:
            raise SystemExit(f"the child did not compute the table: {parts}")
        out.append({"wall": wall, **parts})
    return out


def _warm_process(org: Any, runs: int) -> list[float]:
    """The table computed `runs` times by this (warm) process, the shared cache emptied each time."""
    from django.core.cache import cache

    from accord.risks import quantified

    timings = []
    for _ in range(runs):
        cache.clear()
        quantified.forget_local()
        start = time.perf_counter()
        effects, freshness = quantified.control_effects(org)
        timings.append(time.perf_counter() - start)
        if freshness != quantified.FRESH or effects is None:
            raise SystemExit("the warm process did not compute the table in immediate mode")
    return timings


def _page(org: Any, user: Any, runs: int) -> tuple[float, float, int]:
    """(first request of this process, warm median, rows) of the cost-effectiveness page, figures stored."""
    from django.test import Client
    from django.urls import reverse

    from accord.risks import quantified

    client = Client()
    client.force_login(user)
    url = reverse("compliance:cost_effectiveness", kwargs={"org": org.slug})
    quantified.forget_local()
    start = time.perf_counter()
    response = client.get(url)
    first = time.perf_counter() - start
    body = response.content.decode()
    if response.status_code != 200 or "Computing" in body:
        raise SystemExit(f"the page answered {response.status_code} without its figures")
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        client.get(url)
        timings.append(time.perf_counter() - start)
    return first, statistics.median(timings), body.count("<tr") - 1


def report(figures: dict[str, Any], engine: str) -> str:
    whole = figures["whole"]
    best = min(r["wall"] for r in whole)
    median = statistics.median(r["wall"] for r in whole)
    table = statistics.median(r["table"] for r in whole)
    django_part = statistics.median(r["django"] for r in whole)
    warm = figures["warm"]
    first, page_warm, rows = figures["page"]
    verdict = "within" if median <= AIM_SECONDS else "over"
    return "\n".join([
        SECTION,
        "",
        f"Measured by `bench/controls.py` ({time.strftime('%Y-%m-%d')}): {figures['controls']} controls "
        f"(three in four implemented, the rest planned, each linked to one to five risks) on {figures['risks']:,} "
        f"estimated risks, {whole[0]['controls']} rows in the table, {figures['years']:,} simulated years. "
        "Each control's risk reduced is the difference of two evaluations of one prepared simulation (common "
        "random numbers, accord.compliance.effects). A request never simulates: the page says \"Computing\" "
        "and polls while a worker runs the table, so the figure a user waits for is that run.",
        "",
        *machine(engine),
        f"- Load average when the report was written: {os.getloadavg()[0]:.1f} (1 min)",
        "",
        "| what | best | median |",
        "| --- | ---: | ---: |",
        f"| whole cold process (start, Django, register, simulation), {len(whole)} runs | {best:.2f} s | "
        f"{median:.2f} s |",
        f"| ... of which loading Django and the app | | {django_part:.2f} s |",
        f"| ... of which reading the register and computing the table | | {table:.2f} s |",
        f"| the table in a running worker, shared cache emptied, {len(warm)} runs | {min(warm):.2f} s | "
        f"{statistics.median(warm):.2f} s |",
        f"| the page, first request of a process (figures in the shared cache) | | {first * 1000:,.0f} ms |",
        f"| the page, warm median | | {page_warm * 1000:,.0f} ms |",
        "",
        f"The whole cold process is {verdict} the aim of {AIM_SECONDS:g} s (median {median:.2f} s); the page "
        f"lists {rows} controls.",
    ]) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--risks", type=int, default=500)
    parser.add_argument("--controls", type=int, default=200)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--update-docs", action="store_true", help=f"rewrite '{SECTION}' in docs/benchmarks.md")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="accord-bench-") as var_dir:
        os.environ["ACCORD_CACHE"] = "file"  # what `accord serve` uses: shared by its processes
        os.environ["ACCORD_JOBS_IMMEDIATE"] = "1"  # a job runs where it is asked: this process is the worker

        def log(line: str) -> None:
            print(line, file=sys.stderr)

        engine = configure(var_dir)
        org, ciso = prepare(args.risks, args.controls, log)
        from accord.risks import quantified

        log("whole cold processes")
        whole = _child(args.runs)
        log("warm process")
        warm = _warm_process(org, args.runs)
        log("page")
        page = _page(org, ciso, args.runs)
        figures = {"risks": args.risks, "controls": args.controls, "years": quantified.portfolio_scenario(org)["years"],
                   "whole": whole, "warm": warm, "page": page}
        section = report(figures, engine)
        print(section)
        if args.update_docs:
            update_docs(section, heading=SECTION)
    return 0


if __name__ == "__main__":
    sys.exit(main())
