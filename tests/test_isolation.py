"""Tenant isolation over every route: a member of organisation A gets 404 for anything of B and
never sees B's data (canary string "CANARYB") in any page, list or export."""

import pytest

from accord.core.choices import Role
from tests.factories import make_member
from tests.route_suite import call, seed
from tests.routes import ROUTES

CANARY = "CANARYB"


@pytest.fixture
def world(org_a, org_b, outsider):
    a_admin = make_member(org_a, Role.ADMIN, email="a-admin@a.test")
    return {"a_admin": a_admin, "seed_a": seed(org_a), "seed_b": seed(org_b), "org_b": org_b}


@pytest.mark.parametrize("route", ROUTES, ids=str)
def test_a_member_of_a_gets_404_on_organisation_b(world, route):
    response = call(route, world["a_admin"], world["org_b"].slug, world["seed_b"])
    assert response.status_code == 404
    assert CANARY not in response.content.decode()


@pytest.mark.parametrize("route", [r for r in ROUTES if r.kwargs], ids=str)
def test_a_member_of_a_gets_404_for_bs_objects_under_as_own_path(world, route):
    a = world["a_admin"]
    response = call(route, a, a.org.slug, world["seed_b"])
    assert response.status_code == 404
    assert CANARY not in response.content.decode()


@pytest.mark.parametrize("route", [r for r in ROUTES if r.lists_data], ids=str)
def test_lists_and_exports_of_a_never_show_bs_data(world, route):
    a = world["a_admin"]
    response = call(route, a, a.org.slug, world["seed_a"])
    assert response.status_code == 200
    assert CANARY not in response.content.decode()


def test_an_api_token_of_a_lists_only_a(world, client):
    a = world["a_admin"]
    body = client.get("/api/v1/orgs/", **a.auth()).json()
    assert [o["slug"] for o in body] == ["org-a"]


def test_a_token_of_b_cannot_reach_a(world, outsider, client):
    a = world["a_admin"]
    for path in ("/api/v1/orgs/org-a/", "/api/v1/orgs/org-a/members/", "/api/v1/orgs/org-a/governance/",
                 "/api/v1/orgs/org-a/audit-events/"):
        assert client.get(path, **outsider.auth()).status_code == 404, path
    assert a.org.slug == "org-a"
