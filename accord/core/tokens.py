"""API token material: how a token's plaintext is made and looked up. Pure functions, no database."""

from __future__ import annotations

import hashlib
import secrets

TOKEN_PREFIX = "acc_"  # noqa: S105 - a marker that makes leaked tokens easy to scan for, not a secret


def hash_token(plaintext: str) -> str:
    """Tokens carry 256 bits of randomness, so a plain SHA-256 is a safe, fast lookup key."""
    return hashlib.sha256(plaintext.encode()).hexdigest()


def new_token() -> str:
    """A fresh token's plaintext: the prefix and 256 random bits."""
    return TOKEN_PREFIX + secrets.token_urlsafe(32)
