"""The register report (PDF, `accord.core.reports`): the register in money (the Money page's figures, its
loss exceedance curve against the signed tolerance, the verdicts), the largest risks, the heat maps, the
whole register and the acceptances. Everything is read through the selectors the pages use
(`portfolio.money_view`, `heatmaps.heatmap_specs`, `selectors.risks`, `quantified.register_money`,
`selectors.acceptances`); nothing is computed here."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accord import charts
from accord.core import reports
from accord.core.models import Organization
from accord.risks import portfolio, quantified, selectors
from accord.risks.choices import AcceptanceStatus
from accord.risks.heatmaps import heatmap_specs

REGISTER = "register"


def _register_rows(org: Organization) -> list[Any]:
    """The register's risks by reference with their flags (the list page's query) and residual money."""
    risks = list(selectors.risks(org))
    money = quantified.register_money(org)
    for risk in risks:
        state = money.of(risk)
        risk.money, risk.money_problem = state.money, state.problem
    return risks


def _acceptance_rows(org: Organization) -> list[dict[str, Any]]:
    rows = []
    for acceptance in selectors.acceptances(org):
        state = acceptance.state  # type: ignore[attr-defined]  # annotated by the selector
        rows.append({"acceptance": acceptance, "state": state, "state_label": AcceptanceStatus(state).label,
                     "signatures": list(acceptance.signatures.all()),
                     "awaiting": selectors.acceptance_signature_state(acceptance).awaiting_labels})
    return rows


def build_register(org: Organization) -> reports.Document:
    """The register report's content for `org`."""
    quantified.simulate_here(org)  # a report waits for fresh figures (it runs on a worker or the CLI)
    money = portfolio.money_view(org)
    sections = [
        reports.Section("money", _("The register in money")),
        reports.Section("tolerance", _("Against the signed appetite")),
        reports.Section("top", _("The risks that cost the most")),
        reports.Section("heatmaps", _("Heat maps")),
        reports.Section("register", _("The risk register")),
        reports.Section("acceptances", _("Risk acceptances")),
    ]
    context = {
        **money.context(),
        "lec_src": reports.svg_image(charts.lec_svg(money.chart)) if money.result is not None else "",
        "heatmaps": [(spec, reports.svg_image(charts.heatmap_svg(spec, standalone=True)))
                     for spec in heatmap_specs(org).values()],
        "risks": _register_rows(org),
        "acceptances": _acceptance_rows(org),
    }
    return reports.Document("risks/reports/register.html", context, sections)


REGISTER_REPORT = reports.Report(REGISTER, gettext_lazy("Risk register report"), "report.register", build_register)
