"""The audit report (PDF, `accord.core.reports`): one audit's scope, framework, auditors, period and status, an
executive summary (its compliance by `rules.compliance_share` and its results by value), its results by the
framework's top-level groups with a stacked bar chart, its findings and its remediation plan (overdue actions
flagged). Everything is read by `selectors_audit_report.audit_report`, which the XLSX workbook reads too;
nothing is computed here but the chart's drawing.

A report of one audit among several: `accord report assessment ORG --with assessment=AUD-001`, queued by the
audit page's "PDF report" button and `POST .../assessments/{id}/export` (decision 0058)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accord import charts
from accord.compliance import selectors_assessments as selectors
from accord.compliance.choices import ResultValue
from accord.compliance.selectors_audit_report import AuditReport, audit_report
from accord.core import reports
from accord.core.models import Organization

AUDIT_REPORT_NAME = "assessment"
#: The order the results read in the summary, the chart (bottom first) and the tables.
RESULT_ORDER = (ResultValue.COMPLIANT, ResultValue.PARTIAL, ResultValue.NON_COMPLIANT, ResultValue.NOT_APPLICABLE,
                ResultValue.NOT_ASSESSED)


def check_parameters(org: Organization, asked: Mapping[str, Any]) -> dict[str, Any]:
    """The audit the report is asked for (`assessment`: its ref or id) in `org`: 404 when it is not there,
    a `ValidationError` on `assessment` when none is named. Kept with the job as the audit's id."""
    ident = str(asked.get("assessment", "")).strip()
    if not ident:
        raise ValidationError({"assessment": _("Name the audit to report on: its ref (AUD-001) or id.")})
    unknown = sorted(set(asked) - {"assessment"})
    if unknown:
        raise ValidationError({unknown[0]: _("The audit report takes only the audit (assessment).")})
    return {"assessment": selectors.access_assessment(org, ident).pk}


def results_chart(audit: AuditReport) -> str:
    """The audit's results by top-level group, stacked by value, as an SVG document."""
    spec = charts.BarSpec(
        _("Results by group"),
        _("For each group of the framework, how many of its requirements the audit found compliant, partially "
          "compliant, non-compliant or not applicable, and how many are not assessed yet."),
        [group.group.ref for group in audit.groups],
        [charts.BarSeries(str(ResultValue(value).label), [group.counts[value] for group in audit.groups])
         for value in RESULT_ORDER],
        stacked=True, y_title=_("Requirements"), value_format=lambda v: f"{v:.0f}", id_prefix="audit-results")
    return charts.bar_svg(spec, standalone=True)


def build_audit_report(org: Organization, assessment: int) -> reports.Document:
    """The audit report's content for the audit `assessment` (its id) of `org`."""
    audit = audit_report(org, assessment)
    sections = [
        reports.Section("summary", _("Executive summary")),
        reports.Section("results", _("Results by group")),
        reports.Section("findings", _("Findings")),
        reports.Section("remediation", _("Remediation plan")),
    ]
    context = {
        "audit": audit,
        "assessment": audit.assessment,
        "counts": [(ResultValue(value).label, audit.counts[value]) for value in RESULT_ORDER],
        "result_labels": [ResultValue(value).label for value in RESULT_ORDER],
        "groups": [{"group": g.group, "counts": [g.counts[value] for value in RESULT_ORDER], "share": g.share,
                    "results": g.results} for g in audit.groups],
        "chart_src": reports.svg_image(results_chart(audit)) if audit.groups else "",
    }
    return reports.Document("compliance/reports/audit.html", context, sections, subject=audit.assessment.ref)


AUDIT_REPORT = reports.Report(AUDIT_REPORT_NAME, gettext_lazy("Audit report"), "assessment.view", build_audit_report,
                              parameters=check_parameters)
