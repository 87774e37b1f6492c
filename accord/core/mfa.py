"""allauth's second-factor pages under Accord's policy: the last second factor of a member of an
organisation that requires one cannot be removed (decision 0009)."""

from __future__ import annotations

from typing import Any

from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.forms import DeactivateTOTPForm
from django import forms

from accord.core.selectors import last_factor_required_by


def last_factor_message(organizations: list[str]) -> str:
    """Why the last second factor stays, naming the organisations that require it."""
    names = ", ".join(organizations)
    verb = "requires" if len(organizations) == 1 else "require"
    return (f"{names} {verb} two-factor authentication, and this is your only second factor: set up another one "
            "first, or ask an admin to switch the requirement off, or leave the organisation.")


class MFAAdapter(DefaultMFAAdapter):
    """Refuses to delete the last second factor of a member of an organisation that requires one, whichever
    allauth page or flow asks."""

    def can_delete_authenticator(self, authenticator: Authenticator) -> bool:
        return not last_factor_required_by(authenticator)


class DeactivateTOTPPolicyForm(DeactivateTOTPForm):
    """allauth's form to switch the authenticator app off, with the reason it refuses named."""

    def clean(self) -> dict[str, Any] | None:
        if organizations := last_factor_required_by(self.authenticator):
            raise forms.ValidationError(last_factor_message(organizations), code="cannot_delete_authenticator")
        return super().clean()
