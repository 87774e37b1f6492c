"""An audit as an XLSX workbook, the same from the API, the pages and the CLI: a sheet for its scope and
counts, one for its results by requirement (group, verdict, justification, notes, controls, evidence), one
for its findings and one for the remediation plan. Every text is guarded against formulas
(accord.core.csvsafe). It reads the audit as the PDF report does (`selectors_audit_report.audit_report`); the
PDF itself is printed by a background job of the report pipeline (`reports_assessments`, decision 0058), or
at once by `pdf` for the command line, never in a request."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from accord.compliance.choices import ResultValue
from accord.compliance.models_assessments import Assessment
from accord.compliance.selectors_audit_report import audit_report
from accord.core.csvsafe import neutralise
from accord.core.models import Organization

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMATS = ("xlsx", "oscal")
#: Printed by a background job (the audit report), not answered by `export`.
PDF = "pdf"


def _value(value: Any) -> Any:
    return neutralise(value) if isinstance(value, str) else value


def _sheet(wb: Workbook, title: str, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    ws = wb.create_sheet(title)
    ws.freeze_panes = "A2"
    cells = []
    for name in header:
        cell = WriteOnlyCell(ws, value=name)
        cell.font = Font(bold=True)
        cells.append(cell)
    ws.append(cells)
    for row in rows:
        ws.append([_value(v) for v in row])


def workbook(org: Organization, assessment: Assessment) -> bytes:
    """The audit's workbook, read as the PDF report reads it (`selectors_audit_report.audit_report`; a constant
    number of queries whatever its size)."""
    audit = audit_report(org, assessment.pk)
    assessment = audit.assessment
    wb = Workbook(write_only=True)
    summary: list[tuple[Any, Any]] = [
        ("ref", assessment.ref), ("title", assessment.title), ("framework", assessment.framework.ref),
        ("framework_name", assessment.framework.name), ("scope", assessment.scope),
        ("starts_on", assessment.starts_on), ("ends_on", assessment.ends_on), ("status", assessment.status),
        ("auditors", ", ".join(m.user.email for m in audit.auditors)),
        ("compliance", None if audit.share is None else round(audit.share, 4)),
        *((f"results_{value}", audit.counts[value]) for value in ResultValue.values),
        ("findings", len(audit.findings)),
        ("remediations_overdue", audit.overdue_count),
    ]
    _sheet(wb, "Audit", ("field", "value"), summary)
    _sheet(wb, "Results", ("group", "requirement", "title", "result", "justification", "notes", "controls",
                           "evidence", "assessed_at", "assessed_by"), (
        (r.requirement.group.ref, r.requirement.ref, r.requirement.title, r.result, r.justification, r.notes,
         ", ".join(link.control.ref for link in r.control_links.all()), ", ".join(e.ref for e in r.evidence.all()),
         r.assessed_at.replace(tzinfo=None) if r.assessed_at else None,
         r.assessed_by.email if r.assessed_by else None)
        for r in audit.results))
    _sheet(wb, "Findings", ("ref", "kind", "severity", "requirement", "title", "description", "status", "risk",
                            "remediations", "overdue"), (
        (f.ref, f.kind, f.severity, f.requirement.ref if f.requirement else None, f.title, f.description, f.status,
         f.risk.ref if f.risk else None, f.remediation_count, f.overdue_count)  # type: ignore[attr-defined]
        for f in audit.findings))
    _sheet(wb, "Remediation", ("finding", "title", "owner", "due_on", "status", "overdue", "description"), (
        (r.finding.ref, r.title, r.owner.user.email if r.owner else None, r.due_on, r.status,
         "yes" if r.overdue else "no", r.description)  # type: ignore[attr-defined]
        for r in audit.remediations))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def export(org: Organization, assessment: Assessment, fmt: str) -> tuple[bytes, str, str]:
    """(content, content type, file name) of the audit in format `fmt`; a ValidationError on `format` for a
    format Accord does not write (yet)."""
    fmt = (fmt or "").strip().lower()
    if fmt == PDF:
        raise ValidationError({"format": _("The PDF report is printed as a background job: ask for it with POST "
                                           "(format pdf), then download the job's file.")})
    if fmt == "oscal":  # in the order of FORMATS: xlsx below
        return oscal_assessment_results(org, assessment), "application/json", \
            f"{org.slug}-{assessment.ref.lower()}-assessment-results.json"
    if fmt not in FORMATS:
        raise ValidationError({"format": _("'%(format)s' is not an export format; use xlsx, oscal or pdf.") % {
            "format": fmt}})
    return workbook(org, assessment), XLSX, f"{org.slug}-{assessment.ref.lower()}.xlsx"


def oscal_assessment_results(org: Organization, assessment: Assessment) -> bytes:
    """The audit as OSCAL assessment-results (JSON; `accord.compliance.oscal.export`)."""
    import json

    from django.utils import timezone

    from accord.compliance.oscal.export import assessment_results
    from accord.compliance.selectors_oscal import audit_document

    document = assessment_results(org.slug, audit_document(org, assessment), now=timezone.now())
    return (json.dumps(document, indent=2, ensure_ascii=False) + "\n").encode()


def pdf(org: Organization, assessment: Assessment) -> tuple[bytes, str]:
    """(the audit report's PDF, its file name), printed here and now: for the command line, which waits for it
    (the pages and the API queue the same report as a job)."""
    from accord.compliance.reports_assessments import AUDIT_REPORT
    from accord.core import reports

    return reports.print_report(org, AUDIT_REPORT, parameters={"assessment": assessment.pk})
