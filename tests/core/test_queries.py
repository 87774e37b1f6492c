"""Pages answer in a number of SQL queries that does not grow with the number of rows."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accord.core import services
from tests.conftest import signed_in
from tests.factories import make_member


def _queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("page", ["", "members/", "audit/", "governance/", "tokens/"])
def test_page_query_count_does_not_grow_with_rows(org_a, admin, page):
    client = signed_in(admin)
    url = f"/o/org-a/{page}"
    make_member(org_a, "cio")
    client.get(url)  # the first visit stores the current organisation in the session
    small = _queries(client, url)
    for _ in range(30):
        make_member(org_a, "contributor")
    for reports_to in ["board", "ceo"] * 15:
        services.do_update_governance(admin.user, org_a, ciso_reports_to=reports_to)
    for i in range(10):
        services.do_create_token(None, org_a, admin.user, name=f"t{i}")
    assert _queries(client, url) == small


@pytest.mark.parametrize("path", ["members/", "audit-events/"])
def test_api_list_query_count_does_not_grow_with_rows(client, org_a, admin, path):
    url = f"/api/v1/orgs/org-a/{path}"
    headers = admin.auth()
    client.get(url, **headers)  # first use records last_used_at
    with CaptureQueriesContext(connection) as small:
        client.get(url, **headers)
    for _ in range(30):
        make_member(org_a, "contributor")
    with CaptureQueriesContext(connection) as large:
        client.get(url, **headers)
    assert len(large.captured_queries) == len(small.captured_queries)
