"""Read answers computed once per version of an organisation's data (decision 0035).

* The key holds `accord.core.dataversion.data_version(org)`, the audit chain's head: a row, so a write by
  another worker process, another machine or a background job changes it for every reader at once.
* `api_read(action)`: a django-ninja operation whose JSON answer is stored under a key of the
  organisation, its data version, the member's role, the language, the time zone, the organisation's
  date, the path and every query parameter; the next identical read with the same key is the stored bytes.
* `fragment(request, name, render)`: the same for the part of a page that carries nothing of the viewer
  (no CSRF token, no name or choice of theirs): the page around it is rendered for each request.

What an answer depends on besides the data is in the key: the role (permissions are the role's), the
language and time zone (labels, numbers, dates), the organisation's local date (overdue, expired,
accepted). Code that reads something the version does not cover calls `dataversion.not_storable()` while
the answer is computed (the register's simulation that a worker has not finished: its figures are stale or
pending), and that answer is not stored. A name changed on a person's profile is not tenant data: stored answers
live at most `ACCORD_ANSWER_SECONDS`, which bounds how long an owner's old name can show.

Stored in Django's cache alias `answers`: this process's memory by default, Redis when ACCORD_REDIS_URL is
set (decision 0035). Off with ACCORD_ANSWER_CACHE=0 (the test suite, which writes rows without services).
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Callable
from importlib import metadata
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.cache import BaseCache, caches
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.safestring import SafeString, mark_safe
from ninja.decorators import decorate_view

from accord.core.apikit import org_access
from accord.core.clock import org_today
from accord.core.dataversion import computing, data_version, version_known
from accord.core.permissions import actions_for

if TYPE_CHECKING:
    from accord.core.models import Membership

ALIAS = "answers"
_PREFIX = "answer:"


def _store() -> BaseCache | None:
    if not settings.ACCORD_ANSWER_CACHE or ALIAS not in settings.CACHES:
        return None
    return caches[ALIAS]


@functools.cache
def _release() -> str:
    """The installed Accord version: a new release (new templates, new fields) starts afresh in a shared store."""
    try:
        return metadata.version("accord")
    except metadata.PackageNotFoundError:
        return "unreleased"


def _key(kind: str, membership: Membership, request: HttpRequest, version: str) -> str:
    org = membership.organization
    query = sorted(request.GET.lists())
    parts = [_release(), kind, org.pk, version, membership.role, translation.get_language(),
             timezone.get_current_timezone_name(), org_today(org).isoformat(), request.path, query]
    digest = hashlib.sha256(json.dumps(parts, separators=(",", ":")).encode()).hexdigest()
    return f"{_PREFIX}{org.pk}:{digest}"


def fragment(request: HttpRequest, name: str, template: str, context: Callable[[], dict[str, Any]]) -> SafeString:
    """`template` rendered with `context()`, `org` and `can` (the role's actions) only, never the request, so
    no CSRF token and nothing of the viewer can get in: stored under the read-answer key of `request`'s
    member (`name` tells fragments apart, besides the path and the query), and computed only on a miss."""
    membership: Membership = request.membership  # type: ignore[attr-defined]  # set by org_view

    def render() -> str:
        return render_to_string(template, {"org": membership.organization, "can": actions_for(membership.role),
                                           **context()})

    store = _store()
    if store is None:
        return mark_safe(render())  # noqa: S308 - our own template, autoescaped
    org = membership.organization
    # Read once per request however many fragments a page has (a GET view writes no tenant data).
    version = getattr(request, _VERSION, None) or data_version(org)
    setattr(request, _VERSION, version)
    key = _key(f"web:{name}", membership, request, version)
    html = store.get(key)
    if html is None:
        with version_known(org, version), computing() as flags:
            html = render()
        if flags[0]:
            store.set(key, html, timeout=settings.ACCORD_ANSWER_SECONDS)
    return mark_safe(html)  # noqa: S308 - our own template, autoescaped


# --- the API ---------------------------------------------------------------------------------------------

_PENDING = "_accord_answer_key"
_VERSION = "_accord_data_version"


def api_read(action: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Decorate a django-ninja GET operation under `@router.get` (above `@paginate`) whose handler requires
    `action` of the caller's role: the token's checks and `org_access` run first, so a stored answer is never
    served to a caller who may not read it. A stored answer is returned as it was sent; otherwise the
    operation runs and, once django-ninja has encoded a 200, the bytes are stored."""

    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(view)
        def cached(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            membership = org_access(request, kwargs["org"], action)
            store = _store()
            if store is None:
                return view(request, *args, **kwargs)
            org = membership.organization
            version = data_version(org)
            key = _key("api", membership, request, version)
            hit = store.get(key)
            if hit is not None:
                content, content_type = hit
                return HttpResponse(content, content_type=content_type)
            with version_known(org, version), computing() as flags:
                result = view(request, *args, **kwargs)
            if flags[0]:
                setattr(request, _PENDING, key)  # stored by `_store_encoded` once encoded
            return result

        return decorate_view(_store_encoded)(cached)

    return decorate


def _store_encoded(run: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """Around the operation's run: store the encoded 200 of an answer `api_read` marked storable."""

    @functools.wraps(run)
    def stored(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        response = run(request, *args, **kwargs)
        key = getattr(request, _PENDING, None)
        if key is not None and isinstance(response, HttpResponse) and response.status_code == 200:
            delattr(request, _PENDING)
            store = _store()
            if store is not None:
                store.set(key, (response.content, response["Content-Type"]), timeout=settings.ACCORD_ANSWER_SECONDS)
        return response

    return stored
