"""Who an organisation's identity provider lets in, and which organisations a session may open
(decision 0033). Pure functions of plain values: the adapter (accord.core.sso), the web check and the
tests all read these, and nothing else decides.

A session's sign-ins are allauth's authentication records: `{"method": "password" | "mfa" |
"socialaccount", "provider": <provider id>, ...}`. An organisation's provider id is its slug.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable, Mapping
from enum import StrEnum
from typing import Any

#: Sign-ins that prove the Accord account itself (its password, or its own second factor), as opposed to an
#: organisation's identity provider vouching for the person.
ACCOUNT_METHODS = frozenset({"password", "mfa"})
SSO_METHOD = "socialaccount"
_DOMAIN = re.compile(r"^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")


class Door(StrEnum):
    """What a session needs before it opens one organisation."""

    OPEN = "open"
    SSO = "sso"  # the organisation requires sign-in through its own identity provider
    ACCOUNT = "account"  # the session came through another organisation's provider: prove the account


def session_providers(records: Iterable[Mapping[str, Any]]) -> frozenset[str]:
    """The provider ids this session signed in (or re-authenticated) through."""
    return frozenset(str(r.get("provider")) for r in records if r.get("method") == SSO_METHOD)


def door(org_slug: str, *, sso_required: bool, records: Iterable[Mapping[str, Any]]) -> Door:
    """What the session with these sign-in `records` needs to open the organisation `org_slug`.

    An organisation that requires single sign-on opens only to a session that came through its provider.
    A session that came through some organisation's provider, and never proved the account itself, opens
    only that organisation: the provider vouches for its own organisation, not for the person's others.
    A session with no records (signed in before Accord kept them) opens what does not require SSO."""
    records = list(records)
    providers = session_providers(records)
    if sso_required:
        return Door.OPEN if org_slug in providers else Door.SSO
    if providers and org_slug not in providers and not any(r.get("method") in ACCOUNT_METHODS for r in records):
        return Door.ACCOUNT
    return Door.OPEN


class Outcome(StrEnum):
    """What one sign-in through an organisation's identity provider does."""

    SIGN_IN = "sign_in"  # the provider's account is linked to a member: sign them in
    JOIN = "join"  # linked to an account that is not (or no longer) a member: it joins with the join role
    LINK = "link"  # an existing member's account, first time through the provider: link it, sign in
    CREATE = "create"  # nobody has the address: a new account joins with the join role
    UNVERIFIED = "unverified"  # the provider does not say the address is verified
    REFUSE = "refuse"


def normalise_domain(value: str) -> str:
    """A domain as compared: lower case, without a leading '@' or surrounding blanks."""
    return value.strip().lower().removeprefix("@")


def is_domain(value: str) -> bool:
    """True for a host name with at least one dot, such as 'example.org'."""
    return bool(_DOMAIN.match(value))


def email_domain(email: str) -> str:
    return email.rpartition("@")[2].strip().lower()


def decide(*, linked: bool, account_exists: bool, is_member: bool, external: bool, email: str,
           email_verified: bool, allowed_domains: Iterable[str], join_role: str) -> Outcome:
    """The outcome of a sign-in through an organisation's provider.

    `linked`: the provider's subject is already linked to an Accord account (then `is_member` and
    `external` describe that account's membership of the organisation). Otherwise `account_exists` says
    whether an account has the asserted `email`, and `is_member`/`external` describe its membership.

    - A linked member signs in. A linked account that is not a member joins like a new person would.
    - An unlinked address must be verified by the provider.
    - An existing account is linked only if it is already a member of this organisation, not an external
      one (a vCISO's identity is not the client's to vouch for), and its address is in the allowed domains:
      a provider can never take over an account that its organisation did not already hold.
    - A new address joins only with a join role (viewer or contributor), only in the allowed domains.
    """
    domain_ok = bool(email) and email_domain(email) in {normalise_domain(d) for d in allowed_domains}
    may_join = bool(join_role) and email_verified and domain_ok
    if linked:
        if is_member:
            return Outcome.SIGN_IN
        return Outcome.JOIN if may_join else Outcome.REFUSE
    if not email or not email_verified:
        return Outcome.UNVERIFIED
    if account_exists:
        return Outcome.LINK if is_member and not external and domain_ok else Outcome.REFUSE
    return Outcome.CREATE if may_join else Outcome.REFUSE


def is_loopback_host(host: str) -> bool:
    """This machine: plain HTTP is accepted for an issuer only here, and only where private issuers are allowed."""
    literal = ip_literal(host)
    return host == "localhost" or (literal is not None and ipaddress.ip_address(literal).is_loopback)


#: Public mail providers: anyone can have an address there, so no organisation's provider speaks for them.
#: An entry ending in "." stands for every top-level domain (gmx.de, gmx.net, ...).
PUBLIC_MAIL_DOMAINS = frozenset({
    "gmail.com", "googlemail.com", "outlook.com", "hotmail.com", "live.com", "msn.com", "yahoo.", "ymail.com",
    "icloud.com", "me.com", "mac.com", "aol.com", "proton.me", "protonmail.com", "pm.me", "gmx.", "web.de",
    "mail.com", "yandex.", "zoho.com", "tutanota.com", "tuta.io", "fastmail.com", "orange.fr", "free.fr",
    "laposte.net", "qq.com", "163.com",
})


def is_public_mail_domain(domain: str) -> bool:
    """True for a public mail provider's domain (`PUBLIC_MAIL_DOMAINS`), such as gmail.com or gmx.net."""
    return domain in PUBLIC_MAIL_DOMAINS or any(
        entry.endswith(".") and domain.startswith(entry) and domain.count(".") == 1 for entry in PUBLIC_MAIL_DOMAINS)


def ip_literal(host: str) -> str | None:
    """The address if `host` is an IP literal (v4, or v6 with or without brackets), else None."""
    try:
        return str(ipaddress.ip_address(host.strip("[]").partition("%")[0]))
    except ValueError:
        return None


def is_public_address(address: str) -> bool:
    """True for a globally routable unicast address: not loopback, private, link-local, shared, multicast,
    reserved or unspecified (an IPv4-mapped IPv6 address is judged as its IPv4 address)."""
    try:
        ip = ipaddress.ip_address(address.partition("%")[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not (ip.is_multicast or ip.is_reserved or ip.is_private or ip.is_loopback
                                 or ip.is_link_local or ip.is_unspecified)
