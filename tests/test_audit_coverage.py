"""Audit coverage over every write route (htmx requests and hidden API aliases included): driven with
valid data by a member whose role may do it, each appends at least one audit event, every event it
appends names that member as the actor, and the organisation's chain still verifies afterwards."""

import pytest

from accord.core.audit import verify_chain
from accord.core.choices import Role
from accord.core.models import AuditEvent
from accord.core.permissions import allows
from tests.route_suite import audit_head, prepare, suite_routes

WRITES = [r for r in suite_routes() if r.must_write]


def _first_allowed_role(action: str) -> Role:
    return next(role for role in Role if allows(role, action))


@pytest.mark.parametrize("route", WRITES, ids=str)
def test_each_write_route_appends_audit_events_by_its_actor_and_the_chain_verifies(world, route):
    persona = world.personas[_first_allowed_role(route.action)]
    request = prepare(route, persona, world.org_a.slug, world.seed_a)
    before = audit_head(world.org_a)
    response = request.send()
    assert response.status_code in (200, 201, 202, 204, 302), (response.status_code, response.content[:300])
    events = list(AuditEvent.objects.for_org(world.org_a).filter(seq__gt=before).order_by("seq"))
    assert events, f"{route} answered {response.status_code} as {persona.role} but appended no audit event"
    assert {e.actor_id for e in events} == {persona.user.pk}, [(e.action, e.actor_label) for e in events]
    report = verify_chain(world.org_a)
    assert report.ok, report.problem

