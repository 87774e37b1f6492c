"""What the register's pages share: htmx-aware rendering and redirects, query strings, the filter form,
and a service's errors on a form."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers

from accord.core import selectors as core_selectors
from accord.core.models import User
from accord.core.web import OrgRequest, apply_errors, is_htmx
from accord.risks import selectors
from accord.risks.forms import RiskFilterForm


def actor(request: HttpRequest) -> User:
    """The signed-in user, who acts in the services."""
    return cast(User, request.user)


def wants_partial(request: HttpRequest) -> bool:
    """An htmx swap (not htmx restoring a page from history, which needs the whole page)."""
    return is_htmx(request) and request.headers.get("HX-History-Restore-Request") != "true"


def render_page(request: HttpRequest, page: str, partial: str, context: dict[str, Any]) -> HttpResponse:
    """The whole `page`, or only its `partial` for an htmx swap."""
    is_partial = wants_partial(request)
    response = render(request, partial if is_partial else page, {**context, "partial": is_partial})
    patch_vary_headers(response, ["HX-Request"])  # a cache must not answer a page visit with a partial
    return response


def go(request: HttpRequest, url: str) -> HttpResponse:
    """Redirect; an htmx request (a confirmed delete or signature) reloads the whole page at `url`."""
    if is_htmx(request):
        # Without the #fragment: a redirect to the same page with only a fragment would not reload it, and
        # the messages show at the top of the page anyway.
        response = HttpResponse()
        response["HX-Redirect"] = url.split("#", 1)[0]
        return response
    return redirect(url)


def query_string(request: HttpRequest, *, drop: Iterable[str] = ("page",), **values: str) -> str:
    """This request's query string without the `drop` parameters and empty values (an empty filter
    says nothing), with `values` set."""
    query = request.GET.copy()
    for name in (*drop, *values):
        query.pop(name, None)
    for name, given in list(query.lists()):
        query.setlist(name, [value for value in given if value])
        if not query.getlist(name):
            del query[name]
    for name, value in values.items():
        query[name] = value
    return query.urlencode()


def push_clean_url(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """For an htmx filter request, the address the browser shows: without the form's empty fields."""
    if is_htmx(request) and any(not value for values in request.GET.lists() for value in values[1]):
        clean = query_string(request, drop=())
        response["HX-Push-Url"] = f"{request.path}?{clean}" if clean else request.path
    return response


def filter_form(request: OrgRequest) -> RiskFilterForm:
    """The register's filters, from the query string."""
    return RiskFilterForm(request.GET, categories=selectors.categories(request.org),
                          members=core_selectors.members(request.org))


def field_errors(form: forms.Form, exc: ValidationError, rename: Mapping[str, str] | None = None) -> None:
    """A service's errors on the form; a field the form lacks is named in the message."""
    if not hasattr(exc, "error_dict"):
        apply_errors(form, exc)
        return
    for field, errors in exc.message_dict.items():
        target = (rename or {}).get(field, field)
        for message in errors:
            if target in form.fields:
                form.add_error(target, message)
            else:
                form.add_error(None, f"{field.replace('_', ' ').capitalize()}: {message}")
