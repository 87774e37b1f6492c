"""The roadmap: initiatives by objective on a quarterly timeline, each gate's state from the phase rule and
the reviews, dependencies between the initiatives shown; the page draws it and the table repeats it."""

from __future__ import annotations

import datetime as dt

import pytest

from accord.portfolio import rules, services, services_objectives
from accord.portfolio.models import SecurityReview
from accord.portfolio.selectors import InitiativeFilter
from accord.portfolio.selectors_roadmap import dates, roadmap
from tests.conftest import signed_in

pytestmark = pytest.mark.django_db
D = dt.date
F = rules.ReviewFacts


@pytest.mark.parametrize(("gate", "phase", "gated", "reviews", "clock", "state"), [
    ("approval", "proposed", True, [], None, "waiting"),
    ("approval", "idea", True, [], None, "waiting"),
    ("approval", "approved", True, [], None, "passed"),
    ("go_live", "in_delivery", True, [], None, "waiting"),
    ("go_live", "live", True, [], None, "passed"),
    ("approval", "proposed", True, [], rules.Clock(D(2026, 1, 9), -3, overdue=True), "overdue"),
    ("approval", "proposed", True, [], rules.Clock(D(2026, 1, 9), 4, overdue=False), "open"),
    ("approval", "proposed", True, [F("approval", True, "approved_with_conditions")], None, "cleared"),
    # The latest review counts: rejected after an earlier approval of the other gate.
    ("approval", "proposed", True, [F("approval", True, "rejected"), F("approval", True, "approved")], None,
     "rejected"),
    ("approval", "proposed", False, [], None, None),
    ("approval", "cancelled", True, [], None, None),
])
def test_a_gates_state_on_the_roadmap(gate, phase, gated, reviews, clock, state):
    assert rules.gate_state(gate, phase, gated=gated, reviews=reviews, open_clock=clock) == state


@pytest.fixture
def plan(org_a, cio):
    def initiative(title, **extra):
        return services.do_create_initiative(cio.user, org_a, {"title": title, "kind": "digital_transformation",
                                                                "phase": "proposed", **extra})

    erp = initiative("ERP", planned_start="2027-01-10", planned_end="2027-06-30", health="at_risk")
    shop = initiative("Web shop", planned_start="2027-07-01", planned_end="2027-12-31", dependencies=[erp.pk])
    backups = initiative("Backups", kind="security", planned_start="2027-02-01", planned_end="2027-03-31")
    undated = initiative("Someday")
    objective = services_objectives.do_create_objective(cio.user, org_a, {
        "title": "Sell online", "horizon_start": "2027-01-01", "horizon_end": "2027-12-31"},
        key_results=[{"metric": "Online share", "baseline": "5", "target": "20"}])
    resilience = services_objectives.do_create_objective(cio.user, org_a, {
        "title": "Stay up", "horizon_start": "2027-01-01", "horizon_end": "2027-12-31"},
        key_results=[{"metric": "Uptime", "baseline": "99", "target": "99.9"}])
    for target, weight in ((shop, 2), (erp, 5)):
        services_objectives.do_set_contribution(cio.user, org_a, objective, target, weight=weight)
    services_objectives.do_set_contribution(cio.user, org_a, resilience, erp, weight=1)
    return {"erp": erp, "shop": shop, "backups": backups, "undated": undated, "objective": objective,
            "resilience": resilience}


def test_the_roadmap_groups_by_objective_and_lists_what_it_cannot_place(org_a, plan):
    found = roadmap(org_a)
    assert [(s.objective.title if s.objective else None, [r.initiative.title for r in s.rows])
            for s in found.sections] == [("Sell online", ["ERP", "Web shop"]), ("Stay up", ["ERP"]),
                                         (None, ["Backups"])]
    assert [i.title for i in found.unscheduled] == ["Someday"]
    assert [(a.title, b.title) for a, b in found.links] == [("ERP", "Web shop")]
    erp_rows = [r for s in found.sections for r in s.rows if r.initiative.title == "ERP"]
    assert [r.first for r in erp_rows] == [True, False]  # arrows start from its first row only
    assert found.count == 4


