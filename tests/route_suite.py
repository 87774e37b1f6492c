"""Shared machinery of the generic route suites: collect every app's route list, enumerate the routes
Accord really serves, seed a world once per test module, and call one route as a persona.

How the served methods are found
--------------------------------
API: every URL pattern under `api/v1/` is asked with OPTIONS through its own view, without middleware
or credentials. No operation answers OPTIONS, so the view answers 405 with an `Allow` header naming
the methods it serves (HTTP requires it; django-ninja answers so before authentication). This finds
the operations hidden from the OpenAPI document too (the slash-less aliases).

UI: Django's method decorators (`require_GET`, `require_POST`, `require_http_methods`) keep their
lists in closures, so nothing reads them reliably. Each organisation URL is therefore called with
each method, as a member whose role passes the view's permission check (an admin first, other roles
when the admin is refused), inside a savepoint that is rolled back. An answer of 405 means "not
served"; any other answer (200, 302, 403 from the view body, even 404 for a placeholder object) means
the view accepts the method. A view without any method decorator thus shows up as serving PUT, PATCH
and DELETE too, which is what it does.
"""

from __future__ import annotations

import contextlib
import copy
import functools
import importlib
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.http import HttpResponseBase
from django.test import Client, RequestFactory, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.converters import IntConverter, UUIDConverter

from accord.api import api
from accord.core.choices import Role
from accord.core.models import AuditChain, Organization
from tests.factories import Persona, make_member, make_org
from tests.routes import API_METHODS, UNSCOPED_API, UNSCOPED_UI, UNSCOPED_UI_PREFIXES, Grower, Route, Seed

TESTS = Path(__file__).resolve().parent


# --- collecting the apps' route lists -----------------------------------------------------------------
def _route_modules() -> list[Any]:
    """tests/<app>/routes.py of every app, in INSTALLED_APPS order (core first), then any other."""
    found = {p.parent.name for p in TESTS.glob("*/routes.py")}
    ordered = [c.label for c in apps.get_app_configs() if c.label in found]
    ordered += sorted(found - set(ordered))
    return [importlib.import_module(f"tests.{name}.routes") for name in ordered]


_MODULES = _route_modules()
#: Every route the apps declare (without the derived variants: see `suite_routes`).
ROUTES: list[Route] = [r for m in _MODULES for r in m.ROUTES]
SEEDERS: list[Callable[[Organization], Seed]] = [s for m in _MODULES for s in getattr(m, "SEEDERS", [])]
GROWERS: list[Grower] = [g for m in _MODULES for g in getattr(m, "GROWERS", [])]


# --- what Accord serves ---------------------------------------------------------------------------------
def _walk(patterns: list[Any], prefix: str = "", namespace: str = "") -> Iterator[tuple[str, str, URLPattern]]:
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = namespace
            if p.namespace:
                ns = f"{namespace}:{p.namespace}" if namespace else p.namespace
            yield from _walk(p.url_patterns, prefix + str(p.pattern), ns)
        elif isinstance(p, URLPattern):
            name = f"{namespace}:{p.name}" if namespace and p.name else (p.name or "")
            yield name, prefix + str(p.pattern), p


_API_ROOT = "api/v1/"
_API_UI = {"api:api-root", "api:openapi-json", "api:openapi-view"}  # pages of the API, not operations


def ui_url_names() -> set[tuple[str, str]]:
    """(name, route text) of every named UI URL pattern, API operations excluded."""
    return {(n, r) for n, r, _ in _walk(get_resolver().url_patterns) if not r.startswith(_API_ROOT) or n in _API_UI}


@functools.cache
def api_operations() -> frozenset[str]:
    """'METHOD /api/v1/path' for every operation in the OpenAPI document."""
    schema = api.get_openapi_schema()
    return frozenset(f"{method.upper()} {path}" for path, ops in schema["paths"].items() for method in ops)


@functools.cache
def served_api_operations() -> frozenset[str]:
    """'METHOD /api/v1/path' for every operation the API serves, those hidden from the document included."""
    served: set[str] = set()
    factory = RequestFactory()
    for name, route, pattern in _walk(get_resolver().url_patterns):
        if not route.startswith(_API_ROOT) or name in _API_UI:
            continue
        path = "/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route)
        response = pattern.callback(factory.options("/" + route))
        allow = response.get("Allow", "") if response.status_code == 405 else ""
        if not allow:
            raise AssertionError(f"{path} did not answer OPTIONS with 405 and an Allow header: cannot tell its "
                                 f"methods (answered {response.status_code})")
        served |= {f"{m.strip()} {path}" for m in allow.split(",") if m.strip() in API_METHODS}
    return frozenset(served)


