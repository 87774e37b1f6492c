"""`accord demo --scale N`: organisation `scale` filled with N synthetic, varied risks through
`do_import_risks` (audited, in chunks), also used by the benchmarks."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from typing import Any

from accord.core.clock import org_today
from accord.core.demo import CONSULTANT, DemoContext
from accord.core.models import Membership, Organization
from accord.core.selectors import organization_by_slug, user_by_email
from accord.core.services import do_add_member, do_create_organization
from accord.risks import services
from accord.risks.models import Risk

SCALE_SLUG = "scale"
SCALE_CHUNK = 1000

_ASSETS = ("Payment gateway", "Customer database", "ERP", "Data warehouse", "Mail service", "Web shop",
           "Mobile app", "HR system", "Identity provider", "File servers", "Backup system", "Call centre",
           "Laboratory system", "Billing platform", "Partner API", "Office network", "Cloud tenant",
           "CI pipeline", "Document archive", "Point-of-sale terminals")
_THREATS = ("ransomware", "outage", "data leak", "insider misuse", "supplier failure", "misconfiguration",
            "unpatched vulnerability", "phishing-led compromise", "licence breach", "budget overrun",
            "loss of key staff", "regulatory finding", "fraud", "denial of service", "data corruption")
_CATEGORIES = ("strategic", "it_operations", "cyber_security", "privacy", "compliance", "third_party", "financial")
_TAGS = ("board", "gdpr", "nis2", "dora", "pci-dss", "cloud", "supplier", "fraud", "availability", "legacy")


def synthetic_rows(count: int, *, owners: tuple[str, ...] = (), today: dt.date | None = None,
                   seed: int = 2026) -> Iterator[tuple[int, dict[str, Any]]]:
    """`count` plausible, varied risks as `do_import_risks` rows (deterministic for a given seed)."""
    rng = random.Random(seed)  # noqa: S311 - demo data, not security
    today = today or dt.date.today()  # noqa: DTZ011 - callers pass the organisation's date
    for n in range(count):
        li, im = rng.randint(1, 5), rng.randint(1, 5)
        asset, threat = rng.choice(_ASSETS), rng.choice(_THREATS)
        row: dict[str, Any] = {
            "title": f"{asset}: {threat}", "category": rng.choice(_CATEGORIES),
            "description": f"A {threat} affecting the {asset.lower()} ({n + 1}).",
            "owner": rng.choice(owners) if owners and rng.random() < 0.8 else "",
            "likelihood": li, "impact": im, "residual_likelihood": rng.randint(1, li),
            "residual_impact": rng.randint(1, im), "affected_assets": [asset],
            "status": rng.choice(("identified", "assessed", "assessed", "in_treatment", "closed")),
            "tags": rng.sample(_TAGS, rng.randint(0, 2)),
            "next_review": today + dt.timedelta(days=rng.randint(-60, 300)),
        }
        if rng.random() < 0.4:
            row["treatment_plan"] = f"Reduce the {threat} exposure of the {asset.lower()}."
            row["treatment_due"] = today + dt.timedelta(days=rng.randint(-30, 180))
        if rng.random() < 0.3:
            freq = rng.choice((0.05, 0.1, 0.5, 1, 2))
            loss = rng.choice((5_000, 20_000, 100_000, 500_000))
            row.update(frequency_low=freq, frequency_high=freq * rng.choice((3, 5, 10)), loss_low=loss,
                       loss_high=loss * rng.choice((5, 10, 20)))
        yield n + 2, row


def fill(org: Organization, count: int, *, owners: tuple[str, ...] = (), log: Any = None) -> int:
    """Add `count` synthetic risks to `org` through `do_import_risks` (audited, one event each), in
    transactions of 1,000; returns how many were added."""
    rows = synthetic_rows(count, owners=owners, today=org_today(org))
    done = 0
    while done < count:
        chunk = [next(rows) for _ in range(min(SCALE_CHUNK, count - done))]
        services.do_import_risks(None, org, chunk)
        done += len(chunk)
        if log is not None:
            log(f"risks: {org.slug} {done:,} / {count:,}")
    return done


def _scale_org(ctx: DemoContext) -> Organization:
    org = organization_by_slug(SCALE_SLUG)
    if org is None:
        org = do_create_organization(None, slug=SCALE_SLUG, name="Scale test", timezone_name="Europe/Paris")
    consultant = ctx.users.get(CONSULTANT) or user_by_email(CONSULTANT)
    if consultant is not None and not Membership.objects.for_org(org).filter(user=consultant).exists():
        do_add_member(None, org, consultant, "admin", external=True)
    return org


def load_scale(ctx: DemoContext) -> None:
    """Top organisation `scale` up to `ctx.scale` risks (`accord demo --scale N`)."""
    org = _scale_org(ctx)
    missing = ctx.scale - Risk.objects.for_org(org).count()
    if missing > 0:
        fill(org, missing, owners=(CONSULTANT,), log=ctx.log)
    ctx.log(f"risks: {SCALE_SLUG} has {Risk.objects.for_org(org).count():,} risks")
