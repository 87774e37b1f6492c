"""Benchmark the register in money: the portfolio simulation and the pages that show it, cold and warm.

    .venv/bin/python bench/money.py                  # SQLite in a temporary directory; prints a Markdown report
    .venv/bin/python bench/money.py --update-docs    # ... and rewrites "## Money view" in docs/benchmarks.md
    .venv/bin/python bench/money.py --sizes 100 --runs 5                 # a quick smoke run

Organisations: the three demo organisations (`accord demo`), and one per size whose every risk has an
estimate (90% ranges; one in ten an Open FAIR breakdown instead; half with a treatment effect) and whose
appetite in force has money tolerance points. The cache is the file-based one `accord serve` uses.

* cold: the shared cache emptied and this process's copy dropped, so the request simulates;
* shared: only this process's copy dropped, as in a worker process that did not simulate: the result is
  read from the file cache;
* warm: the median of `--runs` requests of the same process.

Memory is the peak of NumPy's and Python's allocations during one cold simulation (tracemalloc).
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.risks import configure, machine, update_docs  # noqa: E402 - the path above first

SECTION = "## Money view"
FAIR = {"tef": {"pert": [0.5, 2, 6]}, "vulnerability": {"uniform": [0.05, 0.2]},
        "primary_loss": {"lognormal_ci90": [20_000, 600_000]}}


def _rows(count: int, seed: int = 7, *, treated: bool = True) -> tuple[list[tuple[int, dict[str, Any]]],
                                                                         dict[str, tuple[str, str]]]:
    """The import rows, and the treatment effects (risk title → frequency and loss reduction) that become one
    implemented control per treated risk (the risk's own treatment fields are retired, decision 0044)."""
    rng = random.Random(seed)
    rows = []
    treatments: dict[str, tuple[str, str]] = {}
    for n in range(count):
        freq = rng.choice((0.05, 0.1, 0.5, 1, 2))
        loss = rng.choice((5_000, 20_000, 100_000, 500_000))
        row: dict[str, Any] = {"title": f"Risk {n + 1}", "category": "cyber_security", "likelihood": 3, "impact": 3,
                               "frequency_low": freq, "frequency_high": freq * rng.choice((3, 5, 10)),
                               "loss_low": loss, "loss_high": loss * rng.choice((5, 10, 20))}
        if n % 10 == 9:
            row["fair"] = FAIR
        if treated and n % 2 == 0:
            treatments[row["title"]] = (rng.choice(("30%", "50%", "80%")), rng.choice(("", "20%")))
        rows.append((n + 2, row))
    return rows, treatments


def prepare(size: int, log: Callable[[str], None]) -> tuple[Any, Any]:
    """Organisation `money-<size>` with `size` estimated risks and a signed appetite; returns (org, CISO)."""
    from accord.core.services import do_add_member, do_create_organization
    from accord.risks import services

    org = do_create_organization(None, slug=f"money-{size}", name=f"Money, {size:,} risks")
    people = {}
    for role in ("ciso", "cio"):
        from bench.risks import _user

        people[role] = _user(f"{role}@money-{size}.bench.example")
        do_add_member(None, org, people[role], role)
    rows, treatments = _rows(size)
    for start in range(0, size, 1000):
        services.do_import_risks(None, org, rows[start:start + 1000])
    _treat(org, treatments)
    draft = services.do_draft_appetite(people["ciso"], org, statement="Benchmark appetite", category_levels={},
                                       tolerance=[[1_000_000, 0.1], [10_000_000, 0.01]])
    services.do_sign_appetite(people["cio"], org, version=draft.version)
    services.do_sign_appetite(people["ciso"], org, version=draft.version)
    log(f"{org.slug} ready")
    return org, people["ciso"]


def _treat(org: Any, treatments: dict[str, tuple[str, str]]) -> None:
    """One implemented control per treated risk, linked with the risk's treatment effect."""
    from accord.compliance.services_controls import do_create_control, do_link_control_risk
    from accord.risks.models import Risk

    for risk in Risk.objects.for_org(org).filter(title__in=treatments).order_by("number"):
        frequency, loss = treatments[risk.title]
        control = do_create_control(None, org, {"name": f"Treatment of {risk.ref}", "kind": "process",
                                                "status": "implemented"})
        do_link_control_risk(None, org, control, risk, frequency_reduction=frequency, loss_reduction=loss or None)


def demo_orgs() -> dict[str, tuple[Any, Any]]:
    from accord.core.demo import load_demo
    from accord.core.models import Membership, Organization

    load_demo(log=lambda line: None)
    out = {}
    for slug in ("nordpay", "harbour-health", "brightcart"):
        org = Organization.objects.get(slug=slug)
        # The CISO, or the hybrid CIO-CISO of Brightcart.
        lead = Membership.objects.for_org(org).select_related("user").filter(role__in=("ciso", "cio")).order_by(
            "-role").first()
        assert lead is not None  # noqa: S101 - the demo has one
        out[slug] = (org, lead.user)
    return out


def _pages(org: Any) -> list[tuple[str, str, bool]]:
    from django.urls import reverse

    from accord.risks.models import Risk

    first = Risk.objects.for_org(org).order_by("number").first()
    kw = {"org": org.slug}
    return [
        ("register page", reverse("risks:list", kwargs=kw), False),
        ("risk page", reverse("risks:detail", kwargs={**kw, "risk_id": first.pk}), False),
        ("money page", reverse("risks:portfolio", kwargs=kw), False),
        ("money curve (SVG)", reverse("risks:portfolio_lec_svg", kwargs=kw), False),
        ("API quant/portfolio", f"/api/v1/orgs/{org.slug}/quant/portfolio/", True),
    ]


def measure(label: str, org: Any, user: Any, runs: int) -> dict[str, Any]:
    from django.core.cache import cache
    from django.test import Client

    from accord.core.services import do_create_token
    from accord.risks import quantified

    scenario = quantified.portfolio_scenario(org)
    cache.clear()
    quantified.forget_local()
    start = time.perf_counter()
    freshness = quantified.simulate_here(org)  # what the worker does when the register changed
    cold = time.perf_counter() - start
    result = quantified.portfolio_result(org)
    if freshness != quantified.FRESH or result is None:
        raise SystemExit(f"{label}: the register was not simulated ({freshness})")
    cache.clear()
    quantified.forget_local()
    tracemalloc.start()
    quantified.simulate_here(org)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    _, token = do_create_token(None, org, user, name="bench")
    client = Client()
    client.force_login(user)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    pages: dict[str, tuple[float, float, float]] = {}
    for name, url, api in _pages(org):
        headers = auth if api else {}
        client.get(url, **headers)  # session, token's last use
        cache.clear()
        quantified.forget_local()
        start = time.perf_counter()
        response = client.get(url, **headers)
        page_cold = time.perf_counter() - start
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}")
        quantified.forget_local()
        start = time.perf_counter()
        client.get(url, **headers)
        shared = time.perf_counter() - start
        timings = []
        for _ in range(runs):
            start = time.perf_counter()
            client.get(url, **headers)
            timings.append(time.perf_counter() - start)
        pages[name] = (page_cold, shared, statistics.median(timings))
    return {"label": label, "risks": len(scenario["risks"]), "years": scenario["years"], "cold": cold,
            "peak": peak, "pages": pages, "ale": result["inherent"]["portfolio"]["ale"] if result else 0.0}


