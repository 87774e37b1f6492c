"""System checks of Accord's own settings, run by `accord check` (`--deploy` for the production ones)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Tags, register
from django.core.checks import Error as CheckError
from django.core.checks import Warning as CheckWarning


@register(Tags.security, deploy=True)
def base_url_is_set(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    """Invitation, password-reset and address-confirmation e-mails carry links: without ACCORD_BASE_URL
    they point at whatever host the request named (validated against ACCORD_ALLOWED_HOSTS, so any name
    allowed there, or a wildcard, lets the sender of a reset request choose where the link goes)."""
    if settings.ACCORD_BASE_URL:
        return []
    return [CheckWarning(
        "ACCORD_BASE_URL is not set: every e-mailed link (invitations, password reset, address confirmation) "
        "will use the host named by the request that sent it.",
        hint="Set ACCORD_BASE_URL to Accord's public address, e.g. https://accord.example.org.",
        id="accord.W001",
    )]


@register(Tags.security, deploy=True)
def security_contact_is_set(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    """/.well-known/security.txt answers 404 until someone is named to receive vulnerability reports."""
    if settings.ACCORD_SECURITY_CONTACT:
        return []
    return [CheckWarning(
        "ACCORD_SECURITY_CONTACT is not set: /.well-known/security.txt answers 404.",
        hint="Set ACCORD_SECURITY_CONTACT to an e-mail address or https:// URL that receives vulnerability reports.",
        id="accord.W002",
    )]


@register(Tags.security, deploy=True)
def audit_key_is_set(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    """Without an audit key outside the database, whoever can write to the database can rewrite an
    organisation's audit chain and re-hash it so that `accord audit verify` finds nothing."""
    source = getattr(settings, "ACCORD_AUDIT_KEY_SOURCE", "")
    if source == "development":
        return [CheckWarning(
            "The audit trail is signed with the development key generated into var/audit_key.",
            hint="Set ACCORD_AUDIT_KEY or ACCORD_AUDIT_KEY_FILE to a key kept away from the database "
            "(docs/configuration.md).",
            id="accord.W003",
        )]
    if source:
        return []
    return [CheckError(
        "No audit key is configured (ACCORD_AUDIT_KEY or ACCORD_AUDIT_KEY_FILE): audit events are hashed "
        "without a key, so a database administrator can rewrite and re-hash a chain unnoticed.",
        hint="Generate one with python -c 'import secrets; print(secrets.token_urlsafe(32))' and set "
        "ACCORD_AUDIT_KEY=ID:KEY, or put it in the file named by ACCORD_AUDIT_KEY_FILE (docs/audit.md).",
        id="accord.E001",
    )]


@register(Tags.caches, deploy=True)
def cache_is_shared(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    """The API's rate limits and the simulations' single flight and per-organisation quota count in the
    cache (ACCORD_CACHE): a per-process cache lets every worker count alone, and a Redis that does not
    answer fails every API request."""
    from django.core.cache import caches

    target = caches["default"]
    backend = type(target).__name__
    if backend == "LocMemCache":
        return [CheckWarning(
            "ACCORD_CACHE=locmem keeps rate limits, simulation leases and quotas per process: each worker "
            "counts alone and may start its own copy of a simulation.",
            hint="Set ACCORD_CACHE=file for one machine, or ACCORD_CACHE=redis://HOST:6379/0 shared by every "
            "machine that serves Accord (docs/deployment.md).",
            id="accord.W004",
        )]
    if backend == "RedisCache":
        try:
            target.get("accord:check")
        except Exception as exc:  # any client error: the check reports it rather than crashing
            return [CheckError(
                f"ACCORD_CACHE names a Redis that does not answer: {type(exc).__name__}: {str(exc)[:200]}",
                hint="Start Redis or correct the redis:// URL in ACCORD_CACHE; every API request counts there.",
                id="accord.E002",
            )]
    return []
