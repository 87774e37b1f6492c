"""Imports of the controls library: each row of a file adds a control or updates the one its `ref` names, with
its links (docs/controls.md#files). All or nothing: any refused row rejects the whole file, naming every refused
row and field; a dry run answers what the import would do, row by row, and writes nothing.

* A row whose `ref` names a control of the organisation updates it with the columns the file has (only the
  fields whose value changes are written, one audit event per changed control).
* A row whose `ref` names no control adds one **with that reference** (decision 0049): a library exported from
  one organisation keeps its references in another, so the refs its people, audits and documents cite stay
  right. A row without `ref` adds a control numbered after every other (those of the file included).
* The `risks` and `requirements` columns, when the file has them, are the row's links as they must be: a link
  the cell names is made (or its effect changed), a link it does not name is removed; a file without the column
  leaves those links as they are. Risks are named by reference (an archived one is refused), requirements by
  framework key (or key@version) and id.
* A `ref` that is not a control reference, or that another row names too, is refused.

The rows are checked and written under the organisation's lock, in one transaction: a library is a few hundred
rows, so the check is short (the risk register's import, up to 20,000 rows, checks outside the lock).
"""

from __future__ import annotations

import decimal
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from accord.compliance import linkcells
from accord.compliance.fields import AUDITED_CONTROL_FIELDS, CONTROL, LINK_COLUMNS
from accord.compliance.models import Framework, Requirement
from accord.compliance.models_controls import Control, ControlRequirement, ControlRisk
from accord.compliance.services_controls import (
    clean_control_input,
    lock_org,
    requirement_link_entry,
    risk_link_entry,
)
from accord.core import audit
from accord.core.choices import AuditAction, ImportAction
from accord.core.models import Membership, Organization, User
from accord.core.tables import ImportRejected, ImportReport, ImportRow
from accord.risks.models import Risk
from accord.risks.selectors import parse_risk_reference

__all__ = ["ImportRejected", "ImportReport", "do_import_controls"]

REF = CONTROL.key
_MAX_NUMBER = 2**31 - 1  # Control.number is a PositiveIntegerField


def parse_control_reference(text: str) -> int | None:
    """The number of a control reference, `C-007` or `c-7`, or None when `text` is not one."""
    text = text.strip()
    if text[:2].upper() != "C-" or not text[2:].isascii() or not text[2:].isdigit():
        return None
    number = int(text[2:])
    return number if 0 < number <= _MAX_NUMBER else None


@dataclass
class _Row:
    """What one accepted row writes: the control (new, or changed in memory), its audit changes, and its links as
    the file wants them (None: the file has no such column)."""

    control: Control
    creating: bool
    changes: dict[str, list[Any]]
    risks: list[tuple[Risk, decimal.Decimal, decimal.Decimal]] | None
    requirements: list[Requirement] | None


@dataclass
class _Plan:
    report_rows: list[ImportRow] = field(default_factory=list)
    rows: list[_Row] = field(default_factory=list)


class _Lookups:
    """What the rows name, read once for the whole file: members, risks, frameworks and their requirements, the
    controls the rows update and their links."""

    def __init__(self, org: Organization, rows: list[tuple[int, Mapping[str, Any]]]) -> None:
        self.org = org
        self.members = {m.user.email.lower(): m for m in Membership.objects.for_org(org).select_related("user")}
        risk_numbers: set[int] = set()
        requirement_refs: set[str] = set()
        for _, data in rows:
            cells, _problems = linkcells.parse_risks(str(data.get("risks") or ""))
            risk_numbers.update(n for n in (parse_risk_reference(c.ref) for c in cells) if n is not None)
            items, _problems = linkcells.parse_requirements(str(data.get("requirements") or ""))
            requirement_refs.update(item.requirement for item in items)
        self.risks = {r.number: r for r in Risk.objects.for_org(org).filter(number__in=risk_numbers)}
        self.frameworks: dict[str, Framework] = {}
        for framework in Framework.objects.for_org(org).order_by("key", "-imported_at", "-pk"):
            self.frameworks.setdefault(framework.key, framework)  # a key alone: the newest version
            self.frameworks[framework.ref] = framework
        self.requirements = {(r.framework_id, r.ref): r for r in Requirement.objects.for_org(org)
                             .filter(ref__in=requirement_refs).select_related("framework")}
        numbers = {n for n in (parse_control_reference(str(d.get(REF) or "")) for _, d in rows) if n is not None}
        self.controls = {c.number: c for c in Control.objects.for_org(org).filter(number__in=numbers)
                         .select_related("owner__user")}
        self.risk_links: dict[int, dict[int, ControlRisk]] = {}
        self.requirement_links: dict[int, dict[int, ControlRequirement]] = {}
        ids = [c.pk for c in self.controls.values()]
        for link in ControlRisk.objects.for_org(org).filter(control_id__in=ids).select_related("risk"):
            self.risk_links.setdefault(link.control_id, {})[link.risk_id] = link
        for req_link in (ControlRequirement.objects.for_org(org).filter(control_id__in=ids)
                         .select_related("requirement__framework")):
            self.requirement_links.setdefault(req_link.control_id, {})[req_link.requirement_id] = req_link
        self.next_number = max([Control.objects.for_org(org).aggregate(n=Max("number"))["n"] or 0, *numbers]) + 1

    def risks_of(self, text: str, errors: dict[str, str]) -> list[tuple[Risk, decimal.Decimal, decimal.Decimal]]:
        cells, problems = linkcells.parse_risks(text)
        found: dict[int, tuple[Risk, decimal.Decimal, decimal.Decimal]] = {}
        for cell in cells:
            number = parse_risk_reference(cell.ref)
            risk = self.risks.get(number) if number is not None else None
            if risk is None:
                problems.append(f"{cell.ref} is not a risk of this organisation (give its reference, such as R-001).")
            elif risk.archived_at is not None:
                problems.append(f"{risk.ref} is archived; restore it before you link a control to it.")
            elif risk.pk in found:
                problems.append(f"{risk.ref} is named twice; name each risk once.")
            else:
                found[risk.pk] = (risk, cell.frequency, cell.loss)
        if problems:
            errors["risks"] = " ".join(problems)
        return list(found.values())

    def requirements_of(self, text: str, errors: dict[str, str]) -> list[Requirement]:
        items, problems = linkcells.parse_requirements(text)
        found: dict[int, Requirement] = {}
        for item in items:
            framework = self.frameworks.get(item.framework)
            requirement = self.requirements.get((framework.pk, item.requirement)) if framework else None
            if framework is None:
                problems.append(f"'{item.framework}' is not a framework of this organisation (give its key, or "
                                "key@version).")
            elif requirement is None:
                problems.append(f"{framework.ref} has no requirement '{item.requirement}'.")
            else:
                found.setdefault(requirement.pk, requirement)
        if problems:
            errors["requirements"] = " ".join(problems)
        return list(found.values())


