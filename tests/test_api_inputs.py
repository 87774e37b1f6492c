"""Over every API operation: input refuses unknown body fields and NUL characters with a 422 in the one
error shape, and every operation names its operation id (API clients generate code from them)."""

import dataclasses
import re
from typing import Any

import pytest

from accord.api import api
from accord.core.choices import Role
from accord.core.permissions import allows
from tests.route_suite import ROUTES, audit_head, call, prepare
from tests.routes import Route

# Routes whose JSON body the suite can send (not a file upload, not an empty body). File uploads are the imports and
# a data-privacy audit's discovery.
UPLOADS = {"POST /api/v1/orgs/{org}/privacy/data-audits/{audit_id}/discovery"}
JSON_BODIES = [r for r in ROUTES if r.is_api and r.method != "GET" and r.body is not None and "import" not in r.key
               and r.key not in UPLOADS]


def _with_unknown_field(route: Route) -> Route:
    body = route.body
    assert body is not None
    return Route(route.key, route.method, route.action, kwargs=route.kwargs,
                 body=lambda s, p: {**body(s, p), "unexpected_field": "x"})


@pytest.mark.parametrize("route", JSON_BODIES, ids=str)
def test_a_request_body_with_an_unknown_field_is_refused_naming_it(world, route):
    role = next(r for r in (Role.ADMIN, Role.CISO, Role.CIO) if allows(r, route.action))
    response = call(_with_unknown_field(route), world.personas[role], world.org_a.slug, world.seed_a)
    assert response.status_code == 422, response.content[:300]
    body = response.json()
    assert set(body) == {"detail", "errors"}
    assert [e["field"] for e in body["errors"]] == ["unexpected_field"]


def test_the_core_bodies_are_among_those_checked():
    checked = {r.key for r in JSON_BODIES}
    assert {"PUT /api/v1/orgs/{org}/governance/", "PUT /api/v1/orgs/{org}/security-policy/",
            "POST /api/v1/orgs/{org}/invitations/"} <= checked


@pytest.mark.parametrize("query", ["actor=a%00b", "object_type=risks%00", "action=x%00"])
def test_a_nul_character_in_an_audit_filter_is_refused(client, world, query):
    response = client.get(f"/api/v1/orgs/org-a/audit-events/?{query}", **world.personas[Role.ADMIN].auth())
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == [query.split("=")[0]]


def _operations() -> list[tuple[str, Any]]:
    api.get_openapi_schema()  # mounts the nested routers
    return [(f"{','.join(op.methods)} {prefix}{path}", op) for prefix, router in api._routers
            for path, path_view in router.path_operations.items() for op in path_view.operations]


def test_every_operation_names_its_operation_id():
    operations = _operations()
    assert len(operations) > 20
    unnamed = [name for name, op in operations if op.operation_id is None]
    assert unnamed == [], "set operation_id= on these operations"
    ids = [op.operation_id for _, op in operations]
    assert len(ids) == len(set(ids))


def test_documented_operation_ids_are_the_app_api_and_handler():
    for _, op in _operations():
        if op.include_in_schema:
            app = op.view_func.__module__.split(".")[1]
            assert re.fullmatch(rf"accord_{app}_api_{op.view_func.__name__}", op.operation_id)


# --- query parameters an operation does not declare ----------------------------------------------------

API_ROUTES = [r for r in ROUTES if r.is_api]


@pytest.mark.parametrize("route", API_ROUTES, ids=str)
def test_an_undeclared_or_empty_named_query_parameter_is_refused_naming_it(world, route):
    role = next(r for r in (Role.ADMIN, Role.CISO, Role.CIO, Role.VIEWER) if allows(r, route.action))
    prepared = prepare(route, world.personas[role], world.org_a.slug, world.seed_a)
    before = audit_head(world.org_a)
    response = dataclasses.replace(prepared, url=f"{prepared.url}?=true&foo=1").send()
    assert response.status_code == 422, response.content[:300]
    body = response.json()
    assert set(body) == {"detail", "errors"}
    assert "query parameter" in body["detail"]
    assert [e["field"] for e in body["errors"]] == ["", "foo"]
    assert audit_head(world.org_a) == before  # refused before anything was written


@pytest.mark.parametrize("query", ["limit=1&offset=0", "status=pending&limit=5", "action=x&since=2020-01-01"])
def test_the_declared_query_parameters_still_answer(client, world, query):
    path = "invitations" if query.startswith("status") else "audit-events" if "action" in query else "members"
    response = client.get(f"/api/v1/orgs/org-a/{path}/?{query}", **world.personas[Role.ADMIN].auth())
    assert response.status_code == 200, response.content[:300]


def test_the_refusal_says_which_parameters_the_operation_takes(client, world):
    response = client.get("/api/v1/orgs/org-a/members/?limt=5", **world.personas[Role.ADMIN].auth())
    assert response.status_code == 422
    (error,) = response.json()["errors"]
    assert error["field"] == "limt"
    assert "limit, offset" in error["message"]


def test_the_export_still_takes_its_format(client, world):
    response = client.get("/api/v1/orgs/org-a/risks/export/?format=csv&archived=false",
                          **world.personas[Role.ADMIN].auth())
    assert response.status_code == 200, response.content[:300]
