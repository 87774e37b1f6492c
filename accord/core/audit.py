"""The tamper-evident audit trail: append under a per-organisation lock, verify by recomputing.

Each event's `hash` is HMAC-SHA-256, under the audit key its `key_id` names, of the canonical JSON
of its fields and `prev_hash`, the previous event's hash ("" for the first); see `audit_keys`.
The chain head (`AuditChain`) records the last sequence number, hash and key, so removing the newest
event is detected as well as a modified, deleted, inserted or reordered one; a chain begins with
the creation of its organisation, so an emptied chain is detected too. The key is not in the
database, so its administrator cannot re-hash a rewritten chain; checkpoints written outside it
(`audit_checkpoints`) catch a chain cut back to an earlier head.
"""

from __future__ import annotations

import datetime as dt
import decimal
import uuid
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db import connection, models, transaction
from django.utils import timezone

from accord.core.audit_checkpoints import Checkpoint
from accord.core.audit_keys import LEGACY, Keyring, event_hash, keyring, mac, same
from accord.core.choices import AuditAction
from accord.core.models import AuditChain, AuditEvent, Organization, User

AuditValue = str | int | bool | None | list[Any] | dict[str, Any]


def to_audit_value(value: Any) -> AuditValue:
    """Turn a field value into a JSON value that survives a database round trip unchanged."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float | decimal.Decimal):
        return str(value)
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat() if timezone.is_aware(value) else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, Mapping):
        return {str(k): to_audit_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        items = [to_audit_value(v) for v in value]
        return sorted(items, key=repr) if isinstance(value, set | frozenset) else items
    return str(value)


def snapshot(obj: models.Model, fields: Iterable[str]) -> dict[str, AuditValue]:
    """The audit values of `fields` on `obj` (foreign keys by id)."""
    out: dict[str, AuditValue] = {}
    for name in fields:
        field = obj._meta.get_field(name)
        attname = getattr(field, "attname", name)
        out[name] = to_audit_value(getattr(obj, attname))
    return out


def diff(before: Mapping[str, AuditValue], after: Mapping[str, AuditValue]) -> dict[str, list[AuditValue]]:
    """{field: [before, after]} for the fields whose value changed."""
    return {k: [before.get(k), after.get(k)] for k in after if before.get(k) != after.get(k)}


def object_type_of(obj: models.Model) -> str:
    """'app_label.model', the object type written in audit events."""
    return f"{obj._meta.app_label}.{obj._meta.model_name}"


def _signing_key(org: Organization, chain: AuditChain, ring: Keyring) -> str:
    """The key the next event of `org` is signed with: the current one. Refuses to continue a chain
    under a key this process does not hold (a process started before a rotation), and to fall back to
    the unkeyed scheme after keyed events (a production whose key went missing)."""
    current = ring.current_id
    if current is None:
        if chain.last_key_id != LEGACY:
            raise ImproperlyConfigured(
                f"no audit key is configured, but the audit chain of {org.slug} is signed with key "
                f"'{chain.last_key_id}': set ACCORD_AUDIT_KEY or ACCORD_AUDIT_KEY_FILE (docs/configuration.md)."
            )
        return LEGACY
    if ring.age(chain.last_key_id) is None:
        raise ImproperlyConfigured(
            f"the audit chain of {org.slug} is signed with key '{chain.last_key_id}', which this process's "
            "keyring does not hold: restart it with the current ACCORD_AUDIT_KEY (docs/audit.md, key rotation)."
        )
    return current


def _locked_chain(org: Organization) -> AuditChain:
    if not connection.in_atomic_block:
        raise RuntimeError("audit.record() must run inside the transaction of the write it records.")
    return AuditChain.objects.for_org(org).select_for_update().get()


def _seal(event: AuditEvent, ring: Keyring) -> None:
    digest = event_hash(event, ring)
    if digest is None:  # _signing_key only hands out keys the ring holds
        raise ImproperlyConfigured(f"the audit key '{event.key_id}' is not in the keyring")
    event.hash = digest


def _advance(chain: AuditChain, event: AuditEvent) -> None:
    chain.last_seq, chain.last_hash, chain.last_key_id = event.seq, event.hash, event.key_id
    chain.save(update_fields=["last_seq", "last_hash", "last_key_id"])


def record(
    org: Organization,
    actor: User | None,
    action: str,
    obj: models.Model | None = None,
    *,
    changes: Mapping[str, Any] | None = None,
    object_type: str | None = None,
    object_id: str | int | None = None,
    object_repr: str | None = None,
) -> AuditEvent:
    """Append one event to `org`'s chain. Must run inside the caller's transaction."""
    chain = _locked_chain(org)
    ring = keyring()
    event = AuditEvent(
        organization=org,
        seq=chain.last_seq + 1,
        at=timezone.now(),
        actor_id=actor.pk if actor is not None else None,
        actor_label=actor.email if actor is not None else "system",
        action=action,
        object_type=object_type or (object_type_of(obj) if obj is not None else "core.organization"),
        object_id=str(object_id if object_id is not None else (obj.pk if obj is not None else org.pk)),
        object_repr=(object_repr if object_repr is not None else str(obj if obj is not None else org))[:200],
        changes=to_audit_value(dict(changes or {})),
        prev_hash=chain.last_hash,
        key_id=_signing_key(org, chain, ring),
    )
    _seal(event, ring)
    event.save(force_insert=True)
    _advance(chain, event)
    return event


@dataclass(frozen=True)
class Entry:
    """One event for `record_many`."""

    action: str
    obj: models.Model
    changes: Mapping[str, Any]
    object_repr: str


def record_many(org: Organization, actor: User | None, entries: Sequence[Entry]) -> int:
    """Append one event per entry in one batch (bulk imports): the same chain, hashes and lock as
    `record`, with one insert per 500 events instead of one per event."""
    if not connection.in_atomic_block:
        raise RuntimeError("audit.record_many() must run inside the transaction of the writes it records.")
    if not entries:
        return 0
    chain = _locked_chain(org)
    ring = keyring()
    key_id = _signing_key(org, chain, ring)
    events = []
    seq, prev = chain.last_seq, chain.last_hash
    at = timezone.now()
    for entry in entries:
        seq += 1
        event = AuditEvent(
            organization=org, seq=seq, at=at, actor_id=actor.pk if actor is not None else None,
            actor_label=actor.email if actor is not None else "system", action=entry.action,
            object_type=object_type_of(entry.obj), object_id=str(entry.obj.pk), object_repr=entry.object_repr[:200],
            changes=to_audit_value(dict(entry.changes)), prev_hash=prev, key_id=key_id,
        )
        _seal(event, ring)
        prev = event.hash
        events.append(event)
    AuditEvent.objects.for_org(org).bulk_create(events, batch_size=500)
    _advance(chain, events[-1])
    return len(events)


def start_chain(org: Organization) -> AuditChain:
    """Create the empty chain of a new organisation; its creator records the creation as event #1."""
    return AuditChain.objects.for_org(org).create(organization=org)


