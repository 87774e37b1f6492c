"""Schemathesis over the whole OpenAPI document, as a CISO, a contributor and a viewer (issue 10, §6): a
bounded number of generated requests per operation, valid and invalid, each of which must answer no
5xx, only a status the operation documents, a body that conforms to the documented schema, no invalid
request accepted, and every 4xx in the one error shape. As the CISO, schemathesis's coverage phase
adds each parameter's boundaries (the largest id, one past it, a wrong type, an unsupported method);
as the other roles, only generated requests. `bench/fuzz_api.py` runs the same with many more."""

from __future__ import annotations

import os
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

from accord.api import api
from accord.core.choices import Role
from accord.envconf import parse_rates
from accord.risks import services as risk_services
from tests.factories import make_member

#: Generated requests per operation and role; bench/fuzz_api.py sets ACCORD_FUZZ_EXAMPLES much higher.
EXAMPLES = int(os.environ.get("ACCORD_FUZZ_EXAMPLES", "4"))
ROLES = [Role.CISO, Role.CONTRIBUTOR, Role.VIEWER]


def _schema(*, boundaries: bool) -> Any:
    loaded = schemathesis.openapi.from_dict(api.get_openapi_schema())
    loaded.app = get_wsgi_application()
    loaded.config.phases.coverage.enabled = boundaries
    return loaded


full_schema = _schema(boundaries=True)
light_schema = _schema(boundaries=False)


def error_shape(ctx: Any, response: Any, case: Any) -> bool | None:
    """Every 4xx answers `{"detail": text, "errors": [{"field", "message"}, ...]}`."""
    if 400 <= response.status_code < 500:
        body = response.json()
        assert isinstance(body, dict) and set(body) == {"detail", "errors"}, f"not the error shape: {body!r}"
        assert isinstance(body["detail"], str) and body["detail"]
        assert all(set(e) == {"field", "message"} for e in body["errors"]), body["errors"]
    return None


CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance,
          negative_data_rejection, error_shape]


@pytest.fixture
def wsgi_keeps_the_test_connection():
    """Schemathesis calls the WSGI application itself, whose request signals close "old" connections; inside
    the test's transaction that closes PostgreSQL's connection (SQLite's in-memory one survives it). Django's
    own test client stops the same handler for the same reason."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def fuzz_world(org_a, settings, wsgi_keeps_the_test_connection) -> dict[str, Any]:
    """Organisation A with a risk, and one member per fuzzing role; the rates are set high enough for a
    run (the limiter stays on: this is how a test sets its rates)."""
    settings.ACCORD_API_RATE_LIMITS = parse_rates("100000/m/token,100000/m/ip", "fuzz")
    risk = risk_services.do_create_risk(None, org_a, {"title": "Seeded", "category": "strategic",
                                                      "likelihood": 2, "impact": 3})
    personas = {role: make_member(org_a, role, email=f"fuzz-{role}@a.test") for role in ROLES}
    return {"risk": risk, "personas": personas, "calls": 0}


def _aim(case: Any, world: dict[str, Any]) -> None:
    """Point every other request at organisation A's seeded objects, so that handlers run past the 404."""
    world["calls"] += 1
    params = case.path_parameters
    if params is None or world["calls"] % 2:
        return
    if "org" in params:
        params["org"] = "org-a"
    if "risk_id" in params:
        params["risk_id"] = world["risk"].ref


def _call_and_check(case: Any, role: Role, world: dict[str, Any]) -> None:
    _aim(case, world)
    headers = {"Authorization": f"Bearer {world['personas'][role].token}"}
    response = case.call(headers=headers)
    case.validate_response(response, checks=CHECKS, headers=headers)


FUZZ_SETTINGS = settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                         suppress_health_check=list(HealthCheck))


@full_schema.parametrize()
@FUZZ_SETTINGS
def test_the_api_answers_a_ciso_as_its_document_says(case, fuzz_world):
    _call_and_check(case, Role.CISO, fuzz_world)


@pytest.mark.parametrize("role", [Role.CONTRIBUTOR, Role.VIEWER])
@light_schema.parametrize()
@FUZZ_SETTINGS
def test_the_api_answers_other_roles_as_its_document_says(case, role, fuzz_world):
    _call_and_check(case, role, fuzz_world)
