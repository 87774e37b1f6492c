"""The demo's objectives and costs: three to five objectives per organisation served by its initiatives, and a
year of budget lines and actuals consistent with its initiatives and controls; loading twice changes nothing."""

import pytest

from accord.compliance import services_controls
from accord.core.clock import org_today
from accord.core.models import AuditEvent
from accord.portfolio import demo, demo_costs, demo_objectives, selectors_costs
from accord.portfolio.models import InitiativeBudget
from accord.portfolio.models_costs import Actual, BudgetLine
from accord.portfolio.models_objectives import InitiativeObjective, Objective

pytestmark = pytest.mark.django_db


@pytest.fixture
def loaded(org_a, cio, ciso):
    demo.load_org(org_a)
    services_controls.do_create_control(None, org_a, {"name": "MFA everywhere", "status": "implemented",
                                                      "run_cost": 900_000})
    demo_objectives.load_org(org_a)
    demo_costs.load_org(org_a, "harbour-health")
    return org_a


def test_each_organisation_gets_three_to_five_objectives_served_by_its_initiatives(loaded):
    objectives = list(Objective.objects.for_org(loaded))
    assert 3 <= len(objectives) <= 5
    assert all(o.progress is not None and 0 < o.progress < 1 for o in objectives)
    assert InitiativeObjective.objects.for_org(loaded).count() >= len(objectives)


def test_the_budget_follows_the_initiatives_and_controls_and_actuals_run_to_the_last_closed_month(loaded):
    today = org_today(loaded)
    year, months = (today.year, today.month - 1) if today.month > 1 else (today.year - 1, 12)
    view = selectors_costs.cost_view(loaded, year)
    for budget in InitiativeBudget.objects.for_org(loaded).filter(year=year):
        paid = sum(line.amount for line in BudgetLine.objects.for_org(loaded).filter(initiative=budget.initiative))
        assert paid == budget.capex + budget.opex
    control_line = BudgetLine.objects.for_org(loaded).get(control__name="MFA everywhere")
    assert (control_line.category, control_line.amount) == ("security", 900_000)
    assert view.months == months
    assert {r.key for r in view.by_category if r.figures.budget} == {"run", "change", "security"}
    assert 0 < view.security_share < 0.5
    if months:
        assert Actual.objects.for_org(loaded).dates("month", "month").count() == months
        assert view.top_variances and view.top_variances[0].figures.variance != 0


def test_loading_the_demo_costs_twice_changes_nothing(loaded):
    events = AuditEvent.objects.for_org(loaded).count()
    assert demo_costs.load_org(loaded, "harbour-health") == (0, 0)
    assert demo_objectives.load_org(loaded) == 0
    assert AuditEvent.objects.for_org(loaded).count() == events