def test_each_row_carries_its_gates_with_their_state(org_a, cio, plan):
    review = services.do_open_review(cio.user, org_a, plan["shop"])
    SecurityReview.objects.for_org(org_a).filter(pk=review.pk).update(due_on=D(2020, 1, 2))  # long overdue
    rows = {r.initiative.title: r for s in roadmap(org_a).sections for r in s.rows}
    shop = rows["Web shop"]
    assert [(g.gate, g.day, g.state) for g in shop.gates] == [("approval", D(2027, 7, 1), "overdue"),
                                                              ("go_live", D(2027, 12, 31), "waiting")]
    assert shop.gates[0].words == "Approval gate: review overdue (due 2020-01-02)"
    assert rows["ERP"].gates[0].state == "waiting"
    services.do_change_portfolio_settings(None, org_a, gated_kinds=["digital_transformation"])
    backups = next(r for s in roadmap(org_a).sections for r in s.rows if r.initiative.title == "Backups")
    assert backups.gates == ()  # its kind is no longer gated


def test_a_bar_runs_from_the_actual_dates_else_the_planned_ones(org_a, plan):
    erp = plan["erp"]
    assert dates(erp) == (D(2027, 1, 10), D(2027, 6, 30))
    erp.actual_start = D(2027, 2, 1)
    assert dates(erp) == (D(2027, 2, 1), D(2027, 6, 30))
    erp.planned_end = erp.actual_end = None
    assert dates(erp) == (D(2027, 2, 1), None)  # one day
    erp.actual_start = erp.planned_start = None
    erp.planned_end = D(2027, 5, 1)
    assert dates(erp) == (D(2027, 5, 1), None)


def test_the_filters_narrow_the_roadmap_and_its_links(org_a, plan):
    found = roadmap(org_a, InitiativeFilter(health="at_risk"))
    assert {r.initiative.title for s in found.sections for r in s.rows} == {"ERP"}
    assert found.links == []  # the web shop is not shown, nor its arrow


def test_the_page_draws_the_chart_and_the_table(org_a, cio, plan):
    page = signed_in(cio).get("/o/org-a/initiatives/roadmap/").content.decode()
    assert 'class="timeline"' in page and "timeline-link" in page
    assert page.count('class="timeline-section"') == 3
    assert "Q1 2027" in page and "Approval gate: no review yet" in page
    assert "I-004" in page and "Not scheduled" in page
    filtered = signed_in(cio).get("/o/org-a/initiatives/roadmap/?kind=security", HTTP_HX_REQUEST="true")
    body = filtered.content.decode()
    assert "Backups" in body and "Web shop" not in body and "<html" not in body


def test_the_page_speaks_french(org_a, cio, plan):
    cio.user.language = "fr"
    cio.user.save(update_fields=["language"])
    page = signed_in(cio).get("/o/org-a/initiatives/roadmap/").content.decode()
    assert "T1 2027" in page and "Feuille de route" in page and "Jalon « Approbation » : aucune revue" in page


def test_the_roadmap_comes_a_page_of_initiatives_at_a_time_in_objective_order(org_a, plan):
    first = roadmap(org_a, per_page=2)
    assert [(s.objective.title if s.objective else None, [r.initiative.title for r in s.rows])
            for s in first.sections] == [("Sell online", ["ERP", "Web shop"]), ("Stay up", ["ERP"])]
    second = roadmap(org_a, per_page=2, page=2)
    assert [[r.initiative.title for r in s.rows] for s in second.sections] == [["Backups"]]
    assert [i.title for i in second.unscheduled] == ["Someday"]
    assert first.count == second.count == 4 and second.links == []
