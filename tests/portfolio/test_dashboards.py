"""The portfolio's dashboard panels: the CIO's (objectives' progress, initiatives by phase and health, budget
against actual, reviews waiting and on whom) and the review queue of whoever completes reviews (assigned, due,
overdue, with the review clock); each shown to the roles the permission table names."""

from __future__ import annotations

import datetime as dt

import pytest

from accord.core.clock import org_today
from accord.portfolio import rules, selectors_dashboards, services, services_costs, services_objectives
from tests.conftest import signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def portfolio(org_a, cio, ciso):
    today = org_today(org_a)
    late = services.do_create_initiative(cio.user, org_a, {"title": "Late review", "kind": "security",
                                                           "phase": "proposed", "health": "at_risk"})
    services.do_open_review(cio.user, org_a, late, opened_on=today - dt.timedelta(days=40))
    fresh = services.do_create_initiative(cio.user, org_a, {"title": "Fresh review", "kind": "infrastructure",
                                                            "phase": "proposed"})
    services.do_open_review(cio.user, org_a, fresh)
    services.do_create_initiative(cio.user, org_a, {"title": "An idea", "kind": "other"})
    objective = services_objectives.do_create_objective(cio.user, org_a, {
        "title": "Faster care", "horizon_start": today, "horizon_end": today + dt.timedelta(days=365)},
        key_results=[{"metric": "Wait", "baseline": "10", "target": "20", "current": "15"}])
    services_costs.do_create_budget_line(cio.user, org_a, {"year": today.year, "title": "SOC", "category": "security",
                                                           "amount": 250_000})
    services_costs.do_create_budget_line(cio.user, org_a, {"year": today.year, "title": "Hosting", "category": "run",
                                                           "amount": 750_000})
    return {"late": late, "fresh": fresh, "objective": objective}


def test_the_cio_panel_reads_progress_phases_budget_and_who_reviews(org_a, ciso, portfolio):
    panel = selectors_dashboards.cio_panel(org_a)
    assert [(o.ref, o.progress) for o in panel["objectives"]] == [("O-01", 0.5)]
    phases = {row.phase: row.by_health for row in panel["phases"]}
    assert phases["proposed"] == {"on_track": 1, "at_risk": 1, "off_track": 0}
    assert phases["idea"]["on_track"] == 1 and "live" not in phases
    assert panel["costs"].total.budget == 1_000_000 and panel["costs"].security_share == 0.25
    queue = panel["reviews"]
    assert (queue.open, queue.overdue) == (2, 1)
    assert [(load.reviewer, load.waiting, load.overdue) for load in queue.by_reviewer] == [(ciso.membership, 2, 1)]


def test_the_review_queue_uses_the_review_clock_most_urgent_first(org_a, portfolio):
    queue = selectors_dashboards.review_queue(org_a, soon=20)
    assert [d.review.initiative.title for d in queue.urgent] == ["Late review", "Fresh review"]
    late = queue.urgent[0]
    assert late.clock == rules.review_clock(late.review.due_on, org_today(org_a)) and late.clock.overdue
    assert queue.due_soon == 1  # the fresh one, due in 10 working days


def test_the_cio_sees_the_portfolio_panel_and_the_ciso_the_review_queue(org_a, cio, ciso, contributor, portfolio):
    page = signed_in(cio).get(f"/o/{org_a.slug}/").content.decode()
    assert "Initiatives by phase and health" in page and "Faster care" in page
    assert "Budget against actual" in page and "Security reviews waiting" in page
    ciso_page = signed_in(ciso).get(f"/o/{org_a.slug}/").content.decode()
    assert "Security review queue" in ciso_page and "Initiatives by phase and health" not in ciso_page
    assert "1 overdue" in ciso_page and "Late review" in ciso_page
    other = signed_in(contributor).get(f"/o/{org_a.slug}/").content.decode()
    assert "Security review queue" not in other and "Initiatives by phase and health" not in other
