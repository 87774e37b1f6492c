"""The data-privacy audit report (PDF, `accord.core.reports`): the audit's scope, the discrepancy matrix (systems
by categories of personal data: declared, observed, and the discrepancy found there), the discrepancies with their
findings, and the remediation plan (each open discrepancy's finding with its remediation actions, or the action
the finding proposes when none is planned yet). Everything is read by the selectors: the comparison by
`selectors_discovery.comparison`, findings and actions by the compliance audit's report selector.

A report of one audit among several: `accord report data-audit ORG --with audit=DPA-001`, queued by the audit
page's "PDF report" and `POST .../privacy/data-audits/{id}/report`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accord.compliance.selectors_audit_report import audit_report
from accord.core import reports
from accord.core.models import Organization
from accord.privacy import selectors_discovery
from accord.privacy.choices_discovery import DiscrepancyKind, DiscrepancyStatus
from accord.privacy.models_discovery import DataAudit

DATA_AUDIT_REPORT_NAME = "data-audit"


def _audit(org: Organization, ident: str) -> DataAudit:
    text = ident.strip()
    if text.upper().startswith("DPA-") and text[4:].isdigit():
        found = DataAudit.objects.for_org(org).filter(number=int(text[4:])).first()
        if found is None:
            raise Http404("No such data-privacy audit.")
        return selectors_discovery.access_data_audit(org, found.pk)
    return selectors_discovery.access_data_audit(org, text)


def check_parameters(org: Organization, asked: Mapping[str, Any]) -> dict[str, Any]:
    """The data-privacy audit the report is asked for (`audit`: DPA-001 or its id) in `org`: 404 when it is not
    there, a `ValidationError` on `audit` when none is named."""
    ident = str(asked.get("audit", "")).strip()
    if not ident:
        raise ValidationError({"audit": _("Name the data-privacy audit to report on: its ref (DPA-001) or id.")})
    unknown = sorted(set(asked) - {"audit"})
    if unknown:
        raise ValidationError({unknown[0]: _("The data-privacy audit report takes only the audit (audit).")})
    return {"audit": _audit(org, ident).pk}


def build_data_audit_report(org: Organization, audit: int) -> reports.Document:
    """The report's content for the data-privacy audit `audit` (its id) of `org`."""
    data_audit = selectors_discovery.access_data_audit(org, audit)
    result = selectors_discovery.comparison(org, data_audit)
    kept = list(selectors_discovery.discrepancies(org, data_audit))
    compliance = audit_report(org, data_audit.assessment_id)
    open_findings = {d.finding_id for d in kept if d.status == DiscrepancyStatus.OPEN and d.finding_id}
    actions: dict[int, list[Any]] = {}
    for r in compliance.remediations:
        actions.setdefault(r.finding_id, []).append(r)
    plan = [{"discrepancy": d, "finding": d.finding, "actions": actions.get(d.finding_id or 0, [])}
            for d in kept if d.finding_id in open_findings]
    by_kind = [(label, sum(1 for d in kept if d.kind == value and d.status == DiscrepancyStatus.OPEN))
               for value, label in DiscrepancyKind.choices]
    sections = [
        reports.Section("summary", _("Summary")),
        reports.Section("matrix", _("Discrepancy matrix")),
        reports.Section("discrepancies", _("Discrepancies")),
        reports.Section("remediation", _("Remediation plan")),
    ]
    context = {
        "data_audit": data_audit, "assessment": data_audit.assessment, "comparison": result,
        "rows": [(s, [(key, result.matrix[s.ref][key]) for key in result.categories]) for s in result.systems],
        "columns": [(key, result.label(key)) for key in result.categories],
        "discrepancies": kept, "by_kind": by_kind, "plan": plan,
    }
    return reports.Document("privacy/reports/data_audit.html", context, sections, subject=data_audit.ref)


DATA_AUDIT_REPORT = reports.Report(DATA_AUDIT_REPORT_NAME, gettext_lazy("Data-privacy audit report"),
                                   "privacy.data_audit.view", build_data_audit_report, parameters=check_parameters)
