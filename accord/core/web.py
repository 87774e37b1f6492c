"""What every app's views share: the typed request of a signed-in member, organisation-scoped access,
htmx-aware rendering and redirects, query strings, and a service's errors on a form."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from functools import wraps
from typing import Any, TypeVar, cast
from urllib.parse import urlencode, urlsplit

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _

from accord.core import ssorules
from accord.core.auth import get_authentication_records, has_second_factor, session_used_second_factor
from accord.core.i18n import activate_for
from accord.core.models import Membership, Organization, User
from accord.core.permissions import require
from accord.core.selectors import access_membership

View = TypeVar("View", bound=Callable[..., HttpResponse])


class AuthenticatedRequest(HttpRequest):
    """A request of a signed-in user (a view behind `login_required`): `user` is an Accord `User`, the
    one who acts in the services."""

    user: User


class OrgRequest(AuthenticatedRequest):
    """A request inside an organisation: `org` and `membership` (the acting member) are set by `org_view`."""

    org: Organization
    membership: Membership


def two_factor_redirect(request: HttpRequest, org: Organization) -> HttpResponse | None:
    """None if the member may work in `org` under its two-factor policy. Otherwise a redirect, with a
    message naming the organisation: to allauth's set-up page for a member without a second factor, or
    to confirm it (allauth's re-authentication, then back here) for a session opened without it."""
    if not org.two_factor_required:
        return None
    # The account is checked on every request, before the session: a session that proved a factor keeps
    # no access once the account has none left (removed elsewhere, or by an operator).
    if not has_second_factor(request.user):
        messages.warning(request, _("%(org)s requires two-factor authentication. Set up an authenticator app for "
                                    "your account, then open %(org)s again.") % {"org": org.name})
        url = reverse("mfa_activate_totp")
    elif session_used_second_factor(request):
        return None
    else:
        messages.warning(request, _("%(org)s requires two-factor authentication: confirm with a code from your "
                                    "authenticator app.") % {"org": org.name})
        url = f"{reverse('mfa_reauthenticate')}?{urlencode({'next': _back(request, org)})}"
    return _page_redirect(request, url)


def _page_redirect(request: HttpRequest, url: str) -> HttpResponse:
    if is_htmx(request):  # a partial update would swap the page into a fragment: load it as a page
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return redirect(url)


def _back(request: HttpRequest, org: Organization) -> str:
    """The page to come back to after signing in again: this one (the page, not an htmx fragment)."""
    if is_htmx(request):
        return urlsplit(request.headers.get("HX-Current-URL", "")).path or reverse("core:dashboard",
                                                                                    kwargs={"org": org.slug})
    return request.get_full_path()


def sign_in_redirect(request: AuthenticatedRequest, org: Organization) -> HttpResponse | None:
    """None if this session's sign-in opens `org` (decision 0033, `ssorules.door`). Otherwise a redirect with
    a message naming the organisation: through its identity provider when it requires single sign-on, or to
    confirm the password when the session came through another organisation's provider."""
    door = ssorules.door(org.slug, sso_required=org.sso_required,
                         records=get_authentication_records(request, request.user))
    if door == ssorules.Door.OPEN:
        return None
    if door == ssorules.Door.SSO:
        messages.warning(request, _("%(org)s requires signing in through its identity provider.") % {"org": org.name})
        url = f"{reverse('sso_start')}?{urlencode({'organisation': org.slug, 'next': _back(request, org)})}"
    elif request.user.has_usable_password():
        messages.warning(request, _("You signed in through an organisation's identity provider, which opens that "
                                    "organisation only: confirm your password to open %(org)s.") % {"org": org.name})
        url = f"{reverse('account_reauthenticate')}?{urlencode({'next': _back(request, org)})}"
    else:
        messages.error(request, _("You signed in through an organisation's identity provider, which opens that "
                                  "organisation only, and your account has no password: %(org)s stays closed to "
                                  "this session.") % {"org": org.name})
        url = reverse("org_list")
    return _page_redirect(request, url)


def org_view(action: str) -> Callable[[View], View]:
    """Resolve the URL's organisation for the signed-in member (404 if not theirs), send them to set up
    a second factor if the organisation requires one they lack, and require `action` of their role
    (403). The view receives the request with `org` and `membership` set (an `OrgRequest`)."""

    def decorate(view: View) -> View:
        @login_required
        @wraps(view)
        def wrapped(request: HttpRequest, org: str, *args: Any, **kwargs: Any) -> HttpResponse:
            user = request.user
            if not isinstance(user, User):  # login_required lets only signed-in users through
                raise PermissionDenied
            membership = access_membership(user, org)
            activate_for(request, organisation=membership.organization.language)
            if (refused := sign_in_redirect(cast(AuthenticatedRequest, request), membership.organization)
                    or two_factor_redirect(request, membership.organization)) is not None:
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


# --- htmx -------------------------------------------------------------------------------------------------

def is_htmx(request: HttpRequest) -> bool:
    """True for requests htmx sends (partial page updates)."""
    return request.headers.get("HX-Request") == "true"


def wants_partial(request: HttpRequest) -> bool:
    """An htmx swap (not htmx restoring a page from history, which needs the whole page)."""
    return is_htmx(request) and request.headers.get("HX-History-Restore-Request") != "true"


def vary_on_htmx(response: HttpResponse) -> HttpResponse:
    """Mark a response that differs for htmx: a cache must not answer a page visit with a partial."""
    patch_vary_headers(response, ["HX-Request"])
    return response


def render_page(request: HttpRequest, page: str, partial: str, context: dict[str, Any], *,
                status: int = 200) -> HttpResponse:
    """The whole `page`, or only its `partial` for an htmx swap (the context's `partial` says which)."""
    is_partial = wants_partial(request)
    return vary_on_htmx(render(request, partial if is_partial else page, {**context, "partial": is_partial},
                               status=status))


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


# --- forms ------------------------------------------------------------------------------------------------

def apply_errors(form: forms.Form, exc: ValidationError, rename: Mapping[str, str] | None = None) -> None:
    """A service's errors on the form: on the field they name (`rename` maps a service's field name to
    the form's); an error for a field the form lacks is form-wide, with the field named in the message."""
    if not hasattr(exc, "error_dict"):
        for message in exc.messages:
            form.add_error(None, message)
        return
    for field, errors in exc.message_dict.items():
        target = (rename or {}).get(field, field)
        for message in errors:
            if target in form.fields:
                form.add_error(target, message)
            elif field == NON_FIELD_ERRORS:
                form.add_error(None, message)
            else:
                form.add_error(None, f"{field.replace('_', ' ').capitalize()}: {message}")  # the field's API name


def site_url(request: HttpRequest) -> str:
    """Where links in e-mails point: ACCORD_BASE_URL, or else the address this request came to."""
    return str(settings.ACCORD_BASE_URL or request.build_absolute_uri("/"))
