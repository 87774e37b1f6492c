"""A budget line pays for a system: one link at most, the system of the line's organisation, and the cost view's
cost per system beside the system's own yearly cost; the API filters by system."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from accord.compliance import services_controls
from accord.portfolio import selectors_costs, services_costs, services_systems
from accord.portfolio.models_costs import BudgetLine

pytestmark = pytest.mark.django_db

YEAR = 2025


def system(org, name, **extra):
    return services_systems.do_create_system(None, org, {"name": name, **extra})


def line(org, **extra):
    return services_costs.do_create_budget_line(None, org, {"year": YEAR, "title": "Run it", "category": "run",
                                                            "amount": 120_000, **extra})


def test_a_line_pays_for_a_system_of_its_own_organisation_and_for_nothing_else_besides(org_a, org_b):
    erp = system(org_a, "ERP", licence_cost=100_000, hosting_cost=20_000)
    theirs = system(org_b, "B's ERP")
    control = services_controls.do_create_control(None, org_a, {"name": "Backups"})
    paid = line(org_a, system=erp.pk)
    assert paid.system == erp
    with pytest.raises(ValidationError, match="has the id") as caught:
        line(org_a, system=theirs.pk)
    assert "system" in caught.value.message_dict
    with pytest.raises(ValidationError, match="not control and system"):
        line(org_a, system=erp.pk, control=control.pk)
    with pytest.raises(ValidationError, match="not control and system"):
        services_costs.do_update_budget_line(None, org_a, paid, {"control": control.pk})
    assert BudgetLine.objects.for_org(org_a).count() == 1


def test_the_cost_view_gives_the_cost_per_system_beside_its_own_yearly_cost(org_a):
    erp = system(org_a, "ERP", licence_cost=100_000, hosting_cost=20_000, people_cost=30_000)
    line(org_a, system=erp.pk)
    line(org_a, title="ERP hosting", system=erp.pk, amount=30_000)
    line(org_a, title="Service desk")
    services_costs.do_import_actuals(None, org_a, [(2, {"line": "BL-001", "month": f"{YEAR}-04", "amount": 160_000})])
    view = selectors_costs.cost_view(org_a, YEAR)
    assert [(r.obj, r.figures.budget, r.figures.actual, r.reference) for r in view.per_system] == [
        (erp, 150_000, 160_000, 150_000)]


def test_the_api_filters_lines_by_system(client, org_a, cio):
    erp = system(org_a, "ERP")
    line(org_a, system=erp.pk)
    line(org_a, title="Other")
    answer = client.get(f"/api/v1/orgs/{org_a.slug}/budget-lines/?system={erp.pk}", **cio.auth()).json()
    assert [(x["ref"], x["system"], x["system_ref"]) for x in answer["items"]] == [("BL-001", erp.pk, erp.ref)]


def test_a_system_a_budget_line_pays_for_is_not_deleted_and_the_refusal_names_the_line(client, org_a, cio):
    from accord.core.conflict import Conflict
    from accord.portfolio.models_systems import System

    erp = system(org_a, "ERP")
    paid = line(org_a, system=erp.pk)
    with pytest.raises(Conflict, match=paid.ref):
        services_systems.do_delete_system(None, org_a, erp)
    answer = client.delete(f"/api/v1/orgs/{org_a.slug}/systems/{erp.pk}/", **cio.auth())
    assert answer.status_code == 409 and paid.ref in answer.content.decode()
    assert System.objects.for_org(org_a).filter(pk=erp.pk).exists()
    services_costs.do_update_budget_line(None, org_a, paid, {"system": None})
    services_systems.do_delete_system(None, org_a, erp)
    assert not System.objects.for_org(org_a).filter(pk=erp.pk).exists()
    assert BudgetLine.objects.for_org(org_a).get(pk=paid.pk).system is None
