"""Checkpoints: the heads of every audit chain, signed, appended to a file outside the database.

A line is the canonical JSON of {v, at, org, slug, seq, hash, key_id, mac}, where `mac` is the
HMAC-SHA-256, under the audit key `key_id`, of the other fields. A chain that is shorter than a
checkpoint, or whose event at a checkpoint's sequence number has another hash, was cut back or
rewritten since; an organisation in a checkpoint but not in the database lost its whole chain.
The file is only ever appended to (O_APPEND, fsync); keep it where the database's administrator
cannot rewrite it (docs/audit.md).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from django.utils import timezone

from accord.core.audit_keys import Keyring, canonical_json, mac, same
from accord.core.models import AuditChain, Organization

FORMAT_VERSION = 1


@dataclass(frozen=True)
class Checkpoint:
    """One organisation's chain head as recorded on one line of a checkpoint file."""

    line: int
    at: str
    org: int
    slug: str
    seq: int
    hash: str

    @property
    def label(self) -> str:
        """How a message names this checkpoint."""
        return f"the checkpoint of {self.at} (line {self.line})"


@dataclass(frozen=True)
class Written:
    """What `write_checkpoints` appended, and the organisations it could not checkpoint."""

    lines: int
    missing_heads: tuple[str, ...]


def _signed_line(ring: Keyring, fields: dict[str, object]) -> str:
    key_id = ring.current_id
    secret = ring.secret(key_id) if key_id is not None else None
    if key_id is None or secret is None:
        raise ValueError("no audit key is configured: set ACCORD_AUDIT_KEY or ACCORD_AUDIT_KEY_FILE")
    body = {**fields, "key_id": key_id}
    return canonical_json({**body, "mac": mac(secret, body)}).decode("utf-8") + "\n"


def write_checkpoints(path: Path, organizations: Iterable[Organization], ring: Keyring) -> Written:
    """Append one signed line per organisation's chain head to `path` in one write, then fsync it
    (and its folder, when the file is new) so that a checkpoint that was reported is on disk."""
    at = timezone.now().isoformat(timespec="seconds")
    lines, missing = [], []
    for org in organizations:
        head = AuditChain.objects.for_org(org).first()
        if head is None:
            missing.append(org.slug)
            continue
        lines.append(_signed_line(ring, {"v": FORMAT_VERSION, "at": at, "org": org.pk, "slug": org.slug,
                                         "seq": head.last_seq, "hash": head.last_hash}))
    created = not path.exists()
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
    with os.fdopen(fd, "a", encoding="utf-8") as out:
        out.write("".join(lines))
        out.flush()
        os.fsync(out.fileno())
    if created:
        folder = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(folder)
        finally:
            os.close(folder)
    return Written(len(lines), tuple(missing))


def _parse(number: int, text: str, ring: Keyring) -> Checkpoint | str:
    """The checkpoint on line `number`, or what is wrong with it."""
    where = f"checkpoint line {number}"
    try:
        data = json.loads(text)
    except ValueError:
        return f"{where} is not a checkpoint (not JSON): the file was altered"
    fields = ("v", "at", "org", "slug", "seq", "hash", "key_id", "mac")
    if not isinstance(data, dict) or sorted(data) != sorted(fields):
        return f"{where} is not a checkpoint (it needs exactly the fields {', '.join(fields)}): the file was altered"
    secret = ring.secret(str(data["key_id"]))
    if secret is None:
        return f"{where} is signed with key '{data['key_id']}', which is not in the keyring (ACCORD_AUDIT_KEY)"
    body = {k: v for k, v in data.items() if k != "mac"}
    if not same(str(data["mac"]), mac(secret, body)):
        return f"{where} does not carry a valid signature: it was forged or altered"
    if data["v"] != FORMAT_VERSION or not (isinstance(data["org"], int) and isinstance(data["seq"], int)):
        return f"{where} has format version {data['v']!r}; this Accord reads version {FORMAT_VERSION}"
    return Checkpoint(number, str(data["at"]), data["org"], str(data["slug"]), data["seq"], str(data["hash"]))


def read_checkpoints(path: Path, ring: Keyring) -> tuple[list[Checkpoint], list[str]]:
    """Every checkpoint in `path` whose signature holds, and one problem per line that does not."""
    checkpoints: list[Checkpoint] = []
    problems: list[str] = []
    with path.open(encoding="utf-8", errors="replace") as lines:
        for number, text in enumerate(lines, start=1):
            if not text.strip():
                continue
            parsed = _parse(number, text, ring)
            if isinstance(parsed, str):
                problems.append(parsed)
            else:
                checkpoints.append(parsed)
    return checkpoints, problems


def vanished(checkpoints: Iterable[Checkpoint], present: set[int]) -> list[str]:
    """One problem per organisation that a checkpoint names but the database no longer holds."""
    last: dict[int, Checkpoint] = {}
    for cp in checkpoints:
        if cp.org not in present and (cp.org not in last or cp.seq >= last[cp.org].seq):
            last[cp.org] = cp
    return [f"audit chain of {cp.slug} (organisation id {cp.org}) is gone: {cp.label} recorded it at #{cp.seq}, "
            "but the database no longer holds the organisation" for cp in last.values()]
