"""The audit trail's keys and hashes: HMAC-SHA-256 with a key kept outside the database.

An event's `hash` is HMAC-SHA-256, under the key its `key_id` names, of the canonical JSON (sorted
keys, no spaces, UTF-8) of {org, seq, at, actor_id, actor_label, action, object_type, object_id,
object_repr, changes, prev_hash, key_id}. Events written before keys existed have `key_id` "" (the
legacy scheme): their hash is plain SHA-256 of the same JSON without `key_id`, so they verify as they
always did. The keyring comes from settings (ACCORD_AUDIT_KEYS, current key first, then older ones).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings

from accord.core.models import AuditEvent

LEGACY = ""  # the key id of events hashed without a key


@dataclass(frozen=True)
class Keyring:
    """The audit keys this process holds, newest first: the first signs, every one verifies."""

    keys: tuple[tuple[str, bytes], ...]

    @property
    def current_id(self) -> str | None:
        """The id of the key new events are signed with, or None when no key is configured."""
        return self.keys[0][0] if self.keys else None

    def secret(self, key_id: str) -> bytes | None:
        """The secret of `key_id`, or None for the legacy scheme and for a key this process lacks."""
        return next((secret for kid, secret in self.keys if kid == key_id), None)

    def age(self, key_id: str) -> int | None:
        """0 for the current key, 1 for the one before, ...; the legacy scheme is older than every key;
        None for a key that is not in the keyring."""
        if key_id == LEGACY:
            return len(self.keys)
        return next((i for i, (kid, _) in enumerate(self.keys) if kid == key_id), None)

    def describe(self, key_id: str) -> str:
        """How a message names a key."""
        return "the unkeyed legacy scheme" if key_id == LEGACY else f"key '{key_id}'"


def keyring() -> Keyring:
    """The keyring of the running settings."""
    keys: tuple[tuple[str, str], ...] = getattr(settings, "ACCORD_AUDIT_KEYS", ())
    return Keyring(tuple((kid, secret.encode("utf-8")) for kid, secret in keys))


def canonical_json(payload: Mapping[str, Any]) -> bytes:
    """The canonical JSON of `payload`: sorted keys, no whitespace, UTF-8."""
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def canonical_hash(payload: Mapping[str, Any]) -> str:
    """SHA-256 hex digest of the canonical JSON of `payload` (the legacy scheme)."""
    return hashlib.sha256(canonical_json(payload)).hexdigest()


def mac(secret: bytes, payload: Mapping[str, Any]) -> str:
    """HMAC-SHA-256 hex digest of the canonical JSON of `payload` under `secret`."""
    return hmac.new(secret, canonical_json(payload), hashlib.sha256).hexdigest()


def event_payload(event: AuditEvent) -> dict[str, Any]:
    """What an event's hash covers; `key_id` is part of it except in the legacy scheme."""
    payload = {
        "org": event.organization_id,
        "seq": event.seq,
        "at": event.at.astimezone(dt.UTC).isoformat(),
        "actor_id": event.actor_id,
        "actor_label": event.actor_label,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "object_repr": event.object_repr,
        "changes": event.changes,
        "prev_hash": event.prev_hash,
    }
    if event.key_id != LEGACY:
        payload["key_id"] = event.key_id
    return payload


def event_hash(event: AuditEvent, ring: Keyring) -> str | None:
    """The hash `event` must carry under its `key_id`; None when the keyring lacks that key."""
    if event.key_id == LEGACY:
        return canonical_hash(event_payload(event))
    secret = ring.secret(event.key_id)
    return None if secret is None else mac(secret, event_payload(event))


def same(a: str, b: str) -> bool:
    """Compare two digests in constant time."""
    return hmac.compare_digest(a.encode("utf-8"), b.encode("utf-8"))
