"""Who an organisation's identity provider lets in, and which organisations a session may open
(decision 0033). Pure functions of plain values: the adapter (accord.core.sso), the web check and the
tests all read these, and nothing else decides.

A session's sign-ins are allauth's authentication records: `{"method": "password" | "mfa" |
"socialaccount", "provider": <provider id>, ...}`. An organisation's provider id is its slug.
"""

from __future__ import annotations

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


def is_loopback_http(host: str) -> bool:
    """Plain HTTP is accepted for an issuer only on this machine (development and tests)."""
    return host in {"localhost", "127.0.0.1", "::1", "[::1]"} or host.startswith("127.")
