"""Sign-in policy: accounts are created by operators (CLI) or through invitations, never by self
sign-up; what counts as a second factor for an organisation that requires one."""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.authentication import get_authentication_records
from allauth.mfa.models import Authenticator
from django.db.models import Exists, OuterRef
from django.http import HttpRequest

# Recovery codes only back up one of these, so on their own they are not a second factor.
SECOND_FACTORS = (Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN)
#: Session key: the user (pk) who proved a second factor in this session by setting one up.
SECOND_FACTOR_SET_UP = "accord_second_factor_set_up"


class AccountAdapter(DefaultAccountAdapter):
    """Closes public sign-up; everything else is allauth's default behaviour."""

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return False


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
