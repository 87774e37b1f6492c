"""Import of the systems inventory from a file: each row adds a system, or updates the system its `name`
names (case and runs of spaces ignored).

All or nothing: any refused row rejects the whole file, naming every refused row and field; nothing is
written. A dry run answers what the import would do, row by row, and writes nothing.

* A row's `dependencies` name systems of the organisation or of the same file (a file may add two systems
  where one needs the other); a name neither knows is refused on that row. An empty cell means "depends
  on nothing"; a file without the column leaves the dependencies as they are.
* A name that two rows give is refused on the second (a file changes a system once).
* Only fields whose value changes are written; a row that changes nothing is "unchanged".

The rows are checked before the organisation's write lock is taken; the write is one short transaction, and
when the organisation's audit chain moved in between (another write: the numbers given to new systems may be
taken), the rows are checked again under the lock (the risk import's way, `accord.risks.services.imports`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone

from accord.core import audit
from accord.core.choices import AuditAction, ImportAction
from accord.core.models import AuditChain, Organization, User
from accord.core.tables import ImportRejected, ImportReport, ImportRow, refused
from accord.portfolio import rules
from accord.portfolio.fields_systems import AUDITED, SYSTEM
from accord.portfolio.models_systems import System, SystemDependency
from accord.portfolio.services import lock_org
from accord.portfolio.services_systems import Lookups, absorb_assets, clean_system_input, resolve_dependencies

KEY = SYSTEM.key


@dataclass
class _Row:
    n: int
    name: str
    system: System
    creating: bool
    changes: dict[str, Any]
    dependency_names: list[str] | None
    dependencies: list[System] | None = None


@dataclass
class _Plan:
    rows: list[ImportRow] = field(default_factory=list)
    good: list[_Row] = field(default_factory=list)


def _chain_head(org: Organization) -> int:
    return AuditChain.objects.for_org(org).values_list("last_seq", flat=True).get()


def _current_dependencies(org: Organization) -> dict[int, set[int]]:
    out: dict[int, set[int]] = {}
    for system_id, needed in SystemDependency.objects.for_org(org).order_by().values_list("system_id", "depends_on_id"):
        out.setdefault(system_id, set()).add(needed)
    return out


def _plan(org: Organization, records: list[tuple[int, Mapping[str, Any]]]) -> _Plan:
    lookups = Lookups(org)
    plan = _Plan()
    outcome: dict[int, ImportRow] = {}
    seen: dict[str, int] = {}
    next_number = max((s.number for s in lookups.systems.values()), default=0) + 1
    known = dict(lookups.systems)  # the organisation's systems, then the file's new ones, by name key
    numbers = dict(lookups.numbers)
    existing = {s.pk for s in lookups.systems.values()}
    full = System.objects.for_org(org).in_bulk(list(existing)) if existing else {}
    for n, data in records:
        name = str(data.get(KEY) or "").strip()
        key = rules.system_name_key(name)
        if not name:
            outcome[n] = ImportRow(n, ImportAction.REFUSED, "", errors=((KEY, "A row needs the system's name."),))
            continue
        if key in seen:
            outcome[n] = ImportRow(n, ImportAction.REFUSED, name, errors=((KEY, (
                f"'{name}' is also in row {seen[key]}; a file may change a system once.")),))
            continue
        seen[key] = n
        found = lookups.systems.get(key)
        current = full.get(found.pk) if found is not None else None
        values = dict(data)
        if current is not None and values.get(KEY) == current.name:
            values.pop(KEY)  # the same name: nothing to check (it is the system's own)
        elif current is not None:
            values[KEY] = name  # another case or spacing of its own name: a rename, checked as one
        try:
            cleaned = clean_system_input(org, values, current=current, lookups=lookups)
        except ValidationError as exc:
            outcome[n] = refused(n, current.ref if current else name, exc)
            continue
        if current is None:
            system = System(organization=org, number=next_number, **cleaned.values)
            next_number += 1
            known[key] = system
            numbers[system.number] = system
            plan.good.append(_Row(n, name, system, True, audit.diff({}, audit.snapshot(system, AUDITED)),
                                  cleaned.dependencies))
        else:
            before = audit.snapshot(current, AUDITED)
            for attr, value in cleaned.values.items():
                setattr(current, attr, value)
            plan.good.append(_Row(n, name, current, False, audit.diff(before, audit.snapshot(current, AUDITED)),
                                  cleaned.dependencies))
    edges = _current_dependencies(org)
    for row in plan.good:
        if row.dependency_names is None:
            continue
        try:
            row.dependencies = resolve_dependencies(row.dependency_names, known, numbers,
                                                    itself=rules.system_name_key(row.system.name))
        except ValidationError as exc:
            outcome[row.n] = refused(row.n, row.name, exc)
            continue
        wanted = {rules.system_name_key(d.name) for d in row.dependencies}
        had = {rules.system_name_key(full[pk].name) for pk in edges.get(row.system.pk or 0, set()) if pk in full}
        if row.creating:
            if wanted:
                row.changes["dependencies"] = [None, sorted((d.name for d in row.dependencies), key=str.casefold)]
        elif wanted != had:
            row.changes["dependencies"] = [sorted((full[pk].name for pk in edges.get(row.system.pk, set())),
                                                  key=str.casefold),
                                           sorted((d.name for d in row.dependencies), key=str.casefold)]
    plan.good = [row for row in plan.good if row.n not in outcome]
    for row in plan.good:
        if row.creating:
            outcome[row.n] = ImportRow(row.n, ImportAction.CREATE, row.system.ref)
        elif row.changes:
            changed = tuple(s.name for s in SYSTEM.inputs if s.attr in row.changes or s.name in row.changes)
            outcome[row.n] = ImportRow(row.n, ImportAction.UPDATE, row.system.ref, changed=changed)
        else:
            outcome[row.n] = ImportRow(row.n, ImportAction.UNCHANGED, row.system.ref)
    plan.rows = [outcome[n] for n, _ in records]
    return plan


def do_import_systems(actor: User | None, org: Organization, rows: Iterable[tuple[int, Mapping[str, Any]]], *,
                      dry_run: bool = False) -> ImportReport:
    """Add a system per row whose name is new, update the system a row's name names; all or nothing: any
    refused row raises ImportRejected naming every refused row and field, and nothing is written. `rows` are
    (row number as the user sees it, field values). `dry_run`: the report and nothing written. The register's
    affected assets that name an added system become links (decision 0047)."""
    records = list(rows)
    if connection.in_atomic_block and not dry_run:
        return _write(actor, org, records, plan=None)
    head = _chain_head(org)
    plan = _plan(org, records)
    report = ImportReport(rows=tuple(plan.rows), dry_run=dry_run)
    if dry_run:
        return report
    if report.problems:
        raise ImportRejected(report)
    return _write(actor, org, records, plan=plan, head=head)


@transaction.atomic
def _write(actor: User | None, org: Organization, records: list[tuple[int, Mapping[str, Any]]], *,
           plan: _Plan | None, head: int | None = None) -> ImportReport:
    lock_org(org)
    if plan is None or _chain_head(org) != head:
        plan = _plan(org, records)
        if any(row.errors for row in plan.rows):
            raise ImportRejected(ImportReport(rows=tuple(plan.rows), dry_run=False))
    creates = [row for row in plan.good if row.creating]
    updates = [row for row in plan.good if not row.creating and row.changes]
    System.objects.for_org(org).bulk_create([row.system for row in creates], batch_size=500)
    now = timezone.now()
    fields = sorted({name for row in updates for name in row.changes if name in AUDITED})
    if updates and fields:
        for row in updates:
            row.system.updated_at = now
        System.objects.for_org(org).bulk_update([row.system for row in updates if set(row.changes) & set(fields)],
                                                [*fields, "updated_at"], batch_size=500)
    rewired = [row for row in plan.good if "dependencies" in row.changes]
    if rewired:
        SystemDependency.objects.for_org(org).filter(system__in=[row.system for row in rewired
                                                                 if not row.creating]).delete()
        SystemDependency.objects.for_org(org).bulk_create([
            SystemDependency(organization=org, system=row.system, depends_on=d)
            for row in rewired for d in row.dependencies or []], batch_size=1000)
    renamed = [row.system for row in updates if "name" in row.changes]
    audit.record_many(org, actor, [
        *(audit.Entry(AuditAction.CREATE, row.system, row.changes, str(row.system)[:200]) for row in creates),
        *(audit.Entry(AuditAction.UPDATE, row.system, row.changes, str(row.system)[:200]) for row in updates),
        *absorb_assets(org, [*(row.system for row in creates), *renamed]),
    ])
    rows = tuple(plan.rows)
    return ImportReport(rows=rows, dry_run=False, created=[row.system for row in creates],
                        updated=[row.system for row in updates])
