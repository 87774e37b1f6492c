"""Shared machinery of the generic route suites: enumerate the real routes, call one as a persona."""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from accord.api import api
from tests.factories import Persona
from tests.routes import ROUTES, SEEDERS, UNSCOPED_API, UNSCOPED_UI, UNSCOPED_UI_PREFIXES, Route, Seed


def ui_url_names() -> set[tuple[str, str]]:
    """(name, route text) of every named UI URL pattern, API excluded."""
    found: set[tuple[str, str]] = set()

    def walk(patterns: list[Any], prefix: str, namespace: str) -> None:
        for p in patterns:
            if isinstance(p, URLResolver):
                ns = namespace
                if p.namespace:
                    ns = f"{namespace}:{p.namespace}" if namespace else p.namespace
                walk(p.url_patterns, prefix + str(p.pattern), ns)
            elif isinstance(p, URLPattern):
                name = f"{namespace}:{p.name}" if namespace and p.name else (p.name or "")
                found.add((name, prefix + str(p.pattern)))

    walk(get_resolver().url_patterns, "", "")
    return {(n, r) for n, r in found if not r.startswith("api/v1/") or n.startswith("api:openapi")
            or n == "api:api-root"}


def api_operations() -> set[str]:
    """'METHOD /api/v1/path' for every operation in the OpenAPI document."""
    schema = api.get_openapi_schema()
    return {f"{method.upper()} {path}" for path, ops in schema["paths"].items() for method in ops}


def unknown_routes() -> list[str]:
    known_ui = {r.key for r in ROUTES if not r.is_api} | UNSCOPED_UI
    known_api = {r.key for r in ROUTES if r.is_api} | UNSCOPED_API
    missing = [f"UI {name or '(unnamed)'} ({route})" for name, route in sorted(ui_url_names())
               if name not in known_ui and not route.startswith(UNSCOPED_UI_PREFIXES)]
    missing += [f"API {op}" for op in sorted(api_operations()) if op not in known_api]
    return missing


def seed(org: Any) -> Seed:
    data: Seed = {}
    for seeder in SEEDERS:
        data.update(seeder(org))
    return data


def call(route: Route, persona: Persona, org_slug: str, seed_data: Seed) -> Any:
    """Call `route` as `persona` against organisation `org_slug`, naming objects from `seed_data`."""
    kwargs = route.kwargs(seed_data, persona) if route.kwargs else {}
    body = route.body(seed_data, persona) if route.body else None
    if route.is_api:
        path = route.key.split(" ", 1)[1].replace("{org}", org_slug)
        for name, value in kwargs.items():
            path = path.replace("{" + name + "}", str(value))
        client = Client()
        method = getattr(client, route.method.lower())
        if route.method == "GET":
            return method(path, **persona.auth())
        if body and any(isinstance(v, UploadedFile) for v in body.values()):
            return method(path, data=body, **persona.auth())  # a file upload: multipart
        return method(path, data=body or {}, content_type="application/json", **persona.auth())
    client = Client()
    client.force_login(persona.user)
    url = reverse(route.key, kwargs={"org": org_slug, **kwargs})
    if route.method == "GET":
        return client.get(url)
    return client.post(url, data=body or {})
