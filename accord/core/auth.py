"""Sign-in policy: accounts are created by operators (CLI) or through invitations, never by self
sign-up; what counts as a second factor for an organisation that requires one."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote, urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.authentication import get_authentication_records
from allauth.account.models import EmailConfirmation
from allauth.core import context as allauth_context
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib.sites.requests import RequestSite
from django.db.models import Exists, OuterRef
from django.http import HttpRequest
from django.urls import reverse

# Recovery codes only back up one of these, so on their own they are not a second factor.
SECOND_FACTORS = (Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN)
#: Session key: the user (pk) who proved a second factor in this session by setting one up.
SECOND_FACTOR_SET_UP = "accord_second_factor_set_up"


class _BaseSite(RequestSite):
    """What e-mail templates call `current_site`: ACCORD_BASE_URL's host, not the request's."""

    def __init__(self, base_url: str) -> None:  # RequestSite's own reads the host off a request
        self.domain = self.name = urlsplit(base_url).netloc


def email_link(request: HttpRequest | None, path: str) -> str:
    """An absolute link for an e-mail: under ACCORD_BASE_URL when it is set, else under the request's own
    address (`accord check --deploy` warns about that, accord.W001)."""
    if settings.ACCORD_BASE_URL:
        return str(settings.ACCORD_BASE_URL) + path
    if request is None:
        request = allauth_context.request
    return request.build_absolute_uri(path)


class AccountAdapter(DefaultAccountAdapter):
    """Closes public sign-up, and builds every link allauth e-mails (password reset, address
    confirmation, the unknown-account notice) under ACCORD_BASE_URL: a request's Host header, even an
    allowed one, never chooses where an e-mailed link points."""

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return False

    def _get_login_attempts_cache_key(self, request: HttpRequest, **credentials: Any) -> str:
        """The `key` that allauth's `login_failed` rate counts: the account *and the client's address*, so
        that failures from one address never refuse the right password from another (allauth's own key is
        the account alone, which lets anyone lock a victim out; decision 0019)."""
        from accord.core.limits import client_address  # the middleware module imports this one's app

        return f"{client_address(request)}:{super()._get_login_attempts_cache_key(request, **credentials)}"

    def get_reset_password_from_key_url(self, key: str) -> str:
        path = reverse("account_reset_password_from_key", kwargs={"uidb36": "UID", "key": "KEY"})
        return email_link(self.request, path.replace("UID-KEY", quote(key)))

    def get_email_confirmation_url(self, request: HttpRequest, emailconfirmation: EmailConfirmation) -> str:
        return email_link(request, reverse("account_confirm_email", args=[emailconfirmation.key]))

    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        """Any other link allauth put in the context under the request's address moves under
        ACCORD_BASE_URL, and the templates' `current_site` names ACCORD_BASE_URL's host."""
        base = settings.ACCORD_BASE_URL
        request = allauth_context.request
        if base and request is not None:
            origin = request.build_absolute_uri("/")
            context = {key: base + "/" + value.removeprefix(origin)
                       if isinstance(value, str) and value.startswith(origin) else value
                       for key, value in context.items()}
            context["current_site"] = _BaseSite(base)
        super().send_mail(template_prefix, email, context)


def has_second_factor(user: Any) -> bool:
    """True if `user` signs in with an authenticator app (TOTP) or a security key."""
    if not getattr(user, "is_authenticated", False):
        return False
    return Authenticator.objects.filter(user_id=user.pk, type__in=SECOND_FACTORS).exists()


def second_factor_exists(user_field: str = "user") -> Exists:
    """A query expression: the row's `user_field` has a second factor (one subquery, no N+1)."""
    return Exists(Authenticator.objects.filter(user=OuterRef(user_field), type__in=SECOND_FACTORS))


def session_used_second_factor(request: HttpRequest) -> bool:
    """True if this session's user proved a second factor in it: signed in or re-authenticated with
    it (allauth records the method "mfa"), or set one up here (which takes a valid code). Owning an
    authenticator is not enough: a session opened with the password alone stays a password session."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return False
    if request.session.get(SECOND_FACTOR_SET_UP) == str(user.pk):
        return True
    return any(record.get("method") == "mfa" for record in get_authentication_records(request, user))


def note_second_factor_set_up(sender: Any, request: HttpRequest | None = None, user: Any = None,
                              authenticator: Any = None, **kwargs: Any) -> None:
    """allauth's `authenticator_added` receiver: activating TOTP took a valid code, so this session has
    proved the new second factor (connected in CoreConfig.ready)."""
    if request is not None and user is not None and getattr(authenticator, "type", None) in SECOND_FACTORS:
        request.session[SECOND_FACTOR_SET_UP] = str(user.pk)
        # allauth sends this once the transaction commits, which may be after the response has saved the
        # session (an outer transaction): save it here too.
        request.session.save()
