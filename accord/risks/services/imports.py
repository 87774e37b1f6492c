"""Imports of the register: each row of a file adds a risk, or updates the risk its `ref` names.

All or nothing: any refused row rejects the whole file, naming every refused row and field. A dry
run answers what the import would do, row by row, and writes nothing (no risk, no audit event).

* A row without `ref` adds a risk (numbered after the register's last).
* A row whose `ref` (R-001, any case) is a risk of the organisation updates that risk with the
  columns the file has; only the fields whose value changes are written, one audit event per
  changed risk. A row that changes nothing is "unchanged".
* A status of "accepted" in a row that updates an accepted risk is read as "no change": the register derives
  it from an acceptance in force (an export carries it) and never stores it; a new row that says
  accepted, or a row that would make a risk accepted that is not, is refused.
* A row whose `ref` is not a risk of the organisation, is not a reference, or names a risk another
  row already names, is refused: a reference is never taken as a new risk, because a typo would
  then duplicate a risk instead of changing it (docs/risks.md).

Every row is checked before the organisation's write lock is taken, outside any transaction, and the
import then writes in one short transaction: on SQLite the write lock is the whole database's, and
checking 20,000 rows under it made every other organisation's writes wait for seconds. Every write to
an organisation's data appends to its audit chain under that lock, so the chain's head says whether
anything changed between the check and the write; when it did, the rows are checked again under the
lock, and the import writes what that check decides.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone

from accord.core import audit
from accord.core.choices import AuditAction
from accord.core.models import AuditChain, Organization, User
from accord.core.tables import ImportRejected, ImportReport, ImportRow, refused
from accord.risks.choices import ImportAction, RiskStatus
from accord.risks.fields import RISK
from accord.risks.models import Risk
from accord.risks.selectors import annotated_risks, parse_risk_reference
from accord.risks.services.register import (
    AUDITED_RISK_FIELDS,
    Lookups,
    _current_matrix,
    _derive_levels,
    _next_number,
    clean_risk_input,
    lock_org,
)

__all__ = ["ImportRejected", "ImportReport", "ImportRow", "do_import_risks"]

#: The column that names the risk a row updates.
REF = RISK.key
#: A status cell that says accepted (its value or label).
ACCEPTED_WORDS = {RiskStatus.ACCEPTED.value, str(RiskStatus.ACCEPTED.label).lower()}


def _ref(number: int) -> str:
    return Risk(number=number).ref


@dataclass
class _Plan:
    rows: list[ImportRow] = field(default_factory=list)
    creates: list[Risk] = field(default_factory=list)
    # Each added risk's audit changes, worked out with the check, so that the write does only the writing.
    create_changes: list[dict[str, list[Any]]] = field(default_factory=list)
    updates: list[tuple[Risk, dict[str, list[Any]]]] = field(default_factory=list)


def _matched_risks(org: Organization, refs: Iterable[str], *, lock: bool) -> dict[int, Risk]:
    """The risks the references name, by number (one query); with `lock`, locked until the import ends."""
    numbers = {n for n in map(parse_risk_reference, refs) if n is not None}
    if not numbers:
        return {}
    risks = Risk.objects.for_org(org).filter(number__in=numbers)
    return {risk.number: risk for risk in (risks.select_for_update() if lock else risks)}


def _chain_head(org: Organization) -> int:
    """How many events the organisation's audit chain holds: it moves with every write to its data."""
    return AuditChain.objects.for_org(org).values_list("last_seq", flat=True).get()