def _refused(n: int, ref: str, errors: Mapping[str, str]) -> ImportRow:
    return ImportRow(n, ImportAction.REFUSED, ref, errors=tuple(errors.items()))


def _links_change(row: _Row, lookups: _Lookups) -> tuple[str, ...]:
    """The link columns whose links the row changes."""
    changed = []
    if row.risks is not None:
        now = lookups.risk_links.get(row.control.pk, {}) if not row.creating else {}
        wanted = {risk.pk: (f, m) for risk, f, m in row.risks}
        if set(now) != set(wanted) or any((link.frequency_reduction, link.loss_reduction) != wanted[risk_id]
                                          for risk_id, link in now.items()):
            changed.append("risks")
    if row.requirements is not None:
        now_req = lookups.requirement_links.get(row.control.pk, {}) if not row.creating else {}
        if set(now_req) != {r.pk for r in row.requirements}:
            changed.append("requirements")
    return tuple(changed)


def _plan(org: Organization, rows: list[tuple[int, Mapping[str, Any]]]) -> tuple[_Plan, _Lookups]:
    lookups = _Lookups(org, rows)
    plan = _Plan()
    seen: dict[int, int] = {}  # control number → the row that names it
    for n, data in rows:
        text = str(data.get(REF) or "").strip()
        values = {k: v for k, v in data.items() if k != REF and k not in LINK_COLUMNS}
        number = parse_control_reference(text) if text else None
        if text and number is None:
            plan.report_rows.append(_refused(n, text, {REF: f"'{text}' is not a control reference such as C-001; "
                                                            f"leave {REF} empty to add the row as a new control."}))
            continue
        if number is not None and number in seen:
            plan.report_rows.append(_refused(n, text, {REF: f"C-{number:03d} is also in row {seen[number]}; a file "
                                                            "may name a control once."}))
            continue
        control = lookups.controls.get(number) if number is not None else None
        errors: dict[str, str] = {}
        try:
            cleaned = clean_control_input(org, values, creating=control is None, members=lookups.members)
        except ValidationError as exc:
            errors.update({name: " ".join(messages) for name, messages in exc.message_dict.items()})
            cleaned = {}
        risks = lookups.risks_of(str(data["risks"] or ""), errors) if "risks" in data else None
        requirements = (lookups.requirements_of(str(data["requirements"] or ""), errors)
                        if "requirements" in data else None)
        if errors:
            plan.report_rows.append(_refused(n, text, errors))
            continue
        if number is not None:
            seen[number] = n
        if control is None:
            if number is None:
                number = lookups.next_number
                lookups.next_number += 1
            control = Control(organization=org, number=number, **cleaned)
            row = _Row(control, True, audit.diff({}, audit.snapshot(control, AUDITED_CONTROL_FIELDS)), risks,
                       requirements)
            plan.rows.append(row)
            plan.report_rows.append(ImportRow(n, ImportAction.CREATE, control.ref))
            continue
        before = audit.snapshot(control, AUDITED_CONTROL_FIELDS)
        for name, value in cleaned.items():
            setattr(control, name, value)
        row = _Row(control, False, audit.diff(before, audit.snapshot(control, AUDITED_CONTROL_FIELDS)), risks,
                   requirements)
        changed = (*(spec.name for spec in CONTROL.inputs if spec.attr in row.changes), *_links_change(row, lookups))
        if not changed:
            plan.report_rows.append(ImportRow(n, ImportAction.UNCHANGED, control.ref))
            continue
        plan.rows.append(row)
        plan.report_rows.append(ImportRow(n, ImportAction.UPDATE, control.ref, changed=changed))
    return plan, lookups


