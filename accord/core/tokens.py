"""API token material: how a token's plaintext is made and looked up. Pure functions, no database."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

TOKEN_PREFIX = "acc_"  # noqa: S105 - a marker that makes leaked tokens easy to scan for, not a secret


def hash_token(plaintext: str) -> str:
    """Tokens carry 256 bits of randomness, so a plain SHA-256 is a safe, fast lookup key."""
    return hashlib.sha256(plaintext.encode()).hexdigest()


def new_token() -> str:
    """A fresh token's plaintext: the prefix and 256 random bits."""
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


#: The methods a read-only token may use: they change nothing.
READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
#: The longest a token may be given to live when it has an expiry (a year, leap day included).
MAX_TOKEN_DAYS = 366


def scope_allows(scope: str, method: str) -> bool:
    """True if a token of `scope` ("read" or "read_write") may make a request with `method`."""
    return scope == "read_write" or method.upper() in READ_METHODS


def is_expired(expires_at: dt.datetime | None, now: dt.datetime) -> bool:
    """True once a token's expiry has passed; a token without one never expires."""
    return expires_at is not None and expires_at <= now
