"""Query counts over every read route (UI pages, their htmx partials, API operations and aliases): the
number of SQL queries a route takes must not grow with the rows it lists, and is pinned per route in
tests/query_counts.json so that any change in it is seen in review.

Each route is measured in two organisations seeded alike, SMALL and LARGE, whose lists then grow by
every app's GROWERS (tests/<app>/routes.py) with 3 and 30 more rows of each kind: members, invitations,
tokens, risks with estimates and acceptances, edits (history), and their audit events. A route that takes
more queries in LARGE runs a query per row (N+1). Each measure is the second of two identical calls, so
one-off work (the session's current organisation, a token's first use, a simulation) is not counted;
savepoint statements are not counted either.

After an intended change, or for a new route, regenerate the file and review the diff:

    ACCORD_UPDATE_QUERY_COUNTS=1 .venv/bin/python -m pytest -p no:xdist tests/test_query_counts.py
"""

from __future__ import annotations

import copy
import fcntl
import json
import os
import tempfile
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accord.core.choices import Role
from accord.core.models import AuditEvent, Membership
from accord.core.permissions import allows
from tests.route_suite import QueryWorld, build_query_world, prepare, seeded_once, suite_routes

COUNTS = Path(__file__).with_name("query_counts.json")
UPDATE = os.environ.get("ACCORD_UPDATE_QUERY_COUNTS") == "1"
HOW = ("regenerate it with `ACCORD_UPDATE_QUERY_COUNTS=1 .venv/bin/python -m pytest -p no:xdist "
       "tests/test_query_counts.py` and review the diff")
SMALL, LARGE = 3, 30
READS = [r for r in suite_routes() if r.method == "GET"]
_SAVEPOINTS = ("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT")


@pytest.fixture(scope="module")
def query_module_world(django_db_setup, django_db_blocker):
    with seeded_once(django_db_blocker):
        yield build_query_world(SMALL, LARGE)


@pytest.fixture
def query_world(query_module_world: QueryWorld, db) -> QueryWorld:
    return copy.deepcopy(query_module_world)


def _pinned() -> dict[str, int]:
    return json.loads(COUNTS.read_text()) if COUNTS.exists() else {}


def _rewrite(change) -> None:
    """Read, change and write the file under a lock (update mode; a few processes may run it)."""
    with (Path(tempfile.gettempdir()) / "accord-query-counts.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        counts = change(_pinned())
        COUNTS.write_text(json.dumps(dict(sorted(counts.items())), indent=2) + "\n")


def _queries(route, persona, seed) -> int:
    prepare(route, persona, seed["org"].slug, seed).send()  # one-off work happens on the first call
    request = prepare(route, persona, seed["org"].slug, seed)
    with CaptureQueriesContext(connection) as ctx:
        response = request.send()
    assert response.status_code in (200, 302), (response.status_code, response.content[:300])
    return sum(1 for q in ctx.captured_queries if not q["sql"].lstrip().upper().startswith(_SAVEPOINTS))


def _reader(world_side, action: str):
    role = next(r for r in Role if allows(r, action))
    return world_side.personas[role]


@pytest.mark.parametrize("route", READS, ids=str)
def test_each_read_route_takes_its_pinned_number_of_queries_whatever_the_rows(query_world, route):
    small = _queries(route, _reader(query_world.small, route.action), query_world.small.seed)
    large = _queries(route, _reader(query_world.large, route.action), query_world.large.seed)
    assert large == small, (f"{route} takes {small} queries with {SMALL} more rows of each kind and {large} with "
                            f"{LARGE}: it runs queries per row (N+1); prefetch or annotate in its selector")
    key = str(route)
    if UPDATE:
        _rewrite(lambda counts: {**counts, key: small})
        return
    pinned = _pinned().get(key)
    assert pinned is not None, f"{key} has no pinned query count in {COUNTS.name}: {HOW}"
    assert small == pinned, f"{key} now takes {small} queries, {pinned} pinned in {COUNTS.name}: if intended, {HOW}"


def test_the_pinned_counts_name_only_routes_that_exist():
    keys = {str(r) for r in READS}
    if UPDATE:
        _rewrite(lambda counts: {k: v for k, v in counts.items() if k in keys})
    stale = sorted(set(_pinned()) - keys)
    assert stale == [], f"{COUNTS.name} pins routes that no longer exist: {HOW}"


def test_the_large_organisation_holds_ten_times_more_rows_than_the_small_one(query_world):
    def rows(side):
        org = side.seed["org"]
        return Membership.objects.for_org(org).count(), AuditEvent.objects.for_org(org).count()

    (small_members, small_events), (large_members, large_events) = rows(query_world.small), rows(query_world.large)
    assert large_members - small_members == LARGE - SMALL
    assert large_events > small_events + 3 * (LARGE - SMALL)
