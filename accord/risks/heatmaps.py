"""The register's two heat maps (inherent and residual) as chart specifications, which the heat map page,
its SVG downloads and the register report all draw: counts from `selectors.heatmap`, the cells above the
signed appetite outlined, titles and text equivalents written once."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from accord import charts
from accord.core.clock import org_today
from accord.core.models import Organization
from accord.risks import selectors
from accord.risks.choices import LEVEL_PALETTE

#: (kind) → (likelihood, impact) → the URL a cell links to, for an in-page chart.
Linker = Callable[[str], Callable[[int, int], str]]


def heatmap_specs(org: Organization, filters: selectors.RiskFilter | None = None, *, shown: str = "",
                  linker: Linker | None = None) -> dict[str, charts.HeatmapSpec]:
    """{"inherent": spec, "residual": spec} of the register filtered by `filters` (`shown` says which
    filters, in the text equivalent); `linker` makes the cells links (the page), none in a file or a report."""
    filters = filters or selectors.RiskFilter()
    data = selectors.heatmap(org, filters)
    above = None
    if filters.above_tolerance is not False and selectors.appetite_in_force(org) is not None:
        grid = selectors.heatmap(org, dataclasses.replace(filters, above_tolerance=True), residual_only=True).residual
        above = grid if any(any(row) for row in grid) else None
    m = data.matrix
    specs = {}
    for kind, counts in (("inherent", data.inherent), ("residual", data.residual)):
        total = sum(map(sum, counts))
        specs[kind] = charts.HeatmapSpec(
            title=f"{kind.capitalize()} risk heat map of {org.name}",
            description=(f"{total} risk{'s' if total != 1 else ''} by {kind} likelihood and impact, risk matrix "
                         f"v{m.version}, {org_today(org):%d %B %Y}" + (f"; filters: {shown}" if shown else "") + "."),
            row_labels=m.likelihood_labels, column_labels=m.impact_labels, levels=m.levels, palette=LEVEL_PALETTE,
            counts=counts, id_prefix=f"heatmap-{kind}", above=above if kind == "residual" else None,
            link=linker(kind) if linker is not None else None,
        )
    return specs
