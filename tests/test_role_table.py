"""The role table over every route: each role gets what docs/permissions.md says, on every front."""

import pytest

from accord.core.choices import Role
from accord.core.permissions import allows
from tests.factories import make_member
from tests.route_suite import call, seed
from tests.routes import ROUTES


@pytest.mark.parametrize("role", list(Role), ids=str)
@pytest.mark.parametrize("route", ROUTES, ids=str)
def test_each_role_gets_what_the_permission_table_says(org_a, route, role):
    make_member(org_a, Role.ADMIN, email="keeper@a.test")  # so that no role change leaves A without an admin
    persona = make_member(org_a, role, email=f"{role}@a.test")
    response = call(route, persona, org_a.slug, seed(org_a))
    if allows(role, route.action):
        assert response.status_code in (200, 201, 204, 302), (response.status_code, response.content[:300])
    else:
        assert response.status_code == 403, (response.status_code, response.content[:300])