def api_aliases() -> list[Route]:
    """Routes for the served operations missing from the OpenAPI document that repeat a documented one
    with or without its trailing slash: the same permission, objects and input as their twin."""
    by_key = {r.key: r for r in ROUTES if r.is_api}
    aliases = []
    for op in sorted(served_api_operations() - api_operations() - set(by_key)):
        method, path = op.split(" ", 1)
        twin = by_key.get(f"{method} {path[:-1] if path.endswith('/') else path + '/'}")
        if twin is not None:
            aliases.append(replace(twin, key=op))
    return aliases


def suite_routes() -> list[Route]:
    """What the generic suites run over: the declared routes, every UI route again as an htmx request
    (views answer partials to `HX-Request: true`), and the API's hidden aliases."""
    htmx = [replace(r, htmx=True) for r in ROUTES if not r.is_api]
    return ROUTES + htmx + api_aliases()


def _placeholder(converter: Any) -> Any:
    if isinstance(converter, IntConverter):
        return 999_999
    if isinstance(converter, UUIDConverter):
        return "00000000-0000-0000-0000-000000000000"
    return "probe"


def _org_scoped_patterns() -> dict[str, URLPattern]:
    """URL name → pattern of every UI URL inside an organisation (those taking `org`)."""
    found = {}
    for name, route, pattern in _walk(get_resolver().url_patterns):
        if route.startswith(_API_ROOT) or not name or name in UNSCOPED_UI:
            continue
        if "<str:org>" in route or "<org>" in route:
            found[name] = pattern
    return found


def served_ui_routes(world: World) -> set[tuple[str, str]]:
    """(URL name, method) of every organisation UI route, found by calling it (see the module docstring).

    A declared (name, method) is taken as served without a call: the role table calls it, and a 405
    there fails it. Only the methods no route declares are called, and they should all answer 405."""
    declared = {(r.key, r.method) for r in ROUTES if not r.is_api}
    kwargs_of = {r.key: r.kwargs for r in ROUTES if not r.is_api and r.kwargs is not None}
    clients: dict[str, Client] = {}
    served = set(declared)
    for name, pattern in sorted(_org_scoped_patterns().items()):
        if (hook := kwargs_of.get(name)) is not None:
            kwargs = hook(world.seed_a, world.personas[Role.ADMIN])
        else:
            kwargs = {k: _placeholder(c) for k, c in pattern.pattern.converters.items() if k != "org"}
        url = reverse(name, kwargs={"org": world.org_a.slug, **kwargs})
        for method in API_METHODS:
            if (name, method) in declared:
                continue
            for role in [Role.ADMIN, *[r for r in Role if r != Role.ADMIN]]:
                if role not in clients:
                    clients[role] = Client()
                    clients[role].force_login(world.personas[role].user)
                with transaction.atomic():
                    status = clients[role].generic(method, url).status_code
                    transaction.set_rollback(True)
                if status != 403:
                    break
            if status != 405:
                served.add((name, method))
    return served


def unknown_routes(world: World) -> list[str]:
    """Served routes no app lists (and listed routes nothing serves)."""
    known_ui = {(r.key, r.method) for r in ROUTES if not r.is_api}
    known_api = {r.key for r in ROUTES if r.is_api} | {r.key for r in api_aliases()} | UNSCOPED_API
    org_names = set(_org_scoped_patterns())
    served_ui = served_ui_routes(world)
    problems = [f"UI {name or '(unnamed)'} ({route})" for name, route in sorted(ui_url_names())
                if name not in org_names and name not in UNSCOPED_UI and not route.startswith(UNSCOPED_UI_PREFIXES)]
    problems += [f"UI {method} {name}" for name, method in sorted(served_ui - known_ui)]
    problems += [f"API {op}" for op in sorted(served_api_operations() - known_api)]
    problems += [f"listed but not served: API {op}" for op in sorted(known_api - served_api_operations())]
    return problems


# --- the seeded world -----------------------------------------------------------------------------------
@dataclass
class World:
    """Organisation A with one persona per role (and an admin keeper), organisation B (names carry the
    canary "CANARYB") with its admin, and every app's seeded objects in both."""

    org_a: Organization
    org_b: Organization
    personas: dict[str, Persona]
    outsider: Persona
    seed_a: Seed
    seed_b: Seed
    extra: dict[str, Any] = field(default_factory=dict)


def seed(org: Organization, persona: Persona | None = None) -> Seed:
    data: Seed = {"org": org, "persona": persona}
    for seeder in SEEDERS:
        data.update(seeder(org))
    return data


@dataclass
class SuitePersona(Persona):
    """A persona with a signed-in session made once for the world (signing in on every call costs more
    than most of the calls)."""

    session_key: str = ""


