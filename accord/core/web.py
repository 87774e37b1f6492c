"""Helpers every app's views share: organisation-scoped access and service errors on forms."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast
from urllib.parse import urlencode, urlsplit

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from accord.core.auth import has_second_factor, session_used_second_factor
from accord.core.models import Membership, Organization
from accord.core.permissions import require
from accord.core.selectors import access_membership

View = TypeVar("View", bound=Callable[..., HttpResponse])


class OrgRequest(HttpRequest):
    """A request inside an organisation: `org` and `membership` are set by `org_view`."""

    org: Organization
    membership: Membership


def two_factor_redirect(request: HttpRequest, org: Organization) -> HttpResponse | None:
    """None if the member may work in `org` under its two-factor policy. Otherwise a redirect, with a
    message naming the organisation: to allauth's set-up page for a member without a second factor, or
    to confirm it (allauth's re-authentication, then back here) for a session opened without it."""
    if not org.two_factor_required or session_used_second_factor(request):
        return None
    if not has_second_factor(request.user):
        messages.warning(request, f"{org.name} requires two-factor authentication. Set up an authenticator app "
                                  f"for your account, then open {org.name} again.")
        url = reverse("mfa_activate_totp")
    else:
        messages.warning(request, f"{org.name} requires two-factor authentication: confirm with a code from "
                                  "your authenticator app.")
        back = request.get_full_path()
        if is_htmx(request):  # come back to the page, not to the fragment it asked for
            back = urlsplit(request.headers.get("HX-Current-URL", "")).path or reverse("core:dashboard",
                                                                                        kwargs={"org": org.slug})
        url = f"{reverse('mfa_reauthenticate')}?{urlencode({'next': back})}"
    if is_htmx(request):  # a partial update would swap the page into a fragment: load it as a page
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
            if (refused := two_factor_redirect(request, membership.organization)) is not None:
                return refused
            req = cast(OrgRequest, request)
            req.membership = membership  # before the check: a 403 page names the organisation it is in
            req.org = membership.organization
            require(membership.role, action)
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
