"""`Conflict`: a request that is valid in itself but conflicts with the current state of what it acts on
(decision 0026)."""

from __future__ import annotations

from django.core.exceptions import ValidationError


class Conflict(ValidationError):
    """The input is well formed, but the object's current state refuses it: the risk is already archived,
    the version named is no longer the draft, the slot is already signed, the address already has an
    account. Every front shows it as the `ValidationError` it is (a form puts it on its field, the CLI
    prints one line); the API answers 409 instead of 422, so a client can tell "correct the request" from
    "reload, look at the current state and decide again"."""
