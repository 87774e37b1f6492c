"""Personas shared by every test: one per role in organisation A, a vCISO, and an outsider in B."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from accord.core.choices import Role
from accord.core.models import Organization
from tests.factories import Persona, make_member, make_org
from tests.route_suite import World, build_world, fresh, seeded_once


def pytest_sessionstart(session: pytest.Session) -> None:
    """The catalogues' .mo files are compiled, not committed (decision 0034): compile what is missing or older
    than its .po before any test renders a page (each xdist worker checks; the write is atomic)."""
    from accord.core.catalogues import compile_catalogues

    compile_catalogues()


@pytest.fixture
def org_a(db: None) -> Organization:
    return make_org("org-a", name="Alpha Clinic")


@pytest.fixture
def org_b(db: None) -> Organization:
    # Canary: nothing of B may ever show up in A's pages, lists or exports.
    return make_org("org-b", name="CANARYB Bank")


@pytest.fixture
def admin(org_a: Organization) -> Persona:
    return make_member(org_a, Role.ADMIN, email="admin@a.test", board_representative=True)


@pytest.fixture
def cio(org_a: Organization) -> Persona:
    return make_member(org_a, Role.CIO, email="cio@a.test")


@pytest.fixture
def ciso(org_a: Organization) -> Persona:
    return make_member(org_a, Role.CISO, email="ciso@a.test")


@pytest.fixture
def dpo(org_a: Organization) -> Persona:
    return make_member(org_a, Role.DPO, email="dpo@a.test")


@pytest.fixture
def vciso(org_a: Organization) -> Persona:
    return make_member(org_a, Role.CISO, email="vciso@consultancy.test", external=True)


@pytest.fixture
def auditor(org_a: Organization) -> Persona:
    return make_member(org_a, Role.AUDITOR, email="auditor@a.test")


@pytest.fixture
def viewer(org_a: Organization) -> Persona:
    return make_member(org_a, Role.VIEWER, email="board@a.test")


@pytest.fixture
def contributor(org_a: Organization) -> Persona:
    return make_member(org_a, Role.CONTRIBUTOR, email="contributor@a.test")


@pytest.fixture
def outsider(org_b: Organization) -> Persona:
    return make_member(org_b, Role.ADMIN, email="admin@canaryb.test", full_name="CANARYB Admin")


def job_of(client: Client, persona: Persona, response: Any) -> dict[str, Any]:
    """The job a 202 answer queued, as the API answers the address its `Location` names."""
    assert response.status_code == 202, response.content
    assert response["Location"] == response.json()["url"]
    answer: dict[str, Any] = client.get(response["Location"], **persona.auth()).json()
    return answer


def signed_in(persona: Persona) -> Client:
    client = Client()
    client.force_login(persona.user)
    return client


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """Each test starts with empty rate-limit counters (they live in the cache), so the suites run at the
    production rates; a test that needs other rates sets `settings.ACCORD_API_RATE_LIMITS`."""
    cache.clear()


@pytest.fixture(autouse=True)
def _cheap_argon2(settings):
    """Argon2 stays the hasher, with test-sized cost parameters (production uses Django's defaults)."""
    settings.PASSWORD_HASHERS = ["tests.hashers.TestArgon2PasswordHasher"]


@pytest.fixture(scope="module")
def route_world(django_db_setup: None, django_db_blocker: Any) -> Iterator[World]:
    """The generic suites' world (tests/route_suite.py), seeded once per test module inside a transaction
    that is rolled back at the end of the module; each test runs in a savepoint of its own within it."""
    with seeded_once(django_db_blocker):
        yield build_world()


@pytest.fixture
def world(route_world: World, db: None) -> World:
    """The seeded world for one test: its database changes are rolled back after the test."""
    return fresh(route_world)


@pytest.fixture
def stopped_worker(settings, tmp_path):
    """A queue with no worker running (as when the worker is stopped): the test runs what it holds."""
    from accord.core.jobs import queue

    settings.ACCORD_JOBS_IMMEDIATE = False
    settings.ACCORD_JOBS_FILE = tmp_path / "jobs.sqlite3"
    queue.reset()

    def run_queued() -> int:
        huey, done = queue.huey(), 0
        while (task := huey.dequeue()) is not None:
            huey.execute(task)
            done += 1
        return done

    yield run_queued
    queue.reset()
