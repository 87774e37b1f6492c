"""Sign-in policy: accounts are created by operators (CLI) or through invitations, never by self
sign-up; what counts as a second factor for an organisation that requires one."""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.models import Authenticator
from django.db.models import Exists, OuterRef
from django.http import HttpRequest

# Recovery codes only back up one of these, so on their own they are not a second factor.
SECOND_FACTORS = (Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN)


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
