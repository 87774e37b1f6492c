"""The Statement of Applicability as an XLSX workbook, the same from the page, the API and the CLI: one sheet
of the statement (one row per Annex A control: theme, control, applicability, reasons, justification, status,
linked controls, when and by whom it was last written) and one of the counts per status. Every text is guarded
against formulas (accord.core.csvsafe). The PDF is the reports kit's (`reports_soa`)."""

from __future__ import annotations

import io
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from openpyxl import Workbook

from accord.compliance import selectors_soa as selectors
from accord.compliance.exports_assessments import XLSX, _sheet
from accord.core.models import Organization

#: The statement sheet's columns, in order.
COLUMNS = ("theme", "theme_title", "control", "title", "applicable", "justified", "reasons", "justification",
           "status", "linked_controls", "updated_at", "updated_by")


def _cells(row: selectors.SoaRow) -> tuple[Any, ...]:
    entry = row.entry
    return (row.theme.ref, row.theme.title, row.ref, row.requirement.title, "yes" if row.applicable else "no",
            "yes" if row.justified else "no", ", ".join(row.reasons), row.justification, row.status.value,
            ", ".join(c.ref for c in row.controls),
            entry.updated_at.replace(tzinfo=None) if entry is not None else None,
            entry.updated_by.email if entry is not None and entry.updated_by else None)


def workbook(org: Organization) -> bytes:
    """The organisation's SoA as a workbook (the selector's constant number of queries, whatever its size)."""
    soa = selectors.soa(org)
    if soa.framework is None:
        raise ValidationError({"framework": _("The organisation has no ISO/IEC 27001 framework: install it to write "
                                              "the Statement of Applicability.")})
    wb = Workbook(write_only=True)
    _sheet(wb, "SoA", COLUMNS, (_cells(row) for row in soa.rows))
    _sheet(wb, "Summary", ("field", "value"), [
        ("framework", soa.framework.ref), ("framework_name", soa.framework.name), ("controls", soa.total),
        ("not_yet_justified", soa.unjustified), *((f"status_{status}", n) for status, _label, n in soa.counted)])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def export(org: Organization, fmt: str) -> tuple[bytes, str, str]:
    """(content, content type, file name) of the SoA as XLSX; a ValidationError on `format` otherwise (the PDF
    is a report the reports kit prints in the background)."""
    fmt = (fmt or "").strip().lower()
    if fmt != "xlsx":
        raise ValidationError({"format": _("'%(format)s' is not written here: use xlsx (the PDF is a report printed "
                                           "in the background).") % {"format": fmt}})
    return workbook(org), XLSX, f"{org.slug}-soa.xlsx"
