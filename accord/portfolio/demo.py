"""Demo initiatives for the three demo organisations: nine across the phases, one blocked at its approval
gate with the review open, one whose review is past its target, one approved with conditions still open,
two in delivery, one live; each with a budget, a benefit range so the financials show, and dates and a few
dependencies so the roadmap shows. An organisation that already
has initiatives is left as it is, so loading twice changes nothing. Everything goes through the services
(each write audited)."""

from __future__ import annotations

import datetime as dt

from accord.core.clock import org_today
from accord.core.demo import DemoContext
from accord.core.models import GovernanceProfile, Membership, Organization
from accord.portfolio import rules, services
from accord.portfolio.models import Initiative

#: (title, kind, what happens to it, capex, opex a year, benefit low, high), money in minor units.
PLAN = (
    ("Customer self-service portal", "digital_transformation", "blocked", 18_000_000, 2_500_000, 4_000_000,
     15_000_000),
    ("Identity provider consolidation", "security", "overdue", 6_000_000, 1_200_000, 1_500_000, 6_000_000),
    ("Data centre exit to cloud", "infrastructure", "conditions", 40_000_000, 9_000_000, 8_000_000, 30_000_000),
    ("Legacy billing modernisation", "modernisation", "live", 25_000_000, 3_000_000, 5_000_000, 14_000_000),
    ("Records retention automation", "compliance", "idea", 0, 0, 500_000, 2_000_000),
    ("Endpoint detection rollout", "security", "delivery", 3_000_000, 1_800_000, 1_000_000, 5_000_000),
    ("ERP upgrade", "modernisation", "delivery", 12_000_000, 2_000_000, 2_500_000, 9_000_000),
    ("Network segmentation", "infrastructure", "proposed", 4_500_000, 600_000, 800_000, 4_000_000),
    ("Analytics data platform", "digital_transformation", "idea", 7_000_000, 1_500_000, 2_000_000, 12_000_000),
)
#: Where each initiative sits on the roadmap: (first month, from this month; how many months it runs).
SCHEDULE = {
    "Customer self-service portal": (1, 9), "Identity provider consolidation": (0, 6),
    "Data centre exit to cloud": (-3, 15), "Legacy billing modernisation": (-14, 12),
    "Records retention automation": (6, 4), "Endpoint detection rollout": (-2, 5), "ERP upgrade": (-5, 10),
    "Network segmentation": (3, 6), "Analytics data platform": (9, 8),
}
#: (initiative, the one it needs).
NEEDS = (("Customer self-service portal", "Identity provider consolidation"),
         ("Analytics data platform", "Data centre exit to cloud"),
         ("Network segmentation", "Endpoint detection rollout"))


def _month(today: dt.date, offset: int) -> dt.date:
    """The first day of the month `offset` months from `today`'s."""
    months = today.year * 12 + today.month - 1 + offset
    return dt.date(months // 12, months % 12 + 1, 1)


def _reviewer(org: Organization) -> Membership | None:
    profile = GovernanceProfile.objects.for_org(org).get()
    return next((m for m in Membership.objects.for_org(org).select_related("user").order_by("pk")
                 if rules.may_complete_review(profile, m)), None)


def _cio(org: Organization) -> Membership | None:
    return Membership.objects.for_org(org).filter(role="cio").select_related("user").order_by("pk").first()


def load_org(org: Organization) -> None:
    if Initiative.objects.for_org(org).exists():
        return
    cio, reviewer = _cio(org), _reviewer(org)
    if cio is None or reviewer is None:
        return
    today = org_today(org)
    created = {}
    for title, kind, story, capex, opex, low, high in PLAN:
        first, months = SCHEDULE[title]
        at_risk = {"overdue": "Waiting for the security review", "delivery": "The vendor's release slipped a month"}
        reason = at_risk.get(story, "") if title != "Endpoint detection rollout" else ""
        item = created[title] = services.do_create_initiative(cio.user, org, {
            "title": title, "kind": kind, "phase": "idea" if story == "idea" else "proposed",
            "owner": cio.user.email, "sponsor": cio.user.email, "benefit_low": low, "benefit_high": high,
            "horizon_years": 5, "planned_start": _month(today, first),
            "planned_end": _month(today, first + months) - dt.timedelta(days=1),
            "health": "at_risk" if reason else "on_track", "health_reason": reason})
        if capex or opex:
            services.do_set_initiative_budget(cio.user, org, item, year=today.year, capex=capex, opex=opex)
            services.do_set_initiative_budget(cio.user, org, item, year=today.year + 1, capex=0, opex=opex)
        if story == "blocked":
            services.do_open_review(cio.user, org, item)
        elif story == "overdue":
            services.do_open_review(cio.user, org, item, opened_on=today - dt.timedelta(days=30))
        elif story in ("conditions", "live", "delivery"):
            review = services.do_open_review(cio.user, org, item, opened_on=today - dt.timedelta(days=20))
            conditions = [{"title": "Penetration test of the new platform", "owner": reviewer.user.email,
                           "due_on": today + dt.timedelta(days=45)},
                          {"title": "Backups restored in a test", "due_on": today + dt.timedelta(days=20)}]
            services.do_complete_review(
                reviewer.user, org, review, outcome="approved_with_conditions" if story == "conditions" else "approved",
                answers={"data_classification": "yes", "threat_model": "yes", "controls_named": "yes"},
                conditions=conditions if story == "conditions" else ())
            services.do_advance_initiative(cio.user, org, item, to="approved")
            services.do_advance_initiative(cio.user, org, item, to="in_delivery")
            if story == "live":
                go_live = services.do_open_review(cio.user, org, item)
                services.do_complete_review(reviewer.user, org, go_live, outcome="approved")
                services.do_advance_initiative(cio.user, org, item, to="live")
    for title, needed in NEEDS:
        services.do_update_initiative(cio.user, org, created[title], {"dependencies": [created[needed].pk]})


def load(context: DemoContext) -> None:
    from accord.portfolio import demo_costs, demo_objectives, demo_systems

    for org in context.orgs.values():
        load_org(org)
        demo_systems.load_org(org)
    context.log("portfolio: demo initiatives and systems loaded")
    demo_objectives.load(context)
    demo_costs.load(context)
