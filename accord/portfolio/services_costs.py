"""Writes of the IT costs, each in one transaction with its audit events: budget lines (add, change, remove
with their actuals) and the import of actuals from a file, all or nothing.

Input uses the API's names: the initiative and the control a line pays for by id. Every bad field is
reported at once, naming the field, the value and what is allowed.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from accord.compliance.models_controls import Control
from accord.core import audit
from accord.core.choices import AuditAction, ImportAction
from accord.core.inputs import INT64_MAX
from accord.core.models import Organization, User
from accord.core.tables import ImportRejected, ImportReport, ImportRow
from accord.core.tenancy import check_same_org
from accord.portfolio.choices import CostCategory, CostNature
from accord.portfolio.models import Initiative
from accord.portfolio.models_costs import MAX_AMOUNT, Actual, BudgetLine
from accord.portfolio.models_systems import System
from accord.portfolio.services import lock_org

__all__ = ["ImportRejected", "ImportReport", "do_create_budget_line", "do_delete_budget_line", "do_import_actuals",
           "do_update_budget_line"]

#: The input names of a budget line (API, forms), in the API's order.
LINE_FIELDS = ("year", "title", "category", "nature", "amount", "initiative", "control", "system", "notes")
#: The model fields the audit trail records of a budget line.
AUDITED_LINE = ("year", "title", "category", "nature", "amount", "initiative", "control", "system", "notes")
#: The model fields the audit trail records of an actual.
AUDITED_ACTUAL = ("budget_line", "month", "amount", "note")
#: What a line may pay for: one of them at most.
LINKS = ("initiative", "control", "system")
YEARS = (1990, 2200)
_REF = re.compile(r"^\s*(?:BL-?)?0*(\d{1,9})\s*$", re.IGNORECASE)
_MONTH = re.compile(r"^\s*(\d{4})-(\d{1,2})(?:-(\d{1,2}))?\s*$")


def parse_line_reference(text: str) -> int | None:
    """The number a budget line reference names ("BL-007", "bl7", "7"), or None."""
    found = _REF.match(str(text))
    return int(found.group(1)) if found and int(found.group(1)) > 0 else None


def parse_month(text: Any) -> dt.date | None:
    """The first day of the month a cell names ("2026-03", or a date such as "2026-03-01", whose day is
    ignored), or None when it names none."""
    if isinstance(text, dt.date):
        return text.replace(day=1)
    found = _MONTH.match(str(text or ""))
    if not found:
        return None
    year, month = int(found.group(1)), int(found.group(2))
    if not 1 <= month <= 12:
        return None
    if found.group(3) is not None:
        try:
            dt.date(year, month, int(found.group(3)))
        except ValueError:
            return None
    return dt.date(year, month, 1)


def _whole(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    text = str(value if value is not None else "").strip().replace("_", "").replace(" ", "")
    return int(text) if re.fullmatch(r"[+-]?\d{1,19}", text) else None


def _linked(org: Organization, errors: dict[str, str], name: str, value: Any, model: Any, noun: str) -> Any:
    if value in (None, ""):
        return None
    pk = _whole(value)
    found = model.objects.for_org(org).filter(pk=pk).first() if pk is not None and 0 < pk <= INT64_MAX else None
    if found is None:
        errors[name] = f"No {noun} of {org.name} has the id {value}."
    return found


def clean_line_input(org: Organization, data: Mapping[str, Any], *, current: BudgetLine | None = None,
                     has_actuals: bool = False) -> dict[str, Any]:
    """Check a budget line's input (every field given; on creation the required ones) and return the model
    values, the initiative and the control as objects of `org`."""
    unknown = sorted(set(data) - set(LINE_FIELDS))
    if unknown:
        raise ValidationError({name: f"Unknown field; use: {', '.join(LINE_FIELDS)}." for name in unknown})
    errors: dict[str, str] = {}
    out: dict[str, Any] = {}
    if current is None:
        for name in ("year", "title", "category", "amount"):
            if data.get(name) in (None, ""):
                errors[name] = "This field is required."
    for name, value in data.items():
        if name in errors:
            continue
        match name:
            case "title":
                text = str(value or "").strip()
                if not text:
                    errors[name] = "This field is required."
                elif len(text) > 200:
                    errors[name] = f"At most 200 characters (this one has {len(text)})."
                out[name] = text
            case "notes":
                out[name] = str(value or "").strip()
                if len(out[name]) > 10_000:
                    errors[name] = f"At most 10000 characters (this one has {len(out[name])})."
            case "category" | "nature":
                choices = CostCategory if name == "category" else CostNature
                if value in choices.values:
                    out[name] = str(value)
                else:
                    errors[name] = f"'{value}' is not allowed; use one of: {', '.join(choices.values)}."
            case "year":
                year = _whole(value)
                if year is None or not YEARS[0] <= year <= YEARS[1]:
                    errors[name] = f"'{value}' is not a year from {YEARS[0]} to {YEARS[1]}."
                elif current is not None and has_actuals and year != current.year:
                    errors[name] = (f"{current.ref} has actuals booked in {current.year}; its year cannot change. "
                                    "Add a line for the other year instead.")
                out[name] = year
            case "amount":
                amount = _whole(value)
                if amount is None or not 0 <= amount <= MAX_AMOUNT:
                    errors[name] = (f"'{value}' is not an amount from 0 to {MAX_AMOUNT} in whole minor units "
                                    f"of {org.currency} (cents for EUR: 1500000 is 15,000.00).")
                out[name] = amount
            case "initiative":
                out[name] = _linked(org, errors, name, value, Initiative, "initiative")
            case "control":
                out[name] = _linked(org, errors, name, value, Control, "control")
            case "system":
                out[name] = _linked(org, errors, name, value, System, "system")
    links = [name for name in LINKS if out.get(name, getattr(current, name) if current else None) is not None]
    if len(links) > 1 and not errors.keys() & set(LINKS):
        errors[next((n for n in reversed(links) if n in data), links[-1])] = (
            f"A budget line pays for one of an initiative, a control or a system, not {' and '.join(links)}; split "
            "it into several lines.")
    if errors:
        raise ValidationError(errors)
    return out


def _repr(line: BudgetLine) -> str:
    return str(line)[:200]


@transaction.atomic
def do_create_budget_line(actor: User | None, org: Organization, data: Mapping[str, Any]) -> BudgetLine:
    """Add a budget line (numbered after the organisation's last); one audit event."""
    lock_org(org)
    values = clean_line_input(org, data)
    number = (BudgetLine.objects.for_org(org).aggregate(n=Max("number"))["n"] or 0) + 1
    line = BudgetLine.objects.for_org(org).create(organization=org, number=number, **values)
    audit.record(org, actor, AuditAction.CREATE, line, changes=audit.diff({}, audit.snapshot(line, AUDITED_LINE)),
                 object_repr=_repr(line))
    return line


@transaction.atomic
def do_update_budget_line(actor: User | None, org: Organization, line: BudgetLine,
                          data: Mapping[str, Any]) -> BudgetLine:
    """Change some fields of a budget line (its year only while it has no actuals); one audit event when
    anything changed."""
    check_same_org(org, line=line)
    lock_org(org)
    line = BudgetLine.objects.for_org(org).select_related("initiative", "control", "system").get(pk=line.pk)
    has_actuals = Actual.objects.for_org(org).filter(budget_line=line).exists()
    values = clean_line_input(org, data, current=line, has_actuals=has_actuals)
    before = audit.snapshot(line, AUDITED_LINE)
    for name, value in values.items():
        setattr(line, name, value)
    changes = audit.diff(before, audit.snapshot(line, AUDITED_LINE))
    if changes:
        line.updated_at = timezone.now()
        line.save(update_fields=[*values, "updated_at"])
        audit.record(org, actor, AuditAction.UPDATE, line, changes=changes, object_repr=_repr(line))
    return line


@transaction.atomic
def do_delete_budget_line(actor: User | None, org: Organization, line: BudgetLine) -> None:
    """Remove a budget line with its actuals; one audit event for each object removed (the trail keeps
    what they were)."""
    check_same_org(org, line=line)
    lock_org(org)
    line = BudgetLine.objects.for_org(org).get(pk=line.pk)
    actuals = list(Actual.objects.for_org(org).filter(budget_line=line))
    entries = [audit.Entry(AuditAction.DELETE, a, {k: [v, None] for k, v in audit.snapshot(a, AUDITED_ACTUAL).items()},
                           f"{line.ref} {a.month:%Y-%m}") for a in actuals]
    entries.append(audit.Entry(AuditAction.DELETE, line,
                               {k: [v, None] for k, v in audit.snapshot(line, AUDITED_LINE).items()}, _repr(line)))
    audit.record_many(org, actor, entries)
    Actual.objects.for_org(org).filter(budget_line=line).delete()
    line.delete()


# --- actuals: the import ------------------------------------------------------------------------------

@dataclass
class _Plan:
    rows: list[ImportRow] = field(default_factory=list)
    creates: list[Actual] = field(default_factory=list)
    updates: list[tuple[Actual, dict[str, list[Any]]]] = field(default_factory=list)


def _plan(org: Organization, rows: list[tuple[int, Mapping[str, Any]]]) -> _Plan:
    refs = {n: str(data.get("line") or "").strip() for n, data in rows}
    numbers = {x for x in map(parse_line_reference, refs.values()) if x is not None}
    lines = {line.number: line for line in BudgetLine.objects.for_org(org).filter(number__in=numbers)}
    existing = {(a.budget_line_id, a.month): a
                for a in Actual.objects.for_org(org).filter(budget_line__in=list(lines.values()))}
    seen: dict[tuple[int, dt.date], int] = {}
    plan = _Plan()
    for n, data in rows:
        errors: list[tuple[str, str]] = []
        text = refs[n]
        number = parse_line_reference(text) if text else None
        line = lines.get(number) if number is not None else None
        if not text:
            errors.append(("line", "Name the budget line, such as BL-001 (`accord budget list` shows them)."))
        elif number is None:
            errors.append(("line", f"'{text}' is not a budget line reference such as BL-001."))
        elif line is None:
            errors.append(("line", f"{BudgetLine(number=number).ref} is not a budget line of this organisation."))
        month = parse_month(data.get("month"))
        if month is None:
            errors.append(("month", f"'{data.get('month') or ''}' is not a month; write it as YYYY-MM (2026-03)."))
        elif line is not None and month.year != line.year:
            errors.append(("month", f"{month:%Y-%m} is not in {line.year}, the year of {line.ref}; book it on that "
                                    "year's line."))
        amount = _whole(data.get("amount"))
        if amount is None or not -MAX_AMOUNT <= amount <= MAX_AMOUNT:
            errors.append(("amount", f"'{data.get('amount') or ''}' is not a whole amount in minor units "
                                     f"(cents for EUR: 1500000 is 15,000.00; a credit is negative)."))
        note = str(data.get("note") or "").strip()
        if len(note) > 200:
            errors.append(("note", f"At most 200 characters (this one has {len(note)})."))
        ref = f"{line.ref if line else text} {month:%Y-%m}" if month else (line.ref if line else text)
        if not errors and line is not None and month is not None and (line.pk, month) in seen:
            errors.append(("month", f"{line.ref} {month:%Y-%m} is also in row {seen[(line.pk, month)]}; a file "
                                    "gives a line's month once."))
        if errors or line is None or month is None or amount is None:
            plan.rows.append(ImportRow(n, ImportAction.REFUSED, ref, errors=tuple(errors)))
            continue
        seen[(line.pk, month)] = n
        found = existing.get((line.pk, month))
        if found is None:
            plan.creates.append(Actual(organization=org, budget_line=line, month=month, amount=amount, note=note))
            plan.rows.append(ImportRow(n, ImportAction.CREATE, ref))
            continue
        before = audit.snapshot(found, ("amount", "note"))
        found.amount, found.note = amount, note
        changes = audit.diff(before, audit.snapshot(found, ("amount", "note")))
        if not changes:
            plan.rows.append(ImportRow(n, ImportAction.UNCHANGED, ref))
            continue
        plan.updates.append((found, changes))
        plan.rows.append(ImportRow(n, ImportAction.UPDATE, ref, changed=tuple(changes)))
    return plan


def do_import_actuals(actor: User | None, org: Organization, rows: Iterable[tuple[int, Mapping[str, Any]]], *,
                      dry_run: bool = False) -> ImportReport:
    """Book each row's amount as the actual of its budget line (`line`, BL-001) and month (`month`, YYYY-MM):
    a new month is added, a month already booked is replaced when the amount or note differ. All or nothing:
    any refused row raises ImportRejected naming every refused row and field, and nothing is written. One
    audit event per actual written. `dry_run`: the report only, nothing written."""
    rows = list(rows)
    if dry_run:
        return ImportReport(rows=tuple(_plan(org, rows).rows), dry_run=True)
    with transaction.atomic():
        lock_org(org)
        plan = _plan(org, rows)
        report = ImportReport(rows=tuple(plan.rows), dry_run=False)
        if report.problems:
            raise ImportRejected(report)
        Actual.objects.for_org(org).bulk_create(plan.creates, batch_size=500)
        now = timezone.now()
        updated = [a for a, _ in plan.updates]
        for actual in updated:
            actual.recorded_at = now
        if updated:
            Actual.objects.for_org(org).bulk_update(updated, ["amount", "note", "recorded_at"], batch_size=500)
        audit.record_many(org, actor, [
            *(audit.Entry(AuditAction.CREATE, a, audit.diff({}, audit.snapshot(a, AUDITED_ACTUAL)),
                          f"{a.budget_line.ref} {a.month:%Y-%m}") for a in plan.creates),
            *(audit.Entry(AuditAction.UPDATE, a, changes, f"{a.budget_line.ref} {a.month:%Y-%m}")
              for a, changes in plan.updates),
        ])
    return ImportReport(rows=report.rows, dry_run=False, created=plan.creates, updated=updated)