def _rotation_proof(org_id: int, seq: int, prev_hash: str, new_key_id: str) -> dict[str, Any]:
    """What the outgoing key signs in a rotation event: this chain, this place, this successor."""
    return {"org": org_id, "seq": seq, "prev_hash": prev_hash, "key_id": new_key_id}


def rotate_chain_key(org: Organization) -> AuditEvent | None:
    """Move `org`'s chain onto the current key: after verifying it, append a `rotate_key` event signed
    with the current key whose changes carry `old_key_mac`, the outgoing key's HMAC of the rotation
    (empty when the chain was unkeyed). From then on, a holder of an older key can neither rewrite the
    chain before the event nor extend it. None when the chain is already on the current key.
    Raises ValueError naming the problem when the chain does not verify: a broken chain is not sealed."""
    ring = keyring()
    current = ring.current_id
    if current is None:
        raise ImproperlyConfigured("no audit key is configured: set ACCORD_AUDIT_KEY or ACCORD_AUDIT_KEY_FILE.")
    with transaction.atomic():
        chain = AuditChain.objects.for_org(org).select_for_update().first()
        if chain is None:
            raise ValueError(f"the audit chain of {org.slug} has no head (it was deleted); it was not rotated")
        if chain.last_key_id == current:
            return None
        report = verify_chain(org, ring=ring, require_current_key=False)
        if not report.ok:
            raise ValueError(f"the audit chain of {org.slug} does not verify ({report.problem}); it was not rotated")
        old = chain.last_key_id
        old_secret = ring.secret(old)
        proof = _rotation_proof(org.pk, chain.last_seq + 1, chain.last_hash, current)
        return record(org, None, AuditAction.ROTATE_KEY, org, object_repr="Audit key", changes={
            "key_id": [old, current],
            "old_key_mac": mac(old_secret, proof) if old_secret is not None else "",
        })


@dataclass(frozen=True)
class ChainReport:
    """The verdict on one organisation's chain."""

    organization: str
    events: int
    ok: bool
    first_bad_seq: int | None = None
    problem: str = ""


def _iter_events(org: Organization) -> Iterator[AuditEvent]:
    return AuditEvent.objects.for_org(org).order_by("seq").iterator(chunk_size=2000)


