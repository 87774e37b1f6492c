"""Helpers every app's views share: organisation-scoped access and service errors on forms."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from accord.core.auth import has_second_factor
from accord.core.models import Membership, Organization
from accord.core.permissions import require
from accord.core.selectors import access_membership

View = TypeVar("View", bound=Callable[..., HttpResponse])


class OrgRequest(HttpRequest):
    """A request inside an organisation: `org` and `membership` are set by `org_view`."""

    org: Organization
    membership: Membership


def two_factor_setup_redirect(request: HttpRequest, org: Organization) -> HttpResponse:
    """Send a member without a second factor to allauth's set-up page, saying which organisation asks for it."""
    messages.warning(request, f"{org.name} requires two-factor authentication. Set up an authenticator app for "
                              f"your account, then open {org.name} again.")
    url = reverse("mfa_activate_totp")
    if is_htmx(request):  # a partial update would swap the set-up page into a fragment: load it as a page
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return redirect(url)


def org_view(action: str) -> Callable[[View], View]:
    """Resolve the URL's organisation for the signed-in member (404 if not theirs), send them to set up
    a second factor if the organisation requires one they lack, and require `action` of their role
    (403). The view receives the request with `org` and `membership` set."""

    def decorate(view: View) -> View:
        @login_required
        @wraps(view)
        def wrapped(request: HttpRequest, org: str, *args: Any, **kwargs: Any) -> HttpResponse:
            membership = access_membership(request.user, org)  # type: ignore[arg-type]
            if membership.organization.two_factor_required and not has_second_factor(request.user):
                return two_factor_setup_redirect(request, membership.organization)
            require(membership.role, action)
            req = cast(OrgRequest, request)
            req.membership = membership
            req.org = membership.organization
            if request.session.get("last_org") != org:
                request.session["last_org"] = org
            return view(req, *args, **kwargs)

        return cast(View, wrapped)

    return decorate


def apply_errors(form: forms.Form, exc: ValidationError) -> None:
    """Show a service's field errors on the form's fields (unknown fields as form-wide errors)."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            for message in errors:
                form.add_error(field if field in form.fields else None, message)
    else:
        for message in exc.messages:
            form.add_error(None, message)


def is_htmx(request: HttpRequest) -> bool:
    """True for requests htmx sends (partial page updates)."""
    return request.headers.get("HX-Request") == "true"


def site_url(request: HttpRequest) -> str:
    """Where links in e-mails point: ACCORD_BASE_URL, or else the address this request came to."""
    return str(settings.ACCORD_BASE_URL or request.build_absolute_uri("/"))
