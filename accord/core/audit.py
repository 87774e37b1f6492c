"""The tamper-evident audit trail: append under a per-organisation lock, verify by recomputing.

Each event's `hash` is SHA-256 over the canonical JSON (sorted keys, no spaces, UTF-8) of
{org, seq, at, actor_id, actor_label, action, object_type, object_id, object_repr, changes,
prev_hash}. `prev_hash` is the previous event's hash ("" for the first). The chain head
(`AuditChain`) records the last sequence number and hash, so removing the newest event is
detected as well as a modified, deleted, inserted or reordered one.
"""

from __future__ import annotations

import datetime as dt
import decimal
import hashlib
import json
import uuid
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection, models
from django.utils import timezone

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


def canonical_hash(payload: Mapping[str, Any]) -> str:
    """SHA-256 hex digest of the canonical JSON of `payload`."""
    text = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _payload(event: AuditEvent) -> dict[str, Any]:
    return {
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


def object_type_of(obj: models.Model) -> str:
    """'app_label.model', the object type written in audit events."""
    return f"{obj._meta.app_label}.{obj._meta.model_name}"


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
    if not connection.in_atomic_block:
        raise RuntimeError("audit.record() must run inside the transaction of the write it records.")
    chain = AuditChain.objects.for_org(org).select_for_update().get()
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
    )
    event.hash = canonical_hash(_payload(event))
    event.save(force_insert=True)
    chain.last_seq = event.seq
    chain.last_hash = event.hash
    chain.save(update_fields=["last_seq", "last_hash"])
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
    chain = AuditChain.objects.for_org(org).select_for_update().get()
    events = []
    seq, prev = chain.last_seq, chain.last_hash
    at = timezone.now()
    for entry in entries:
        seq += 1
        event = AuditEvent(
            organization=org, seq=seq, at=at, actor_id=actor.pk if actor is not None else None,
            actor_label=actor.email if actor is not None else "system", action=entry.action,
            object_type=object_type_of(entry.obj), object_id=str(entry.obj.pk), object_repr=entry.object_repr[:200],
            changes=to_audit_value(dict(entry.changes)), prev_hash=prev,
        )
        event.hash = canonical_hash(_payload(event))
        prev = event.hash
        events.append(event)
    AuditEvent.objects.for_org(org).bulk_create(events, batch_size=500)
    chain.last_seq, chain.last_hash = seq, prev
    chain.save(update_fields=["last_seq", "last_hash"])
    return len(events)


def start_chain(org: Organization) -> AuditChain:
    """Create the empty chain of a new organisation."""
    return AuditChain.objects.for_org(org).create(organization=org)


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


def verify_chain(org: Organization) -> ChainReport:
    """Recompute `org`'s chain; report the first event that does not verify."""
    expected_seq = 1
    prev_hash = ""
    count = 0
    for event in _iter_events(org):
        count += 1
        if event.seq != expected_seq:
            what = "is missing" if event.seq > expected_seq else "is out of order"
            return ChainReport(org.slug, count, ok=False, first_bad_seq=expected_seq,
                               problem=f"event #{expected_seq} {what} (found #{event.seq} next)")
        if event.prev_hash != prev_hash:
            return ChainReport(org.slug, count, ok=False, first_bad_seq=event.seq,
                               problem=f"event #{event.seq} does not follow event #{event.seq - 1}")
        if canonical_hash(_payload(event)) != event.hash:
            return ChainReport(org.slug, count, ok=False, first_bad_seq=event.seq,
                               problem=f"event #{event.seq} was modified (its hash does not match)")
        prev_hash = event.hash
        expected_seq += 1
    head = AuditChain.objects.for_org(org).first()
    last_seq = expected_seq - 1
    if head is None:
        return ChainReport(org.slug, count, ok=count == 0, first_bad_seq=None if count == 0 else 1,
                           problem="" if count == 0 else "the chain head is missing")
    if head is not None and (head.last_seq != last_seq or head.last_hash != prev_hash):
        first_bad = last_seq + 1 if head.last_seq > last_seq else last_seq
        return ChainReport(org.slug, count, ok=False, first_bad_seq=first_bad,
                           problem=f"the chain ends at #{last_seq} but its head records #{head.last_seq}")
    return ChainReport(org.slug, count, ok=True)
