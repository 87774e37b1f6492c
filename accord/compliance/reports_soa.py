"""The Statement of Applicability report (PDF, `accord.core.reports`): the counts per status and every Annex A
control by theme with its applicability, reasons, justification, status and linked controls. Read through
`selectors_soa.soa`, the page's selector; nothing is computed here."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accord.compliance import selectors_soa as selectors
from accord.core import reports
from accord.core.models import Organization

SOA = "soa"


def build_soa(org: Organization) -> reports.Document:
    """The SoA report's content for `org` (an organisation without ISO 27001 gets a report saying so)."""
    soa = selectors.soa(org)
    themes: list[tuple[object, list[selectors.SoaRow]]] = []
    for row in soa.rows:
        if not themes or themes[-1][0] != row.theme:
            themes.append((row.theme, []))
        themes[-1][1].append(row)
    sections = [reports.Section("summary", _("Summary")),
                *(reports.Section(f"theme-{theme.ref}", f"{theme.ref} {theme.title}")  # type: ignore[attr-defined]
                  for theme, _rows in themes)]
    return reports.Document("compliance/reports/soa.html", {"soa": soa, "themes": themes}, sections)


SOA_REPORT = reports.Report(SOA, gettext_lazy("Statement of Applicability"), "soa.view", build_soa)
