"""The IT portfolio's routes for the generic suites (see tests/routes.py)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from accord.core import services as core_services
from accord.core.clock import org_today
from accord.core.models import Organization
from accord.portfolio import services, services_objectives
from tests.factories import Persona, make_member
from tests.routes import Route, Seed, own


def seed_portfolio(org: Organization) -> Seed:
    """In `org`: an idea (to advance), a proposed initiative with no review (to review or pass by exception),
    one with an open review, one whose approval with conditions left an open condition, and one with a gate
    exception awaiting its signatures; texts carry the organisation's name (B's canary)."""
    cio = make_member(org, "cio", full_name=f"{org.name} portfolio CIO")
    ciso = make_member(org, "ciso", full_name=f"{org.name} portfolio CISO")

    def initiative(title: str, phase: str) -> Any:
        return services.do_create_initiative(cio.user, org, {
            "title": f"{org.name} {title}", "kind": "digital_transformation", "phase": phase,
            "description": f"{org.name} canary initiative", "owner": cio.user.email, "benefit_low": 100_000,
            "benefit_high": 900_000})

    idea = initiative("idea", "idea")
    fresh = initiative("unreviewed", "proposed")
    reviewed = initiative("under review", "proposed")
    review = services.do_open_review(cio.user, org, reviewed)
    conditional = initiative("approved with conditions", "proposed")
    done = services.do_open_review(cio.user, org, conditional)
    services.do_complete_review(ciso.user, org, done, outcome="approved_with_conditions", conditions=[
        {"title": f"{org.name} canary condition", "due_on": org_today(org) + dt.timedelta(days=20)}])
    services.do_set_initiative_budget(cio.user, org, conditional, year=org_today(org).year, capex=300_000, opex=50_000)
    passing = initiative("passing by exception", "proposed")
    exception = services.do_request_gate_exception(None, org, passing, reasons=f"{org.name} canary reasons")
    today = org_today(org)
    objective = services_objectives.do_create_objective(cio.user, org, {
        "title": f"{org.name} canary objective", "description": f"{org.name} canary description",
        "owner": cio.user.email, "horizon_start": today, "horizon_end": today + dt.timedelta(days=365)},
        key_results=[{"metric": f"{org.name} canary metric", "unit": "%", "baseline": "10", "target": "50",
                      "current": "20"},
                     {"metric": "Incidents a month", "baseline": "40", "target": "10", "current": "25"}])
    services_objectives.do_set_contribution(cio.user, org, objective, conditional, weight=3)
    return {"initiative_idea": idea, "initiative_fresh": fresh, "initiative_reviewed": reviewed, "review": review,
            "initiative_conditional": conditional, "condition": done.conditions.get(), "gate_exception": exception,
            "initiative_passing": passing, "portfolio_cio": cio, "objective": objective,
            "key_result": objective.key_results.order_by("pk").first()}


SEEDERS: list[Callable[[Organization], Seed]] = [seed_portfolio]


def grow_portfolio(seed: Seed, n: int) -> None:
    """`n` more initiatives of every kind and health, with links, budgets and reviews."""
    org, cio = seed["org"], seed["portfolio_cio"]
    kinds = ["digital_transformation", "infrastructure", "modernisation", "compliance", "security", "other"]
    for k in range(n):
        item = services.do_create_initiative(cio.user, org, {
            "title": f"Grown initiative {k}", "kind": kinds[k % 6], "phase": "proposed" if k % 2 else "idea",
            "health": ["on_track", "at_risk", "off_track"][k % 3], "owner": cio.user.email,
            "dependencies": [seed["initiative_idea"].pk], "planned_start": f"2026-{k % 12 + 1:02d}-01",
            "planned_end": f"2027-{k % 12 + 1:02d}-15"})
        services.do_set_initiative_budget(cio.user, org, item, year=2026, capex=1000 * k, opex=100)
        if k % 2:
            services.do_open_review(cio.user, org, item)
        services.do_update_initiative(cio.user, org, seed["initiative_reviewed"], {"health_reason": f"Take {k}"})


def grow_objectives(seed: Seed, n: int) -> None:
    """`n` more objectives, each with two key results and two contributing initiatives."""
    org, cio = seed["org"], seed["portfolio_cio"]
    for k in range(n):
        objective = services_objectives.do_create_objective(cio.user, org, {
            "title": f"Grown objective {k}", "owner": cio.user.email, "horizon_start": "2026-01-01",
            "horizon_end": "2027-12-31"}, key_results=[{"metric": "Uptime", "baseline": "99", "target": "99.9"},
                                                       {"metric": "Cost", "baseline": "100", "target": "80"}])
        for key in ("initiative_conditional", "initiative_idea"):
            services_objectives.do_set_contribution(cio.user, org, objective, seed[key], weight=k % 5 + 1)


GROWERS = [grow_portfolio, grow_objectives]

API = "/api/v1/orgs/{org}"


def _id(key: str) -> Callable[[Seed, Persona], dict[str, Any]]:
    return lambda seed, persona: {"initiative_id": seed[key].pk}


def _review(seed: Seed, persona: Persona) -> dict[str, Any]:
    return {"initiative_id": seed["initiative_reviewed"].pk, "review_id": seed["review"].pk}


def _reviewer(seed: Seed, persona: Persona) -> dict[str, Any]:
    # The CISO completes reviews; the CIO only as the hybrid CIO-CISO, an admin only for an external CISO (set up
    # in the persona's own organisation).
    if own(seed, persona) and persona.role in ("cio", "admin"):
        model = "hybrid" if persona.role == "cio" else "external"
        core_services.do_update_governance(None, seed["org"], ciso_model=model, ciso_reports_to="ceo")
    return _review(seed, persona)


def _condition(seed: Seed, persona: Persona) -> dict[str, Any]:
    return {"initiative_id": seed["initiative_conditional"].pk, "condition_id": seed["condition"].pk}


def _exception_signer(seed: Seed, persona: Persona) -> dict[str, Any]:
    # CISO and CIO sign under the default profile; an admin or viewer signs as the board representative of a
    # hybrid CIO-CISO organisation (set up here, in the persona's own organisation only).
    if own(seed, persona) and persona.role in ("admin", "viewer"):
        core_services.do_change_member(None, seed["org"], persona.membership, board_representative=True)
        core_services.do_update_governance(None, seed["org"], ciso_model="hybrid", ciso_reports_to="ceo")
    return {"initiative_id": seed["initiative_passing"].pk, "exception_id": seed["gate_exception"].pk}


def _exception(seed: Seed, persona: Persona) -> dict[str, Any]:
    return {"initiative_id": seed["initiative_passing"].pk, "exception_id": seed["gate_exception"].pk}


def _budget(seed: Seed, persona: Persona) -> dict[str, Any]:
    return {"initiative_id": seed["initiative_conditional"].pk, "year": 2027}


ROUTES: list[Route] = [
    # --- API ---
    Route(f"GET {API}/initiatives/", "GET", "initiative.view", lists_data=True),
    Route(f"POST {API}/initiatives/", "POST", "initiative.create",
          body=lambda s, p: {"title": "Probe", "kind": "security", "phase": "proposed"}),
    Route(f"GET {API}/initiatives/{{initiative_id}}/", "GET", "initiative.view", kwargs=_id("initiative_conditional")),
    Route(f"PATCH {API}/initiatives/{{initiative_id}}/", "PATCH", "initiative.change",
          kwargs=_id("initiative_conditional"), body=lambda s, p: {"title": "Renamed", "health": "at_risk"}),
    Route(f"POST {API}/initiatives/{{initiative_id}}/advance", "POST", "initiative.advance",
          kwargs=_id("initiative_idea"), body=lambda s, p: {"to": "proposed"}),
    Route(f"PUT {API}/initiatives/{{initiative_id}}/budgets/{{year}}/", "PUT", "initiative.change", kwargs=_budget,
          body=lambda s, p: {"capex": 1000, "opex": 200}),
    Route(f"GET {API}/initiatives/{{initiative_id}}/reviews/", "GET", "initiative.view",
          kwargs=_id("initiative_conditional"), lists_data=True),
    Route(f"POST {API}/initiatives/{{initiative_id}}/reviews/", "POST", "review.open", kwargs=_id("initiative_fresh")),
    Route(f"POST {API}/initiatives/{{initiative_id}}/reviews/{{review_id}}/complete", "POST", "review.complete",
          kwargs=_reviewer, body=lambda s, p: {"outcome": "approved", "answers": {"threat_model": "yes"}}),
    Route(f"POST {API}/initiatives/{{initiative_id}}/conditions/{{condition_id}}/done", "POST", "condition.close",
          kwargs=_condition),
    Route(f"GET {API}/initiatives/{{initiative_id}}/exceptions/", "GET", "initiative.view",
          kwargs=_id("initiative_passing"), lists_data=True),
    Route(f"POST {API}/initiatives/{{initiative_id}}/exceptions/", "POST", "gateexception.request",
          kwargs=_id("initiative_fresh"), body=lambda s, p: {"reasons": "Probe"}),
    Route(f"POST {API}/initiatives/{{initiative_id}}/exceptions/{{exception_id}}/withdraw", "POST",
          "gateexception.request", kwargs=_exception, body=lambda s, p: {"reason": "Probe"}),
    Route(f"POST {API}/initiatives/{{initiative_id}}/exceptions/{{exception_id}}/sign", "POST", "gateexception.sign",
          kwargs=_exception_signer),
    Route(f"GET {API}/portfolio-settings/", "GET", "initiative.view"),
    Route(f"PATCH {API}/portfolio-settings/", "PATCH", "portfolio.settings",
          body=lambda s, p: {"review_target_days": 5, "discount_rate": "0.06"}),
]

def _objective(seed: Seed, persona: Persona) -> dict[str, Any]:
    return {"objective_id": seed["objective"].pk}


def _key_result(seed: Seed, persona: Persona) -> dict[str, Any]:
    return {"objective_id": seed["objective"].pk, "key_result_id": seed["key_result"].pk}


def _contribution(key: str) -> Callable[[Seed, Persona], dict[str, Any]]:
    return lambda seed, persona: {"objective_id": seed["objective"].pk, "initiative_id": seed[key].pk}


_KR = {"metric": "Probe metric", "baseline": "1", "target": "2"}
_OBJECTIVE_FORM = {"title": "Probe objective", "horizon_start": "2026-01-01", "horizon_end": "2026-12-31"}

ROUTES += [
    # --- objectives: API ---
    Route(f"GET {API}/objectives/", "GET", "objective.view", lists_data=True),
    Route(f"POST {API}/objectives/", "POST", "objective.change",
          body=lambda s, p: {**_OBJECTIVE_FORM, "key_results": [_KR]}),
    Route(f"GET {API}/objectives/{{objective_id}}/", "GET", "objective.view", kwargs=_objective),
    Route(f"PATCH {API}/objectives/{{objective_id}}/", "PATCH", "objective.change", kwargs=_objective,
          body=lambda s, p: {"title": "Renamed objective"}),
    Route(f"DELETE {API}/objectives/{{objective_id}}/", "DELETE", "objective.change", kwargs=_objective),
    Route(f"POST {API}/objectives/{{objective_id}}/key-results/", "POST", "objective.change", kwargs=_objective,
          body=lambda s, p: _KR),
    Route(f"PATCH {API}/objectives/{{objective_id}}/key-results/{{key_result_id}}/", "PATCH", "objective.change",
          kwargs=_key_result, body=lambda s, p: {"current": "30"}),
    Route(f"DELETE {API}/objectives/{{objective_id}}/key-results/{{key_result_id}}/", "DELETE", "objective.change",
          kwargs=_key_result),
    Route(f"PUT {API}/objectives/{{objective_id}}/initiatives/{{initiative_id}}", "PUT", "objective.change",
          kwargs=_contribution("initiative_fresh"), body=lambda s, p: {"weight": 2}),
    Route(f"DELETE {API}/objectives/{{objective_id}}/initiatives/{{initiative_id}}", "DELETE", "objective.change",
          kwargs=_contribution("initiative_conditional")),
    # --- objectives: web ---
    Route("objectives:list", "GET", "objective.view", lists_data=True),
    Route("objectives:create", "GET", "objective.change"),
    Route("objectives:create", "POST", "objective.change", body=lambda s, p: _OBJECTIVE_FORM),
    Route("objectives:detail", "GET", "objective.view", kwargs=_objective, lists_data=True),
    Route("objectives:edit", "GET", "objective.change", kwargs=_objective),
    Route("objectives:edit", "POST", "objective.change", kwargs=_objective,
          body=lambda s, p: {**_OBJECTIVE_FORM, "title": "Renamed objective"}),
    Route("objectives:delete", "POST", "objective.change", kwargs=_objective),
    Route("objectives:key_result_add", "POST", "objective.change", kwargs=_objective, body=lambda s, p: _KR),
    Route("objectives:key_result_edit", "GET", "objective.change", kwargs=_key_result),
    Route("objectives:key_result_edit", "POST", "objective.change", kwargs=_key_result,
          body=lambda s, p: {**_KR, "current": "1.5"}),
    Route("objectives:key_result_delete", "POST", "objective.change", kwargs=_key_result),
    Route("objectives:contribution_set", "POST", "objective.change", kwargs=_objective,
          body=lambda s, p: {"initiative": str(s["initiative_fresh"].pk), "weight": "4"}),
    Route("objectives:contribution_remove", "POST", "objective.change", kwargs=_contribution("initiative_conditional")),
]

_FORM = {"title": "Probe", "kind": "security", "health": "on_track", "horizon_years": "5"}

ROUTES += [
    # --- web ---
    Route("portfolio:list", "GET", "initiative.view", lists_data=True),
    Route("portfolio:roadmap", "GET", "initiative.view", lists_data=True),
    Route("portfolio:create", "GET", "initiative.create"),
    Route("portfolio:create", "POST", "initiative.create", body=lambda s, p: {**_FORM, "phase": "proposed"}),
    Route("portfolio:detail", "GET", "initiative.view", kwargs=_id("initiative_conditional"), lists_data=True),
    Route("portfolio:edit", "GET", "initiative.change", kwargs=_id("initiative_conditional")),
    Route("portfolio:edit", "POST", "initiative.change", kwargs=_id("initiative_conditional"),
          body=lambda s, p: {**_FORM, "title": "Renamed"}),
    Route("portfolio:advance", "POST", "initiative.advance", kwargs=_id("initiative_idea"),
          body=lambda s, p: {"to": "proposed"}),
    Route("portfolio:budget", "POST", "initiative.change", kwargs=_id("initiative_conditional"),
          body=lambda s, p: {"year": "2027", "capex": "100", "opex": "20"}),
    Route("portfolio:review_open", "POST", "review.open", kwargs=_id("initiative_fresh")),
    Route("portfolio:review_complete", "GET", "review.complete", kwargs=_reviewer),
    Route("portfolio:review_complete", "POST", "review.complete", kwargs=_reviewer,
          body=lambda s, p: {"outcome": "approved", "answer_threat_model": "yes"}),
    Route("portfolio:condition_done", "POST", "condition.close", kwargs=_condition),
    Route("portfolio:exception_request", "POST", "gateexception.request", kwargs=_id("initiative_fresh"),
          body=lambda s, p: {"reasons": "Probe"}),
    Route("portfolio:exception_sign", "POST", "gateexception.sign", kwargs=_exception_signer),
    Route("portfolio:exception_withdraw", "POST", "gateexception.request", kwargs=_exception,
          body=lambda s, p: {"reason": "Probe"}),
]

# The IT costs (tests/portfolio/routes_costs.py).
from tests.portfolio import routes_costs  # noqa: E402

SEEDERS += routes_costs.SEEDERS
GROWERS += routes_costs.GROWERS
ROUTES += routes_costs.ROUTES

# The systems inventory (accord/portfolio/models_systems.py): its own file, collected here.
from tests.portfolio.routes_systems import ROUTES as _SYSTEM_ROUTES  # noqa: E402
from tests.portfolio.routes_systems import grow_systems, seed_systems  # noqa: E402

SEEDERS.append(seed_systems)
GROWERS.append(grow_systems)
ROUTES += _SYSTEM_ROUTES