def _signed_in(persona: Persona) -> SuitePersona:
    client = Client()
    client.force_login(persona.user)
    return SuitePersona(user=persona.user, membership=persona.membership, org=persona.org, _token=persona.token,
                        session_key=client.cookies[settings.SESSION_COOKIE_NAME].value)


def build_world() -> World:
    org_a = make_org("org-a", name="Alpha Clinic")
    org_b = make_org("org-b", name="CANARYB Bank")
    make_member(org_a, Role.ADMIN, email="keeper@a.test")  # so that no role change leaves A without an admin
    # Tokens and sessions are made now, so that no test's rollback takes them away.
    personas = {role: _signed_in(make_member(org_a, role, email=f"{role}@a.test")) for role in Role}
    outsider = _signed_in(make_member(org_b, Role.ADMIN, email="admin@canaryb.test", full_name="CANARYB Admin"))
    return World(org_a, org_b, personas, outsider, seed(org_a), seed(org_b))


def fresh(world: World) -> World:
    """A copy whose model instances no test has changed in memory (the database is rolled back per test)."""
    return copy.deepcopy(world)


@contextlib.contextmanager
def seeded_once(django_db_blocker: Any) -> Iterator[None]:
    """For a module-scoped fixture: database access inside a transaction rolled back when the module ends
    (each test, with the `db` fixture, runs in a savepoint of its own inside it), cheap password hashing."""
    cheap = override_settings(PASSWORD_HASHERS=["tests.hashers.TestArgon2PasswordHasher"])
    with django_db_blocker.unblock(), cheap, transaction.atomic():
        yield
        transaction.set_rollback(True)


@dataclass
class Side:
    """One organisation of the query-count world: a signed-in persona per role, its seed, grown."""

    personas: dict[str, SuitePersona]
    seed: Seed


@dataclass
class QueryWorld:
    """Two organisations seeded alike whose lists then grew by `small` and by `large` rows of each kind."""

    small: Side
    large: Side


def _side(slug: str, rows: int) -> Side:
    org = make_org(slug, name=f"Query {slug}")
    personas = {role: _signed_in(make_member(org, role, email=f"{role}@{slug}.test")) for role in Role}
    data = seed(org, personas[Role.ADMIN])
    for grow in GROWERS:
        grow(data, rows)
    return Side(personas, data)


def build_query_world(small: int, large: int) -> QueryWorld:
    return QueryWorld(_side("q-small", small), _side("q-large", large))


# --- calling a route ------------------------------------------------------------------------------------
@dataclass
class Call:
    """A prepared request: set-up hooks (kwargs, body) already ran."""

    route: Route
    persona: Persona
    url: str
    body: dict[str, Any] | None

    def send(self) -> HttpResponseBase:
        route, persona = self.route, self.persona
        headers = {"HTTP_HX_REQUEST": "true"} if route.htmx else {}
        client = Client()
        if route.is_api:
            method = getattr(client, route.method.lower())
            if route.method == "GET":
                return method(self.url, **persona.auth())
            if self.body and any(isinstance(v, UploadedFile) for v in self.body.values()):
                return method(self.url, data=self.body, **persona.auth())  # multipart
            return method(self.url, data=self.body or {}, content_type="application/json",
                          **persona.auth())
        if session_key := getattr(persona, "session_key", ""):
            client.cookies[settings.SESSION_COOKIE_NAME] = session_key
        else:
            client.force_login(persona.user)
        if route.method == "GET":
            return client.get(self.url, **headers)
        if route.method == "POST":
            return client.post(self.url, data=self.body or {}, **headers)
        return client.generic(route.method, self.url, **headers)


def prepare(route: Route, persona: Persona, org_slug: str, seed_data: Seed) -> Call:
    """Run the route's set-up hooks for `persona` against organisation `org_slug` (objects from `seed_data`)."""
    kwargs = route.kwargs(seed_data, persona) if route.kwargs else {}
    body = route.body(seed_data, persona) if route.body else None
    if route.is_api:
        path = route.path.replace("{org}", org_slug)
        for name, value in kwargs.items():
            path = path.replace("{" + name + "}", str(value))
        return Call(route, persona, path, body)
    return Call(route, persona, reverse(route.key, kwargs={"org": org_slug, **kwargs}), body)


def call(route: Route, persona: Persona, org_slug: str, seed_data: Seed) -> HttpResponseBase:
    """Call `route` as `persona` against organisation `org_slug`, naming objects from `seed_data`."""
    return prepare(route, persona, org_slug, seed_data).send()


def audit_head(org: Organization) -> int:
    """The sequence number of `org`'s newest audit event (0 for none)."""
    return int(AuditChain.objects.for_org(org).values_list("last_seq", flat=True).get())
