"""Where Accord may send a request for single sign-on (decision 0033): an organisation's issuer, and the
endpoints its discovery document names, are reached only over https, at a host name or address that is
public, unless the operator allows private issuers (`ACCORD_SSO_ALLOW_PRIVATE_ISSUERS`, docs/configuration.md).

The same check runs when an admin saves the issuer and before every request at sign-in (a name's addresses can
change in between). Redirects are not followed (they could lead anywhere) and every request has a bounded timeout.
"""

from __future__ import annotations

import socket
from enum import StrEnum
from typing import Any
from urllib.parse import urlsplit

import requests
from django.conf import settings

from accord.core import ssorules

DISCOVERY_PATH = "/.well-known/openid-configuration"
#: What a discovery document must name for allauth to use it (else the provider "answered garbage").
DISCOVERY_KEYS = ("issuer", "authorization_endpoint", "token_endpoint", "userinfo_endpoint", "jwks_uri")


class Problem(StrEnum):
    NOT_HTTPS = "not_https"
    PRIVATE = "private"
    UNRESOLVED = "unresolved"


class Refused(requests.RequestException):
    """A request for single sign-on Accord will not send (see `Problem`), or a discovery document it cannot use."""


def private_allowed() -> bool:
    return bool(getattr(settings, "ACCORD_SSO_ALLOW_PRIVATE_ISSUERS", False))


def resolve(host: str, port: int) -> list[str]:
    """The addresses `host` resolves to now ([] when it does not)."""
    try:
        return [str(info[4][0]) for info in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)]
    except (OSError, UnicodeError):
        return []


def problem(url: str, *, unresolved_ok: bool) -> Problem | None:
    """Why Accord must not send a request to `url`, or None. `unresolved_ok`: a name that resolves to nothing
    now passes (saving an issuer whose name is not published yet); at sign-in it does not."""
    try:
        parts = urlsplit(url)
        host, port = parts.hostname or "", parts.port
    except ValueError:  # an unbalanced [IPv6] host, a port out of range
        return Problem.NOT_HTTPS
    if not host or any(c.isspace() for c in url):
        return Problem.NOT_HTTPS
    allowed = private_allowed()
    if not (parts.scheme == "https" or (parts.scheme == "http" and allowed and ssorules.is_loopback_host(host))):
        return Problem.NOT_HTTPS
    literal = ssorules.ip_literal(host)
    addresses = [literal] if literal else resolve(host, port or (443 if parts.scheme == "https" else 80))
    if not addresses and not unresolved_ok:
        return Problem.UNRESOLVED
    if not allowed and not all(ssorules.is_public_address(a) for a in addresses):
        return Problem.PRIVATE
    return None


def timeout() -> float:
    return float(settings.SOCIALACCOUNT_REQUESTS_TIMEOUT)


class GuardedSession(requests.Session):
    """allauth's requests to a provider (accord.core.sso.SocialAccountAdapter.get_requests_session): each URL
    checked first, no redirects followed, the timeout bounded, and a discovery document that lacks what
    allauth reads refused as `Refused` (a RequestException, which allauth's callback already answers)."""

    def request(self, method: str | bytes, url: str | bytes, *args: Any, **kwargs: Any) -> requests.Response:
        target: str = url.decode() if isinstance(url, bytes) else str(url)
        if (found := problem(target, unresolved_ok=False)) is not None:
            raise Refused(f"refused to reach {target}: {found}")
        kwargs["timeout"] = min(float(kwargs.get("timeout") or timeout()), timeout())
        kwargs["allow_redirects"] = False
        verb = method.decode() if isinstance(method, bytes) else method
        response = super().request(verb, target, *args, **kwargs)
        if urlsplit(target).path.endswith(DISCOVERY_PATH) and response.status_code == 200:
            document = response.json()  # requests' JSONDecodeError is a RequestException
            if not isinstance(document, dict) or not all(isinstance(document.get(k), str) for k in DISCOVERY_KEYS):
                raise Refused(f"{target} is not an OpenID Connect discovery document")
        elif response.is_redirect:
            raise Refused(f"{target} answered a redirect, which Accord does not follow")
        return response
