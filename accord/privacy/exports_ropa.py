"""The whole record of processing as a file: XLSX (one sheet of activities with every Art. 30 item and what each
lacks, one of processors, one of transfers) or PDF (the `ropa` report of the reports kit, `reports_ropa`). Every
text cell is guarded against formulas (`accord.core.csvsafe`); the rows are the selectors' (`selectors_ropa`)."""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from accord.core import reports
from accord.core.clock import org_today
from accord.core.csvsafe import neutralise
from accord.core.models import Organization
from accord.privacy import selectors_ropa
from accord.privacy.choices_ropa import ScreeningOutcome

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF = "application/pdf"
FORMATS = ("xlsx", "pdf")
REPORT = "ropa"


def _cell(value: Any) -> Any:
    return neutralise(value) if isinstance(value, str) else value


def _joined(items: Sequence[str]) -> str:
    return "; ".join(items)


def _purposes(activity: Any) -> str:
    return _joined([f"{p.get('name', '')} [6(1)({p['legal_basis']})]" if p.get("legal_basis") else p.get("name", "")
                    for p in activity.purposes])


def _categories(activity: Any) -> str:
    return _joined([f"{c.get('name', '')} [9(2)({c.get('art9_condition') or '?'})]" if c.get("special")
                    else c.get("name", "") for c in activity.data_categories])


def _recipients(activity: Any) -> str:
    return _joined([f"{r.get('name', '')} ({r['country']})" if r.get("country") else r.get("name", "")
                    for r in activity.recipients])


def _gaps(rows: Sequence[selectors_ropa.GapRow]) -> str:
    return _joined([f"{g.label} ({g.article}{': ' + g.detail if g.detail else ''})" for g in rows])


ACTIVITY_COLUMNS: tuple[tuple[str, Callable[[selectors_ropa.RegisterRow], Any]], ...] = (
    ("ref", lambda r: r.activity.ref),
    ("name", lambda r: r.activity.name),
    ("record_kind", lambda r: r.activity.record_kind),
    ("controller", lambda r: f"{r.activity.controller_name} — {r.activity.controller_contact}".strip(" —")),
    ("joint_controller", lambda r: f"{r.activity.joint_controller_name} {r.activity.joint_controller_contact}".strip()
     if r.activity.joint_controllership else ""),
    ("representative", lambda r: f"{r.activity.representative_name} {r.activity.representative_contact}".strip()
     if r.activity.representative_required else ""),
    ("dpo", lambda r: f"{r.activity.dpo_name} {r.activity.dpo_contact}".strip() if r.activity.dpo_designated else ""),
    ("controllers", lambda r: _joined([f"{c.get('name', '')} {c.get('contact', '')}".strip()
                                       for c in r.activity.controllers])),
    ("processing_categories", lambda r: _joined(r.activity.processing_categories)),
    ("purposes", lambda r: _purposes(r.activity)),
    ("data_subjects", lambda r: _joined(r.activity.data_subjects)),
    ("data_categories", lambda r: _categories(r.activity)),
    ("recipients", lambda r: _recipients(r.activity) or (_("none") if r.activity.no_recipients else "")),
    ("transfers", lambda r: _joined([f"{t.ref} {t.destination} {t.mechanism}".strip()
                                     for t in r.activity.transfers.all()])),
    ("retention", lambda r: r.activity.retention),
    ("security_measures", lambda r: r.activity.security_measures),
    ("systems", lambda r: _joined([link.system.ref + " " + link.system.name
                                   for link in r.activity.system_links.all()])),
    ("processors", lambda r: _joined([link.processor.ref + " " + link.processor.name
                                      for link in r.activity.processor_links.all()])),
    ("screening", lambda r: str(ScreeningOutcome(r.activity.screening_outcome).label)
     if r.activity.screening_outcome else ""),
    ("complete", lambda r: "yes" if r.complete else "no"),
    ("missing", lambda r: _gaps(r.missing)),
    ("gaps", lambda r: _gaps(r.gaps)),
)


def _sheet(wb: Workbook, title: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    ws = wb.create_sheet(title)
    ws.freeze_panes = "B2"
    header = []
    for name in columns:
        cell = WriteOnlyCell(ws, value=name)
        cell.font = Font(bold=True)
        header.append(cell)
    ws.append(header)
    for row in rows:
        ws.append([_cell(v) for v in row])


def export_xlsx(org: Organization) -> bytes:
    """The record of processing of `org` as an XLSX workbook."""
    register = selectors_ropa.register(org)
    today = org_today(org)
    wb = Workbook(write_only=True)
    _sheet(wb, "Activities", [name for name, _read in ACTIVITY_COLUMNS],
           [[read(row) for _name, read in ACTIVITY_COLUMNS] for row in register.rows])
    _sheet(wb, "Processors", ["ref", "name", "contact", "country", "services", "missing_clauses", "authorisation",
                              "sub_processors", "contract_signed_on", "next_review_on", "systems", "activities"],
           [[p.ref, p.name, p.contact, p.country, p.services, _joined(selectors_ropa.missing_clauses(p)),
             p.authorisation, _joined([f"{s.get('name')} ({s.get('approval')})" for s in p.sub_processors]),
             p.contract_signed_on, p.next_review_on,
             _joined([link.system.ref for link in p.system_links.all()]),
             _joined([link.activity.ref for link in p.activity_links.all()])]
            for p in selectors_ropa.processors(org)])
    _sheet(wb, "Transfers", ["ref", "activity", "processor", "destination", "recipient", "mechanism", "scc_module",
                             "derogation", "safeguards", "tia_done_on", "issues"],
           [[t.ref, t.activity.ref if t.activity else "", t.processor.ref if t.processor else "", t.destination,
             t.recipient, t.mechanism, t.scc_module, t.derogation, t.safeguards, t.tia_done_on,
             _joined([text for _code, text in selectors_ropa.transfer_issues(t, today)])]
            for t in selectors_ropa.transfers(org)])
    _sheet(wb, "Summary", ["complete", "total", "percent"],
           [[register.share.complete, register.share.total, register.share.percent]])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def export(org: Organization, fmt: str, *, language: str = "") -> tuple[bytes, str, str]:
    """(content, content type, file name) of the record of processing in `fmt` (xlsx or pdf)."""
    if fmt == "xlsx":
        return export_xlsx(org), XLSX, f"{org.slug}-ropa-{org_today(org).isoformat()}.xlsx"
    if fmt == "pdf":
        content, filename = reports.print_report(org, reports.get(REPORT), language=language)
        return content, PDF, filename
    raise ValidationError({"format": _("'%(value)s' is not allowed; use one of: %(allowed)s.")
                           % {"value": fmt, "allowed": ", ".join(FORMATS)}})
