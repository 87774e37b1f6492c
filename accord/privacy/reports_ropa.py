"""The record of processing as a PDF report (`accord.core.reports`): the share complete, every activity with its
Art. 30 items, what it lacks and its DPIA screening, the processors with their contract checklist, and the
transfers with what each still needs. Everything is read through `selectors_ropa`; nothing is computed here."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accord.core import reports
from accord.core.clock import org_today
from accord.core.models import Organization
from accord.privacy import selectors_ropa

NAME = "ropa"


def build_ropa(org: Organization) -> reports.Document:
    """The record-of-processing report's content for `org`."""
    today = org_today(org)
    register = selectors_ropa.register(org)
    processors = [(p, selectors_ropa.missing_clauses(p)) for p in selectors_ropa.processors(org)]
    transfers = [(t, selectors_ropa.transfer_issues(t, today)) for t in selectors_ropa.transfers(org)]
    sections = [reports.Section("activities", _("Processing activities")),
                reports.Section("processors", _("Processors")),
                reports.Section("transfers", _("Transfers outside the EEA"))]
    return reports.Document("privacy/reports/ropa.html", {"register": register, "processors": processors,
                                                           "transfers": transfers}, sections)


ROPA_REPORT = reports.Report(NAME, gettext_lazy("Record of processing activities"), "privacy.ropa.export", build_ropa)
