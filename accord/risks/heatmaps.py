"""The register's two heat maps (inherent and residual) as chart specifications, which the heat map page,
its SVG downloads and the register report all draw: counts from `selectors.heatmap`, the cells above the
signed appetite outlined, titles and text equivalents written once."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from django.utils.formats import date_format
from django.utils.translation import gettext, ngettext

from accord import charts
from accord.core.clock import org_today
from accord.core.models import Organization
from accord.risks import selectors
from accord.risks.choices import LEVEL_PALETTE

#: (kind) → (likelihood, impact) → the URL a cell links to, for an in-page chart.
Linker = Callable[[str], Callable[[int, int], str]]


def _risks(count: int) -> str:
    return ngettext("%(count)d risk", "%(count)d risks", count) % {"count": count}


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
            title=(gettext("Inherent risk heat map of %(org)s") if kind == "inherent"
                   else gettext("Residual risk heat map of %(org)s")) % {"org": org.name},
            description=(ngettext("%(count)d risk by %(kind)s likelihood and impact, risk matrix v%(version)s, "
                                  "%(date)s", "%(count)d risks by %(kind)s likelihood and impact, risk matrix "
                                  "v%(version)s, %(date)s", total)
                         % {"count": total, "version": m.version, "date": date_format(org_today(org), "DATE_FORMAT"),
                            "kind": gettext("inherent") if kind == "inherent" else gettext("residual")}
                         + (gettext("; filters: %(shown)s") % {"shown": shown} if shown else "") + "."),
            row_title=gettext("Likelihood"), column_title=gettext("Impact"),
            row_labels=m.likelihood_labels, column_labels=m.impact_labels, levels=m.levels, palette=LEVEL_PALETTE,
            counts=counts, id_prefix=f"heatmap-{kind}", above=above if kind == "residual" else None,
            link=linker(kind) if linker is not None else None,
            items=_risks, cell_label=gettext("%(row_title)s %(row)d (%(row_label)s), %(column_title)s %(column)d "
                                             "(%(column_label)s): %(items)s, level %(level)s"),
            above_label=gettext("above tolerance"),
            above_legend=gettext("▲ n: the cell holds n risks above the signed risk appetite"),
        )
    return specs