def _write_links(org: Organization, plan: _Plan, lookups: _Lookups) -> list[audit.Entry]:
    entries: list[audit.Entry] = []
    new_risk_links: list[ControlRisk] = []
    changed_risk_links: list[ControlRisk] = []
    gone_risk_links: list[ControlRisk] = []
    new_requirement_links: list[ControlRequirement] = []
    gone_requirement_links: list[ControlRequirement] = []
    for row in plan.rows:
        control = row.control
        if row.risks is not None:
            now = {} if row.creating else dict(lookups.risk_links.get(control.pk, {}))
            for risk, frequency, loss in row.risks:
                link = now.pop(risk.pk, None)
                if link is None:
                    link = ControlRisk(organization=org, control=control, risk=risk, frequency_reduction=frequency,
                                       loss_reduction=loss)
                    new_risk_links.append(link)
                    continue
                before = audit.snapshot(link, ("frequency_reduction", "loss_reduction"))
                link.frequency_reduction, link.loss_reduction = frequency, loss
                entry = risk_link_entry(AuditAction.UPDATE, link, control, risk, before)
                if entry.changes:
                    changed_risk_links.append(link)
                    entries.append(entry)
            for link in now.values():
                gone_risk_links.append(link)
                entries.append(risk_link_entry(AuditAction.DELETE, link, control, link.risk))
        if row.requirements is not None:
            now_req = {} if row.creating else dict(lookups.requirement_links.get(control.pk, {}))
            for requirement in row.requirements:
                if now_req.pop(requirement.pk, None) is None:
                    new_requirement_links.append(ControlRequirement(organization=org, control=control,
                                                                    requirement=requirement))
            for req_link in now_req.values():
                gone_requirement_links.append(req_link)
                entries.append(requirement_link_entry(AuditAction.DELETE, req_link, control, req_link.requirement))
    ControlRisk.objects.for_org(org).filter(pk__in=[link.pk for link in gone_risk_links]).delete()
    ControlRequirement.objects.for_org(org).filter(pk__in=[link.pk for link in gone_requirement_links]).delete()
    ControlRisk.objects.for_org(org).bulk_update(changed_risk_links, ["frequency_reduction", "loss_reduction"],
                                                 batch_size=500)
    ControlRisk.objects.for_org(org).bulk_create(new_risk_links, batch_size=500)
    ControlRequirement.objects.for_org(org).bulk_create(new_requirement_links, batch_size=500)
    entries += [risk_link_entry(AuditAction.CREATE, link, link.control, link.risk) for link in new_risk_links]
    entries += [requirement_link_entry(AuditAction.CREATE, link, link.control, link.requirement)
                for link in new_requirement_links]
    return entries


def do_import_controls(actor: User | None, org: Organization, rows: Iterable[tuple[int, Mapping[str, Any]]], *,
                       dry_run: bool = False) -> ImportReport:
    """Add a control per row without `ref` (or with a `ref` no control has), update the control a row's `ref`
    names, and make each row's links what its `risks` and `requirements` cells say; all or nothing: any refused
    row raises ImportRejected naming every refused row and field, and nothing is written. `rows` are (row number
    as the user sees it, {column: value}, `ref` included). `dry_run`: the report, refused rows included, and
    nothing written (no control, no link, no audit event)."""
    rows = list(rows)
    if dry_run:
        plan, _ = _plan(org, rows)
        return ImportReport(rows=tuple(plan.report_rows), dry_run=True)
    return _write(actor, org, rows)


@transaction.atomic
def _write(actor: User | None, org: Organization, rows: list[tuple[int, Mapping[str, Any]]]) -> ImportReport:
    lock_org(org)
    plan, lookups = _plan(org, rows)
    report = ImportReport(rows=tuple(plan.report_rows), dry_run=False)
    if report.problems:
        raise ImportRejected(report)
    created = [row.control for row in plan.rows if row.creating]
    updated = [row for row in plan.rows if not row.creating and row.changes]
    # bulk_create sets primary keys on PostgreSQL and on SQLite >= 3.35 (RETURNING).
    Control.objects.for_org(org).bulk_create(created, batch_size=500)
    if updated:
        now = timezone.now()
        for row in updated:
            row.control.updated_at = now
        fields = sorted({name for row in updated for name in row.changes})
        Control.objects.for_org(org).bulk_update([row.control for row in updated], [*fields, "updated_at"],
                                                 batch_size=500)
    entries = [audit.Entry(AuditAction.CREATE if row.creating else AuditAction.UPDATE, row.control, row.changes,
                           str(row.control)) for row in plan.rows if row.creating or row.changes]
    entries += _write_links(org, plan, lookups)
    audit.record_many(org, actor, entries)
    return ImportReport(rows=report.rows, dry_run=False, created=created,
                        updated=[row.control for row in plan.rows if not row.creating])
