"""The role table over every route (htmx requests and hidden API aliases included): each role gets what
docs/permissions.md says, on every front. An allowed write must really write (at least one audit event
appended to the organisation's chain), a refused call or a read must write nothing."""

import pytest

from accord.core.choices import Role
from accord.core.permissions import allows
from tests.route_suite import audit_head, prepare, suite_routes

OK = (200, 201, 202, 204, 302)  # 202: work queued as a job (a report)


@pytest.mark.parametrize("role", list(Role), ids=str)
@pytest.mark.parametrize("route", suite_routes(), ids=str)
def test_each_role_gets_what_the_permission_table_says(world, route, role):
    request = prepare(route, world.personas[role], world.org_a.slug, world.seed_a)
    before = audit_head(world.org_a)
    response = request.send()
    appended = audit_head(world.org_a) - before
    if not allows(role, route.action):
        assert response.status_code == 403, (response.status_code, response.content[:300])
        assert appended == 0, "a refused call appended audit events"
        return
    assert response.status_code in OK, (response.status_code, response.content[:300])
    if route.must_write:
        assert appended > 0, (f"{route} answered {response.status_code} but appended no audit event: it wrote "
                              "nothing (fix the Route's body or set-up so it really writes, or declare "
                              "writes=False with a reason) or it wrote without an audit event", response.content[:300])
    else:
        assert appended == 0, f"{route} appended {appended} audit event(s) but is not declared as a write"
