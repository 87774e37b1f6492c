"""Tenant isolation over every route that names a risk, called with the risk's reference instead of its id:
organisation B's R-001 is a 404 to a member of A under B's path, and under A's own path the same
reference names A's own R-001 (never B's)."""

from __future__ import annotations

import dataclasses

import pytest

from accord.core.choices import Role
from tests.route_suite import call, suite_routes, ui_url_names
from tests.routes import Route

CANARY = "CANARYB"


def _names_a_risk(route: Route) -> bool:
    if route.is_api:
        return "{risk_id}" in route.key
    return any(name == route.key and "risk_id>" in text for name, text in ui_url_names())


def _by_reference(route: Route) -> Route:
    def kwargs(seed_data, persona):
        named = route.kwargs(seed_data, persona)
        return {**named, "risk_id": seed_data["risk"].ref} if "risk_id" in named else named

    return dataclasses.replace(route, kwargs=kwargs)


RISK_ROUTES = [_by_reference(r) for r in suite_routes() if _names_a_risk(r)]


def test_the_reference_routes_cover_every_route_that_names_a_risk():
    named = {r.key for r in RISK_ROUTES}
    assert {"risks:detail", "risks:acceptance_sign", "GET /api/v1/orgs/{org}/risks/{risk_id}/",
            "POST /api/v1/orgs/{org}/risks/{risk_id}/acceptances/{acceptance_id}/withdraw/"} <= named


@pytest.mark.parametrize("route", RISK_ROUTES, ids=str)
def test_bs_risk_by_reference_is_404_to_a_member_of_a(world, route):
    response = call(route, world.personas[Role.ADMIN], world.org_b.slug, world.seed_b)
    assert response.status_code == 404, (response.status_code, response.content[:300])
    assert CANARY not in response.content.decode()


@pytest.mark.parametrize("route", [r for r in RISK_ROUTES if r.method == "GET"], ids=str)
def test_a_reference_under_as_own_path_reads_as_own_risk_only(world, route):
    a = world.personas[Role.ADMIN]
    assert world.seed_a["risk"].ref == world.seed_b["risk"].ref == "R-001"
    response = call(route, a, world.org_a.slug, world.seed_b)  # B's reference, under A's path
    if response.status_code == 302:  # a section outside htmx: to the section on A's own risk page
        assert response.url.startswith(f"/o/{world.org_a.slug}/risks/register/{world.seed_a['risk'].pk}/")
    else:
        assert response.status_code == 200, (response.status_code, response.content[:300])
    assert CANARY not in response.content.decode()
