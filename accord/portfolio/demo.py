"""Demo initiatives for the three demo organisations: a few across the phases, one blocked at its approval
gate with the review open, one whose review is past its target, one approved with conditions still open,
and one live; each with a budget and a benefit range so the financials show. An organisation that already
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
)


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
    for title, kind, story, capex, opex, low, high in PLAN:
        item = services.do_create_initiative(cio.user, org, {
            "title": title, "kind": kind, "phase": "idea" if story == "idea" else "proposed",
            "owner": cio.user.email, "sponsor": cio.user.email, "benefit_low": low, "benefit_high": high,
            "horizon_years": 5, "planned_start": today.replace(day=1),
            "health": "at_risk" if story == "overdue" else "on_track",
            "health_reason": "Waiting for the security review" if story == "overdue" else ""})
        if capex or opex:
            services.do_set_initiative_budget(cio.user, org, item, year=today.year, capex=capex, opex=opex)
            services.do_set_initiative_budget(cio.user, org, item, year=today.year + 1, capex=0, opex=opex)
        if story == "blocked":
            services.do_open_review(cio.user, org, item)
        elif story == "overdue":
            services.do_open_review(cio.user, org, item, opened_on=today - dt.timedelta(days=30))
        elif story in ("conditions", "live"):
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


def load(context: DemoContext) -> None:
    for org in context.orgs.values():
        load_org(org)
    context.log("portfolio: demo initiatives loaded")
