"""Security headers Django does not set by itself, the idle-session sign-out, the API's paths with or
without their trailing slash, and the API's 405 in its error shape."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import Resolver404, URLResolver, get_resolver
from django.utils.cache import patch_cache_control

from accord.errors import page_not_found

PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()"


class PermissionsPolicyMiddleware:
    """Deny powerful browser features Accord never uses."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response


class NoStoreMiddleware:
    """`Cache-Control: no-store` on every API answer and on every page served to a signed-in person, so
    no browser or shared cache keeps what only they may see. Static files never reach it (whitenoise
    answers them earlier, with their own long-lived caching)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if request.path.startswith("/api/") or (user is not None and user.is_authenticated):
            patch_cache_control(response, no_store=True)
        return response


#: Session key: when (seconds since the epoch) this session last made a request, to the minute.
LAST_SEEN = "accord_last_seen"
_STAMP_EVERY = 60


class IdleSessionMiddleware:
    """Signs out a session idle longer than ACCORD_SESSION_IDLE_MINUTES on its next request. The
    last-seen stamp is rewritten at most once a minute, so most requests do not save the session."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = int(time.time())
            last = request.session.get(LAST_SEEN)
            if isinstance(last, int) and now - last > settings.ACCORD_SESSION_IDLE_MINUTES * 60:
                logout(request)
            elif not isinstance(last, int) or now - last >= _STAMP_EVERY:
                request.session[LAST_SEEN] = now
        return self.get_response(request)


class ApiEitherSlashMiddleware:
    """Every API path answers with and without its trailing slash, without a redirect. The routes keep
    both habits (`privacy/requests/{id}` has none, `incidents/{id}/` has one) and Django's APPEND_SLASH
    would answer a write to the slash-less form of the second a 301, which a client follows with a GET
    and so loses the write (or, with DEBUG on, a 500 page). Placed before CommonMiddleware: an /api/ path
    that does not resolve is served as its other form when that one does; one that resolves in neither
    form answers the API's JSON 404 here, before Django's HTML one (DEBUG) or a redirect can.
    The OpenAPI document is left as it is: it names each operation once, in the form the route declares."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        path = request.path_info
        if path.startswith("/api/"):
            resolver = get_resolver(getattr(request, "urlconf", None))
            other = path[:-1] if path.endswith("/") else path + "/"
            served, other_served = _parameters(resolver, path), _parameters(resolver, other)
            if served is None and other_served is None:
                response = page_not_found(request, Exception())
                patch_cache_control(response, no_store=True)  # NoStoreMiddleware comes after this one
                return response
            # The form whose route takes fewer path parameters: `systems/export/` is `systems/export`, not the
            # system whose id would be "export" (`systems/{system_id}/`).
            if other_served is not None and (served is None or other_served < served):
                request.path = request.path[:len(request.path) - len(path)] + other
                request.path_info = other
        return self.get_response(request)


def _parameters(resolver: URLResolver, path: str) -> int | None:
    """How many path parameters the route serving `path` takes (None: no route serves it)."""
    try:
        match = resolver.resolve(path)
    except Resolver404:
        return None
    return len(match.args) + len(match.kwargs)


class ApiMethodNotAllowedMiddleware:
    """django-ninja answers a method an API path does not serve with a bare 405: give it the API's one
    error shape, naming the methods allowed (its `Allow` header stays)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (response.status_code == 405 and request.path.startswith("/api/")
                and not response.get("Content-Type", "").startswith("application/json")):
            allowed = response.get("Allow", "")
            detail = f"{request.method} is not allowed here; use {allowed or 'another method'}."
            shaped = JsonResponse({"detail": detail, "errors": []}, status=405)
            for header in ("Allow", "Vary", "Cache-Control"):
                if header in response:
                    shaped[header] = response[header]
            return shaped
        return response
