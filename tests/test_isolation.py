"""Tenant isolation over every route (htmx requests and hidden API aliases included): a member of
organisation A gets 404 for anything of B, never sees B's data (canary string "CANARYB") in any page,
list or export, and never writes to B's audit trail."""

import pytest

from accord.core.choices import Role
from tests.route_suite import audit_head, call, prepare, suite_routes

CANARY = "CANARYB"
ROUTES = suite_routes()


@pytest.mark.parametrize("route", ROUTES, ids=str)
def test_a_member_of_a_gets_404_on_organisation_b(world, route):
    a_admin = world.personas[Role.ADMIN]
    request = prepare(route, a_admin, world.org_b.slug, world.seed_b)
    before = audit_head(world.org_b)
    response = request.send()
    assert response.status_code == 404, (response.status_code, response.content[:300])
    assert CANARY not in response.content.decode()
    assert audit_head(world.org_b) == before, "a refused call wrote to B's audit trail"


@pytest.mark.parametrize("route", [r for r in ROUTES if r.kwargs and r.names_objects], ids=str)
def test_a_member_of_a_gets_404_for_bs_objects_under_as_own_path(world, route):
    a_admin = world.personas[Role.ADMIN]
    request = prepare(route, a_admin, world.org_a.slug, world.seed_b)
    before = audit_head(world.org_b)
    response = request.send()
    assert response.status_code == 404, (response.status_code, response.content[:300])
    assert CANARY not in response.content.decode()
    assert audit_head(world.org_b) == before, "a refused call wrote to B's audit trail"


@pytest.mark.parametrize("route", [r for r in ROUTES if r.lists_data], ids=str)
def test_lists_and_exports_of_a_never_show_bs_data(world, route):
    response = call(route, world.personas[Role.ADMIN], world.org_a.slug, world.seed_a)
    assert response.status_code == 200
    assert CANARY not in response.content.decode()


def test_an_api_token_of_a_lists_only_a(world, client):
    body = client.get("/api/v1/orgs/", **world.personas[Role.ADMIN].auth()).json()
    assert [o["slug"] for o in body] == ["org-a"]


def test_a_token_of_b_cannot_reach_a(world, client):
    for path in ("/api/v1/orgs/org-a/", "/api/v1/orgs/org-a/members/", "/api/v1/orgs/org-a/governance/",
                 "/api/v1/orgs/org-a/audit-events/"):
        assert client.get(path, **world.outsider.auth()).status_code == 404, path
