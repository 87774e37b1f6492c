"""Sign-in policy: accounts are created by operators (CLI) or admins, never by self sign-up."""

from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter
from django.http import HttpRequest


class AccountAdapter(DefaultAccountAdapter):
    """Closes public sign-up; everything else is allauth's default behaviour."""

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return False
