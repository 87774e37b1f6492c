"""The version of an organisation's data (decision 0035), for reads of every layer.

Every write to tenant data goes through a service that appends one event to the organisation's audit chain
in the same transaction (DESIGN.md, held by tests/test_audit_coverage.py), so the chain's head (sequence
number and hash) versions everything an organisation's pages and answers are made of. It is a row: a write
by another process, another machine or a background job changes it for every reader at once.
`accord.core.answers` stores read answers under it; `accord.risks.quantified` keys the register's
simulation inputs by it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING

from accord.core.models import AuditChain

if TYPE_CHECKING:
    from accord.core.models import Organization

# (organisation pk, version) read by the request computing an answer, so the code it calls (the register's
# simulation inputs) reads the same version instead of a second query.
_KNOWN: ContextVar[tuple[int, str] | None] = ContextVar("accord_known_version", default=None)
# Set while an answer is computed: False once something it read is not covered by its key.
_STORABLE: ContextVar[list[bool] | None] = ContextVar("accord_answer_storable", default=None)


def data_version(org: Organization) -> str:
    """The organisation's data version: its audit chain's head, `"<seq>:<hash>"`. The hash too: a sequence
    number given back by a rolled-back transaction is used again by the next event."""
    known = _KNOWN.get()
    if known is not None and known[0] == org.pk:
        return known[1]
    seq, last_hash = AuditChain.objects.for_org(org).values_list("last_seq", "last_hash").first() or (0, "")
    return f"{seq}:{last_hash}"


@contextmanager
def version_known(org: Organization, version: str) -> Iterator[None]:
    """While an answer is computed: `data_version(org)` is `version`, already read by this request."""
    token = _KNOWN.set((org.pk, version))
    try:
        yield
    finally:
        _KNOWN.reset(token)


def not_storable() -> None:
    """Say that the answer being computed read something its key does not version: it is served, not stored."""
    flags = _STORABLE.get()
    if flags is not None:
        flags[0] = False


@contextmanager
def computing() -> Iterator[list[bool]]:
    """While an answer is computed: `[True]`, turned False by `not_storable()`."""
    flags = [True]
    token = _STORABLE.set(flags)
    try:
        yield flags
    finally:
        _STORABLE.reset(token)