def _plan(org: Organization, rows: list[tuple[int, Mapping[str, Any]]], *, lock: bool = False) -> _Plan:
    matrix = _current_matrix(org)
    lookups = Lookups(org)
    given = {n: str(data.get(REF) or "").strip() for n, data in rows}
    existing = _matched_risks(org, given.values(), lock=lock)
    seen: dict[int, int] = {}  # risk number → the row that names it
    next_number = _next_number(org)
    plan = _Plan()
    accepted: set[int] | None = None

    def accepted_now(risks: Mapping[int, Risk]) -> set[int]:
        """The numbers of the matched risks an acceptance in force covers today (one query, when asked)."""
        nonlocal accepted
        if accepted is None:
            accepted = set(annotated_risks(org, archived=None).filter(number__in=list(risks), accepted=True)
                           .values_list("number", flat=True))
        return accepted

    for n, data in rows:
        values = {k: v for k, v in data.items() if k != REF}
        text = given[n]
        number = parse_risk_reference(text) if text else None
        if text and number is None:
            plan.rows.append(ImportRow(n, ImportAction.REFUSED, text, errors=((REF, (
                f"'{text}' is not a risk reference such as R-001; leave {REF} empty to add the row as a new risk.")),)))
            continue
        risk = existing.get(number) if number is not None else None
        if number is not None and risk is None:
            plan.rows.append(ImportRow(n, ImportAction.REFUSED, text, errors=((REF, (
                f"{_ref(number)} is not a risk of this organisation; leave {REF} empty to add the row as a new "
                "risk.")),)))
            continue
        if risk is not None and risk.archived_at is not None:
            plan.rows.append(ImportRow(n, ImportAction.REFUSED, text, errors=((REF, (
                f"{risk.ref} is archived; restore it first, or leave {REF} empty to add the row as a new risk.")),)))
            continue
        if number is not None and number in seen:
            plan.rows.append(ImportRow(n, ImportAction.REFUSED, text, errors=((REF, (
                f"{_ref(number)} is also in row {seen[number]}; a file may change a risk once.")),)))
            continue
        if risk is not None and str(values.get("status") or "").strip().lower() in ACCEPTED_WORDS \
                and risk.number in accepted_now(existing):
            # An export shows "accepted" for a risk with an acceptance in force; it is derived, never written,
            # so re-importing the file leaves the stored status as it is (decision 0021). For a risk that is
            # not accepted, the cell asks for what only an acceptance gives, and is refused like any input.
            values.pop("status")
        try:
            cleaned = clean_risk_input(org, values, current=risk, matrix=matrix, lookups=lookups)
        except ValidationError as exc:
            plan.rows.append(refused(n, text, exc))
            continue
        if risk is None:
            risk = Risk(organization=org, number=next_number, **cleaned)
            next_number += 1
            _derive_levels(risk, matrix)
            plan.creates.append(risk)
            plan.create_changes.append(audit.diff({}, audit.snapshot(risk, AUDITED_RISK_FIELDS)))
            plan.rows.append(ImportRow(n, ImportAction.CREATE, risk.ref))
            continue
        seen[risk.number] = n
        before = audit.snapshot(risk, AUDITED_RISK_FIELDS)
        for name, value in cleaned.items():
            setattr(risk, name, value)
        _derive_levels(risk, matrix)
        changes = audit.diff(before, audit.snapshot(risk, AUDITED_RISK_FIELDS))
        if not changes:
            plan.rows.append(ImportRow(n, ImportAction.UNCHANGED, risk.ref))
            continue
        plan.updates.append((risk, changes))
        changed = tuple(spec.name for spec in RISK.inputs if spec.attr in changes)
        plan.rows.append(ImportRow(n, ImportAction.UPDATE, risk.ref, changed=changed))
    return plan


def do_import_risks(
    actor: User | None, org: Organization, rows: Iterable[tuple[int, Mapping[str, Any]]], *, dry_run: bool = False
) -> ImportReport:
    """Add a risk per row without `ref`, update the risk a row's `ref` names; all or nothing: any refused
    row raises ImportRejected naming every refused row and field, and nothing is written. `rows` are (row
    number as the user sees it, field values, `ref` included). `dry_run`: the report of what the import
    would do, refused rows included, and nothing written (no risk, no audit event, no lock taken).

    The rows are checked first, outside the write lock; the write is one short transaction (see the
    module's docstring)."""
    rows = list(rows)
    if connection.in_atomic_block and not dry_run:
        # Inside a caller's transaction the lock may be held already: check under it, as one piece.
        return _write(actor, org, rows, plan=None)
    head = _chain_head(org)
    plan = _plan(org, rows)
    report = ImportReport(rows=tuple(plan.rows), dry_run=dry_run)
    if dry_run:
        return report
    if report.problems:
        raise ImportRejected(report)
    return _write(actor, org, rows, plan=plan, head=head)


@transaction.atomic
def _write(
    actor: User | None, org: Organization, rows: list[tuple[int, Mapping[str, Any]]], *, plan: _Plan | None,
    head: int | None = None,
) -> ImportReport:
    """Write `plan`, checked when the chain's head was `head`; check the rows again under the lock when
    there is no plan or the organisation changed since."""
    lock_org(org)
    if plan is None or _chain_head(org) != head:
        plan = _plan(org, rows, lock=True)
        if any(row.errors for row in plan.rows):
            raise ImportRejected(ImportReport(rows=tuple(plan.rows), dry_run=False))
    # bulk_create sets primary keys on PostgreSQL and on SQLite >= 3.35 (RETURNING).
    Risk.objects.for_org(org).bulk_create(plan.creates, batch_size=500)
    updated = [risk for risk, _ in plan.updates]
    if updated:
        now = timezone.now()
        for risk in updated:
            risk.updated_at = now
        fields = sorted({name for _, changes in plan.updates for name in changes})
        Risk.objects.for_org(org).bulk_update(updated, [*fields, "residual_rank", "updated_at"], batch_size=500)
    audit.record_many(org, actor, [
        *(audit.Entry(AuditAction.CREATE, risk, changes, str(risk))
          for risk, changes in zip(plan.creates, plan.create_changes, strict=True)),
        *(audit.Entry(AuditAction.UPDATE, risk, changes, str(risk)) for risk, changes in plan.updates),
    ])
    return ImportReport(rows=tuple(plan.rows), dry_run=False, created=plan.creates, updated=updated)
