"""The IT costs' routes for the generic suites (see tests/routes.py), added to the portfolio's by routes.py."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accord.compliance import services_controls
from accord.core.models import Organization
from accord.portfolio import services, services_costs
from tests.factories import Persona
from tests.routes import Route, Seed

API = "/api/v1/orgs/{org}"
# This year: the cost view shows it by default, so the lists the suites read carry the seeded lines.
YEAR = timezone.now().year


def seed_costs(org: Organization) -> Seed:
    """In `org`: a run line with two months booked, a change line paying for an initiative and a security line
    paying for a control; texts carry the organisation's name (B's canary)."""
    initiative = services.do_create_initiative(None, org, {"title": f"{org.name} costed initiative",
                                                           "kind": "infrastructure"})
    control = services_controls.do_create_control(None, org, {"name": f"{org.name} costed control", "run_cost": 5000})
    run = services_costs.do_create_budget_line(None, org, {
        "year": YEAR, "title": f"{org.name} canary licences", "category": "run", "amount": 120_000,
        "notes": f"{org.name} canary notes"})
    services_costs.do_create_budget_line(None, org, {
        "year": YEAR, "title": f"{org.name} canary build", "category": "change", "nature": "capex",
        "amount": 300_000, "initiative": initiative.pk})
    services_costs.do_create_budget_line(None, org, {
        "year": YEAR, "title": f"{org.name} canary EDR", "category": "security", "amount": 60_000,
        "control": control.pk})
    services_costs.do_import_actuals(None, org, [(2, {"line": run.ref, "month": f"{YEAR}-01", "amount": 9000}),
                                                 (3, {"line": run.ref, "month": f"{YEAR}-02", "amount": 11_000})])
    return {"budget_line": run}


SEEDERS: list[Callable[[Organization], Seed]] = [seed_costs]


def grow_costs(seed: Seed, n: int) -> None:
    """`n` more budget lines of every category with a month booked each."""
    org = seed["org"]
    for k in range(n):
        made = services_costs.do_create_budget_line(None, org, {
            "year": YEAR, "title": f"Grown line {k}", "category": ["run", "change", "security"][k % 3],
            "amount": 1000 * (k + 1)})
        services_costs.do_import_actuals(None, org, [(2, {"line": made.ref, "month": f"{YEAR}-03", "amount": k})])


GROWERS = [grow_costs]


def _line(seed: Seed, persona: Persona) -> dict[str, Any]:
    return {"line_id": seed["budget_line"].pk}


def _actuals_file(seed: Seed, persona: Persona) -> dict[str, Any]:
    content = f"line,month,amount\r\n{seed['budget_line'].ref},{YEAR}-05,7000\r\n".encode()
    return {"file": SimpleUploadedFile("actuals.csv", content, content_type="text/csv")}


_LINE = {"year": YEAR, "title": "Probe line", "category": "security", "amount": 1000}

ROUTES: list[Route] = [
    Route(f"GET {API}/budget-lines/", "GET", "cost.view", lists_data=True),
    Route(f"POST {API}/budget-lines/", "POST", "cost.change", body=lambda s, p: _LINE),
    Route(f"GET {API}/budget-lines/{{line_id}}/", "GET", "cost.view", kwargs=_line),
    Route(f"PATCH {API}/budget-lines/{{line_id}}/", "PATCH", "cost.change", kwargs=_line,
          body=lambda s, p: {"amount": 130_000}),
    Route(f"DELETE {API}/budget-lines/{{line_id}}/", "DELETE", "cost.change", kwargs=_line),
    Route(f"POST {API}/actuals/import", "POST", "cost.import", body=_actuals_file),
    Route(f"GET {API}/costs/", "GET", "cost.view", lists_data=True),
]

_FORM = {"year": str(YEAR), "title": "Probe line", "category": "run", "nature": "opex", "amount": "500"}

ROUTES += [
    Route("costs:view", "GET", "cost.view", lists_data=True),
    Route("costs:chart", "GET", "cost.view"),
    Route("costs:line_create", "GET", "cost.change"),
    Route("costs:line_create", "POST", "cost.change", body=lambda s, p: _FORM),
    Route("costs:line_edit", "GET", "cost.change", kwargs=_line),
    Route("costs:line_edit", "POST", "cost.change", kwargs=_line, body=lambda s, p: {**_FORM, "title": "Renamed"}),
    Route("costs:line_delete", "POST", "cost.change", kwargs=_line),
    Route("costs:import", "GET", "cost.import"),
    Route("costs:import", "POST", "cost.import", body=_actuals_file),
]
