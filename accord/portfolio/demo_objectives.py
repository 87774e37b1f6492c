"""Demo business objectives: four per demo organisation, each with key results part of the way to their
targets (one decreasing) and the demo initiatives that serve them, weighted. An organisation that has
objectives is left as it is, so loading twice changes nothing. Everything goes through the services."""

from __future__ import annotations

import datetime as dt

from accord.core.clock import org_today
from accord.core.demo import DemoContext
from accord.core.models import Membership, Organization
from accord.portfolio import services_objectives
from accord.portfolio.models import Initiative
from accord.portfolio.models_objectives import Objective

#: (title, owner's role, key results (metric, unit, baseline, target, current), contributors (title, weight)).
OBJECTIVES = (
    ("Customers serve themselves online", "cio",
     (("Requests handled online", "%", "20", "60", "34"), ("Customer satisfaction (NPS)", "", "12", "30", "17")),
     (("Customer self-service portal", 3), ("Analytics data platform", 1))),
    ("Run IT for less", "cio",
     (("Data centre cost a year", "k EUR", "4800", "2400", "4150"),
      ("Applications past end of support", "", "14", "3", "9")),
     (("Data centre exit to cloud", 3), ("Legacy billing modernisation", 2), ("ERP upgrade", 2))),
    ("Bring cyber risk within appetite", "ciso",
     (("Open risks beyond the risk appetite", "", "6", "0", "3"),
      ("Endpoints with detection and response", "%", "40", "100", "72")),
     (("Identity provider consolidation", 3), ("Endpoint detection rollout", 3), ("Network segmentation", 2))),
    ("Meet regulatory obligations on time", "cio",
     (("Records kept past their retention", "", "12000", "0", "9100"),),
     (("Records retention automation", 3), ("Identity provider consolidation", 1))),
)


def _member(org: Organization, role: str) -> Membership | None:
    found = Membership.objects.for_org(org).filter(role=role).select_related("user").order_by("pk").first()
    if found is None and role != "cio":
        return _member(org, "cio")
    return found


def load_org(org: Organization) -> int:
    """Add the demo objectives to `org` unless it has objectives; how many were added."""
    if Objective.objects.for_org(org).exists():
        return 0
    today = org_today(org)
    start, end = dt.date(today.year, 1, 1), dt.date(today.year + 1, 12, 31)
    initiatives = {i.title: i for i in Initiative.objects.for_org(org)}
    made = 0
    for title, role, results, contributors in OBJECTIVES:
        owner = _member(org, role)
        objective = services_objectives.do_create_objective(None, org, {
            "title": title, "owner": owner.user.email if owner else None, "horizon_start": start,
            "horizon_end": end}, key_results=[
                {"metric": metric, "unit": unit, "baseline": baseline, "target": target, "current": current,
                 "due_on": end} for metric, unit, baseline, target, current in results])
        for name, weight in contributors:
            if name in initiatives:
                services_objectives.do_set_contribution(None, org, objective, initiatives[name], weight=weight)
        made += 1
    return made


def load(context: DemoContext) -> None:
    for slug, org in context.orgs.items():
        made = load_org(org)
        if made:
            context.log(f"{slug}: {made} demo objectives")