def report(rows: list[dict[str, Any]], engine: str, runs: int) -> str:
    lines = [
        SECTION,
        "",
        f"Measured by `bench/money.py` ({time.strftime('%Y-%m-%d')}): the portfolio simulation of "
        "`accord.risks.quantified` (every open risk with an estimate, its treatment's effect as a control, the "
        "appetite's tolerance points) and the pages that show it, in-process (django.test.Client), with the "
        "file-based cache of `accord serve`. *Cold*: empty cache, the request simulates. *Shared*: the result "
        "is read from the file cache (a worker process that did not simulate). *Warm*: median of "
        f"{runs} requests. Memory: peak allocations of one cold simulation (tracemalloc). The first simulation "
        "of the process (the first row) includes loading the engine's compiled kernels from Numba's cache. "
        "Risks given as 90% ranges have a lognormal frequency: narrow ones draw their event counts from a "
        "table, wide ones year by year (rate, then count; docs/quant.md); the treatments make half of them "
        "residual.",
        "",
        *machine(engine),
        "",
        "| organisation | risks in money | simulated years | simulation, cold | peak memory |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for row in rows:
        lines.append(f"| {row['label']} | {row['risks']:,} | {row['years']:,} | {row['cold']:.2f} s | "
                     f"{row['peak'] / 2**20:,.0f} MiB |")
    lines += ["", "Pages, cold / shared / warm:", "",
              "| organisation | " + " | ".join(rows[0]["pages"]) + " |",
              "| --- |" + " ---: |" * len(rows[0]["pages"])]
    for row in rows:
        cells = [f"{c * 1000:,.0f} / {s * 1000:,.0f} / {w * 1000:,.0f} ms" for c, s, w in row["pages"].values()]
        lines.append(f"| {row['label']} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="100,500,2000", help="comma-separated numbers of estimated risks")
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--update-docs", action="store_true", help=f"rewrite '{SECTION}' in docs/benchmarks.md")
    args = parser.parse_args(argv)
    sizes = sorted(int(s) for s in args.sizes.split(","))
    with tempfile.TemporaryDirectory(prefix="accord-bench-") as var_dir:
        import os

        os.environ["ACCORD_CACHE"] = "file"  # what `accord serve` uses: shared by its worker processes
        # A job runs where it is asked, so a cold page simulates in the request (the worst a user meets:
        # with a worker, the page answers at once with the figures pending and the worker takes `cold`).
        os.environ["ACCORD_JOBS_IMMEDIATE"] = "1"
        engine = configure(var_dir)

        def log(line: str) -> None:
            print(line, file=sys.stderr)

        targets = {f"demo: {slug}": pair for slug, pair in demo_orgs().items()}
        for size in sizes:
            targets[f"{size:,} risks"] = prepare(size, log)
        rows = []
        for label, (org, user) in targets.items():
            log(f"measuring {label}")
            rows.append(measure(label, org, user, args.runs))
        section = report(rows, engine, args.runs)
        print(section)
        if args.update_docs:
            update_docs(section, heading=SECTION)
    return 0


if __name__ == "__main__":
    sys.exit(main())
