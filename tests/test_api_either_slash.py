"""Every API route answers with and without its trailing slash, without a redirect (a client follows a 301
with a GET and loses the write) and without Django's HTML pages; a path neither form of which is served
answers the API's JSON 404 (docs/api.md), DEBUG on or off."""

from typing import Any

import pytest
from django.db import transaction

from accord.core.choices import Role
from accord.core.permissions import allows
from tests.route_suite import ROUTES, prepare
from tests.routes import Route

API_ROUTES = [r for r in ROUTES if r.is_api]


def _other_form(url: str) -> str:
    path, _, query = url.partition("?")
    other = path[:-1] if path.endswith("/") else path + "/"
    return f"{other}?{query}" if query else other


def _answer(route: Route, world: Any, *, other_form: bool) -> tuple[int, str, bytes]:
    """Status, content type and start of the body of `route` called by a role it allows (in a savepoint rolled
    back, so that both forms meet the same objects)."""
    role = next(r for r in (Role.ADMIN, *Role) if allows(r, route.action))
    with transaction.atomic():
        call = prepare(route, world.personas[role], world.org_a.slug, world.seed_a)
        if other_form:
            call.url = _other_form(call.url)
        response = call.send()
        transaction.set_rollback(True)
    return response.status_code, response.get("Content-Type", ""), response.content[:300]


@pytest.mark.parametrize("route", API_ROUTES, ids=str)
def test_the_other_slash_form_reaches_the_same_operation(world, route):
    declared = _answer(route, world, other_form=False)
    other = _answer(route, world, other_form=True)
    assert other[0] not in (301, 302, 308, 404, 405, 500), other
    assert other[0] == declared[0], (declared, other)
    assert other[1] == declared[1], (declared, other)


def test_the_suite_covers_routes_of_both_habits():
    paths = [r.path for r in API_ROUTES]
    assert any(p.endswith("/") for p in paths)
    assert any(not p.endswith("/") for p in paths)
    assert len(API_ROUTES) > 100


@pytest.mark.parametrize("debug", [True, False], ids=["debug", "production"])
@pytest.mark.parametrize("path", ["/api/v1/orgs/org-a/no-such-thing", "/api/v1/orgs/org-a/no-such-thing/",
                                  "/api/v2/", "/api/v1/orgs/org-a/risks/1/no-such-verb"])
def test_a_path_served_in_neither_form_answers_the_json_404(world, client, settings, debug, path):
    settings.DEBUG = debug
    persona = world.personas[Role.ADMIN]
    for method in ("get", "post"):
        response = getattr(client, method)(path, **persona.auth())
        assert response.status_code == 404, (method, response.content[:300])
        assert response["Content-Type"] == "application/json"
        assert response.json() == {"detail": "Not found.", "errors": []}
        assert "no-store" in response["Cache-Control"]


def test_a_write_without_the_trailing_slash_is_not_redirected_with_debug_on(world, client, settings):
    settings.DEBUG = True
    persona = world.personas[Role.ADMIN]
    path = f"/api/v1/orgs/{world.org_a.slug}/tokens"  # the route is .../tokens/
    response = client.post(path, data={"name": "no slash"}, content_type="application/json", **persona.auth())
    assert response.status_code == 201, response.content[:300]
    assert response.json()["name"] == "no slash"
