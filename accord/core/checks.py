"""System checks of Accord's own settings, run by `accord check` (`--deploy` for the production ones)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Tags, register
from django.core.checks import Warning as CheckWarning


@register(Tags.security, deploy=True)
def base_url_is_set(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    """Invitation e-mails carry links: without ACCORD_BASE_URL they point at whatever host the admin's
    request named (validated against ACCORD_ALLOWED_HOSTS, so a wildcard there would let it be chosen)."""
    if settings.ACCORD_BASE_URL:
        return []
    return [CheckWarning(
        "ACCORD_BASE_URL is not set: links in invitation e-mails will use the host of the admin's request.",
        hint="Set ACCORD_BASE_URL to Accord's public address, e.g. https://accord.example.org.",
        id="accord.W001",
    )]