def _event_problem(org: Organization, event: AuditEvent, prev: AuditEvent | None, ring: Keyring) -> str:
    """What is wrong with `event` itself, following `prev` (None for the first event); "" if nothing."""
    seq = event.seq
    if prev is None and (event.action, event.object_type, event.object_id) != ("create", "core.organization",
                                                                               str(org.pk)):
        return (f"event #1 is not the creation of the organisation (it records {event.action} "
                f"{event.object_type}): the chain's beginning was replaced")
    age = ring.age(event.key_id)
    if age is None:
        return f"event #{seq} is signed with key '{event.key_id}', which is not in the keyring (ACCORD_AUDIT_KEY)"
    prev_age = ring.age(prev.key_id) if prev is not None else None
    if prev is not None and prev_age is not None and age > prev_age:
        return (f"event #{seq} is under {ring.describe(event.key_id)} although event #{seq - 1} is under the newer "
                f"{ring.describe(prev.key_id)}: keys only move forward")
    expected = event_hash(event, ring)
    if expected is None or not same(expected, event.hash):
        return f"event #{seq} was modified (its hash does not match)"
    if event.action == AuditAction.ROTATE_KEY:
        return _rotation_problem(event, prev, ring)
    return ""


def _rotation_problem(event: AuditEvent, prev: AuditEvent | None, ring: Keyring) -> str:
    old = prev.key_id if prev is not None else LEGACY
    changes = event.changes if isinstance(event.changes, dict) else {}
    if changes.get("key_id") != [old, event.key_id]:
        return f"event #{event.seq} rotates keys but does not name the rotation from {ring.describe(old)}"
    secret = ring.secret(old)
    if secret is None:
        return ""  # from the unkeyed scheme there is no outgoing key to sign with
    proof = mac(secret, _rotation_proof(event.organization_id, event.seq, event.prev_hash, event.key_id))
    if not same(str(changes.get("old_key_mac", "")), proof):
        return f"event #{event.seq} rotates keys without the signature of the outgoing key '{old}'"
    return ""


def _checkpoint_index(checkpoints: Iterable[Checkpoint]) -> dict[int, list[Checkpoint]]:
    index: dict[int, list[Checkpoint]] = defaultdict(list)
    for cp in checkpoints:
        index[cp.seq].append(cp)
    return index


def verify_chain(
    org: Organization,
    *,
    ring: Keyring | None = None,
    checkpoints: Iterable[Checkpoint] = (),
    require_current_key: bool = True,
) -> ChainReport:
    """Recompute `org`'s chain and compare it with `checkpoints` (heads of it recorded earlier);
    report the first problem. With `require_current_key`, a chain whose newest event is not signed
    with the current key fails too: an older key (or the unkeyed scheme) could extend it unnoticed
    until `rotate_chain_key` seals it."""
    ring = ring or keyring()
    marks = _checkpoint_index(checkpoints)
    prev: AuditEvent | None = None
    count = 0

    def broken(seq: int | None, problem: str) -> ChainReport:
        return ChainReport(org.slug, count, ok=False, first_bad_seq=seq, problem=problem)

    for event in _iter_events(org):
        count += 1
        if event.seq != count:
            what = "is missing" if event.seq > count else "is out of order"
            return broken(count, f"event #{count} {what} (found #{event.seq} next)")
        if event.prev_hash != (prev.hash if prev is not None else ""):
            return broken(event.seq, f"event #{event.seq} does not follow event #{event.seq - 1}")
        problem = _event_problem(org, event, prev, ring)
        if problem:
            return broken(event.seq, problem)
        for cp in marks.get(event.seq, ()):
            if not same(cp.hash, event.hash):
                return broken(event.seq, f"event #{event.seq} differs from {cp.label}: the chain was rewritten")
        prev = event
    if prev is None:
        return broken(1, "the chain has no events, not even the creation of the organisation: it was deleted")
    head = AuditChain.objects.for_org(org).first()
    if head is None:
        return broken(None, f"the chain head is missing (the events end at #{prev.seq})")
    if (head.last_seq, head.last_hash, head.last_key_id) != (prev.seq, prev.hash, prev.key_id):
        first_bad = prev.seq + 1 if head.last_seq > prev.seq else prev.seq
        return broken(first_bad, f"the chain ends at #{prev.seq} but its head records #{head.last_seq}")
    beyond = [cp for seq, cps in marks.items() if seq > prev.seq for cp in cps]
    if beyond:
        cp = max(beyond, key=lambda c: c.seq)
        return broken(prev.seq + 1, f"the chain ends at #{prev.seq} but {cp.label} recorded #{cp.seq}: "
                                    "newer events were deleted")
    if require_current_key and prev.key_id != ring.current_id:
        return broken(prev.seq, f"the chain ends at #{prev.seq} under {ring.describe(prev.key_id)}, not the current "
                                f"key '{ring.current_id}': seal it with `accord audit rotate-key`")
    return ChainReport(org.slug, count, ok=True)
