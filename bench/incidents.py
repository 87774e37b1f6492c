"""Benchmark the incidents list and metrics at 100 and at 10,000 incidents (with 20 timeline entries each).

    .venv/bin/python bench/incidents.py                  # SQLite in a temporary directory; prints a Markdown report
    .venv/bin/python bench/incidents.py --update-docs    # ... and rewrites "## Incidents" in docs/benchmarks.md
    .venv/bin/python bench/incidents.py --sizes 100,1000 --runs 5   # a quick smoke run

Each organisation gets `size` incidents of every kind and severity over the last two years (a third closed with
every phase stamped, every other one with a breach), 20 timeline entries each (200,000 for 10,000 incidents) and
two tasks each, bulk-inserted (what is measured is reading them; the services' writes are tested elsewhere). The
list page, the API list and the metrics page and API are requested in-process with django.test.Client, warmed up,
then timed `--runs` times, the sizes in alternation; the median is reported with the SQL queries of one request.
The aims: 10,000 incidents within 2x of 100 for the lists, and the same number of queries for every page.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import privacy  # noqa: E402 - after the path is set
from bench.risks import configure, settle, update_docs  # noqa: E402

SECTION = "## Incidents"
AIM = 2.0
KINDS = ("ransomware", "data_leak", "phishing", "outage", "third_party", "lost_device", "other")
SEVERITIES = ("low", "medium", "high", "critical")
PHASES = ("analysed_at", "contained_at", "eradicated_at", "recovered_at", "closed_at")


def prepare(size: int, log: Callable[[str], None]) -> tuple[Any, Any]:
    """Organisation `incbench-<size>` with `size` incidents (reused when filled); (org, CISO)."""
    from django.utils import timezone

    from accord.core.models import Membership, Organization
    from accord.core.selectors import user_by_email
    from accord.core.services import do_add_member, do_create_organization, do_create_user
    from accord.incidents.models import Incident, IncidentTask, TimelineEntry
    from accord.privacy import rules_deadlines
    from accord.privacy.models_breaches import Breach

    slug = f"incbench-{size}"
    org = Organization.objects.filter(slug=slug).first() or do_create_organization(
        None, slug=slug, name=f"Benchmark, {size:,} incidents", timezone_name="Europe/Paris", country="FR")
    if org.nis2 != "essential":
        org.nis2 = "essential"
        org.save(update_fields=["nis2"])
    email = f"ciso@{slug}.bench.example"
    user = user_by_email(email) or do_create_user(email, full_name="Bench CISO")
    member = Membership.objects.for_org(org).filter(user=user).first() or do_add_member(None, org, user, "ciso")
    if Incident.objects.for_org(org).exists():
        return org, user
    log(f"filling {slug}: {size:,} incidents, {20 * size:,} timeline entries")
    now = timezone.now()
    breaches = [Breach(organization=org, number=k + 1, title=f"Breach {k}", became_aware_at=now - dt.timedelta(hours=k),
                       notify_authority_by=rules_deadlines.notify_authority_by(now - dt.timedelta(hours=k)))
                for k in range(0, size, 2)]
    Breach.objects.for_org(org).bulk_create(breaches, batch_size=1000)
    by_number = {b.number: b for b in Breach.objects.for_org(org)}
    rows = []
    for k in range(size):
        aware = now - dt.timedelta(hours=(k * 17) % (2 * 365 * 24))
        stamps = {name: aware + dt.timedelta(hours=6 * (n + 1)) for n, name in enumerate(PHASES)} if k % 3 == 0 else {}
        rows.append(Incident(organization=org, number=k + 1, title=f"Incident {k}", kind=KINDS[k % len(KINDS)],
                             severity=SEVERITIES[k % 4], impact=1 + k % 4, urgency=1 + k % 4,
                             status="closed" if stamps else "detected", personal_data="yes" if k % 2 == 0 else "no",
                             became_aware_at=aware, detected_at=aware - dt.timedelta(hours=1),
                             occurred_at=aware - dt.timedelta(hours=5), commander=member,
                             breach=by_number.get(k // 2 + 1) if k % 2 == 0 else None, **stamps))
    Incident.objects.for_org(org).bulk_create(rows, batch_size=1000)
    incidents = list(Incident.objects.for_org(org).only("pk", "became_aware_at"))
    entries = [TimelineEntry(organization=org, incident=i, happened_at=i.became_aware_at + dt.timedelta(minutes=n),
                             kind="observation", text=f"Entry {n}") for i in incidents for n in range(20)]
    TimelineEntry.objects.for_org(org).bulk_create(entries, batch_size=5000)
    IncidentTask.objects.for_org(org).bulk_create(
        [IncidentTask(organization=org, incident=i, title=f"Task {n}", owner=member, position=n)
         for i in incidents for n in range(2)], batch_size=5000)
    return org, user


PAGES = (
    ("incidents page (first 25)", "incidents:list", ""),
    ("incidents page, critical", "incidents:list", "?severity=critical"),
    ("incidents API (limit=50)", "/incidents/", "?limit=50"),
    ("metrics page", "incidents:metrics", ""),
    ("metrics API", "/incident-metrics/", ""),
)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="100,10000", help="comma-separated numbers of incidents")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--update-docs", action="store_true", help=f"rewrite '{SECTION}' in docs/benchmarks.md")
    args = parser.parse_args(argv)

    def log(line: str) -> None:
        print(line, file=sys.stderr)

    # The privacy benchmark's measure and report, given this one's pages and section.
    privacy.PAGES, privacy.SECTION, privacy.AIM = PAGES, SECTION, AIM
    with tempfile.TemporaryDirectory(prefix="accord-bench-") as var_dir:
        engine = configure(var_dir)
        targets = {size: prepare(size, log) for size in sorted(int(s) for s in args.sizes.split(","))}
        settle()
        results = privacy.measure(targets, args.runs, args.warmup)
        text = privacy.report(results, engine).replace(
            "`bench/privacy.py`: the requests and breaches lists at", "`bench/incidents.py`: the incidents list and "
            "metrics at").replace("rows of each (see", "incidents, 20 timeline entries each (see").replace(
            "| page |", "| page |")
    print(text)
    if args.update_docs:
        update_docs(text, SECTION)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
