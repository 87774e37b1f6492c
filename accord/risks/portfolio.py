"""The register in money as the Money page, its SVG curve and the register report show it: one read of
the cached simulation (`accord.risks.quantified`) arranged once (the largest risks, each tolerance point
of the signed appetite with its inherent and residual verdicts, the overall verdict per curve) and the
loss exceedance chart's specification. Every front renders this answer; none recomputes a figure."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

from django.utils.formats import date_format, number_format
from django.utils.translation import gettext, ngettext

from accord import charts
from accord.core.clock import org_today
from accord.core.models import Organization
from accord.risks import quantified, selectors
from accord.risks.models import RiskAppetite
from accord.risks.templatetags.risk_money import amount, money, percent

#: The largest risks the Money page and the register report list.
TOP_RISKS = 10


@dataclass(frozen=True)
class Verdict:
    probability: float
    standard_error: float
    ok: bool
    borderline: bool


@dataclass(frozen=True)
class ToleranceRow:
    loss: float
    max_probability: float
    inherent: Verdict
    residual: Verdict | None


@dataclass(frozen=True)
class MoneyView:
    """The register in money: `result` is `quantified.portfolio_result` (None without estimates), `excluded`
    the risks the engine refused; the rest is only filled when there is a result."""

    result: dict[str, Any] | None
    excluded: list[dict[str, str]]
    appetite: RiskAppetite | None
    draft_has_tolerance: bool
    chart: charts.LecSpec
    estimated: int = 0
    top: list[tuple[quantified.RiskMoney, str]] = field(default_factory=list)
    inherent: dict[str, Any] | None = None
    residual: dict[str, Any] | None = None
    tolerance: list[ToleranceRow] = field(default_factory=list)
    overall: list[tuple[str, list[float]]] = field(default_factory=list)
    borderline: bool = False
    treated: int = 0
    #: quantified.FRESH, STALE (the last figures, a worker simulates the new ones) or PENDING (none yet).
    figures: str = "fresh"

    @property
    def description(self) -> str:
        """The curve in words (the chart's text equivalent)."""
        return self.chart.description

    def context(self) -> dict[str, Any]:
        """The names the Money page's template reads."""
        return {"result": self.result, "appetite": self.appetite, "draft_has_tolerance": self.draft_has_tolerance,
                "estimated": self.estimated, "excluded": self.excluded, "top": self.top, "inherent": self.inherent,
                "residual": self.residual, "tolerance": self.tolerance, "overall": self.overall,
                "borderline": self.borderline, "description": self.description, "treated": self.treated,
                "figures": self.figures}


def _verdict(point: dict[str, Any]) -> Verdict:
    """A point of the engine's tolerance result as the fronts show it (the engine judges it borderline)."""
    return Verdict(point["probability"], point["standard_error"], point["ok"], point["borderline"])


def _tolerance_rows(result: dict[str, Any]) -> list[ToleranceRow]:
    inherent = (result["inherent"]["tolerance"] or {}).get("points", [])
    residual = ((result["residual"] or {}).get("tolerance") or {}).get("points", [])
    return [ToleranceRow(loss=p["loss"], max_probability=p["max_probability"], inherent=_verdict(p),
                         residual=_verdict(residual[i]) if i < len(residual) else None)
            for i, p in enumerate(inherent)]


def _overall(rows: list[ToleranceRow], *, residual: bool) -> list[tuple[str, list[float]]]:
    """(curve, losses of the points outside tolerance) for the residual curve first, then the inherent."""
    out = []
    if residual:
        out.append((gettext("Residual"), [r.loss for r in rows if r.residual is not None and not r.residual.ok]))
    out.append((gettext("Inherent"), [r.loss for r in rows if not r.inherent.ok]))
    return out


def _markers(result: dict[str, Any]) -> list[charts.LecMarker]:
    """Tolerance markers judged on the residual curve when there is one (what the organisation carries)."""
    evaluation = result["residual"] or result["inherent"]
    points = (evaluation["tolerance"] or {}).get("points", [])
    return [charts.LecMarker(p["loss"], p["max_probability"], p["probability"], p["ok"]) for p in points]


def chart_words() -> dict[str, Any]:
    """The words and number formats of a loss exceedance chart in the active language (the chart module is
    pure and writes English unless told): `charts.LecSpec(..., **chart_words())`."""
    return {"amount": amount, "probability": percent,
            "y_title": gettext("Probability of a bigger loss in a year (log scale)"),
            "default_x_title": gettext("Annual loss (%(currency)s, log scale)"),
            "tolerance_label": gettext("Tolerance: P(loss > %(loss)s %(currency)s) at most %(most)s; simulated "
                                       "%(simulated)s, %(verdict)s"),
            "within": gettext("within tolerance"), "outside": gettext("outside tolerance"),
            "marker_text": gettext("%(loss)s: at most %(most)s"),
            "marker_legend": gettext("Tolerance point (✓ within, ✗ outside%(on)s)")}


def portfolio_lec_spec(org: Organization, result: dict[str, Any] | None) -> charts.LecSpec:
    """The organisation's loss exceedance curves (inherent, residual) with the signed tolerance points."""
    currency = org.currency
    title = gettext("Loss exceedance curve of %(name)s") % {"name": org.name}
    if result is None:
        return charts.LecSpec(
            title=title, currency=currency, series=(),
            description=gettext("No risk has a money estimate yet, so there is no curve to draw."),
            empty_message=gettext("No risk has a money estimate yet."), **chart_words())
    inherent = result["inherent"]["portfolio"]
    series = [charts.LecSeries(gettext("Inherent"), [tuple(p) for p in inherent["lec"]])]
    count = len(result["inherent"]["risks"])
    text = ngettext("Annual loss of %(count)d risk over %(years)s simulated years, %(date)s. Inherent: mean "
                    "%(mean)s, 1 year in 100 above %(p99)s",
                    "Annual loss of %(count)d risks over %(years)s simulated years, %(date)s. Inherent: mean "
                    "%(mean)s, 1 year in 100 above %(p99)s", count) % {
        "count": count, "years": number_format(result["years"], force_grouping=True),
        "date": date_format(org_today(org), "DATE_FORMAT"), "mean": money(inherent["ale"], currency),
        "p99": money(inherent["p99"], currency)}
    if result["residual"] is not None:
        residual = result["residual"]["portfolio"]
        series.append(charts.LecSeries(gettext("Residual (after treatment)"), [tuple(p) for p in residual["lec"]]))
        text += gettext("; residual: mean %(mean)s, 1 year in 100 above %(p99)s") % {
            "mean": money(residual["ale"], currency), "p99": money(residual["p99"], currency)}
    markers = _markers(result)
    if markers:
        outside = sum(not m.ok for m in markers)
        points = len(markers)
        text += ngettext("; %(count)d tolerance point of the signed appetite, ",
                         "; %(count)d tolerance points of the signed appetite, ", points) % {"count": points}
        text += (gettext("all within tolerance") if not outside
                 else gettext("%(count)d outside tolerance") % {"count": outside})
    return charts.LecSpec(title=title, description=text + ".", currency=currency, series=series, markers=markers,
                          judged_on=gettext("residual curve") if result["residual"] is not None else "",
                          **chart_words())


def money_view(org: Organization, *, top: int = TOP_RISKS) -> MoneyView:
    """The register in money from one read of the cached simulation: the `top` risks by inherent mean
    annual loss (with their titles), the tolerance table and verdicts, and the chart's specification."""
    result, refused, figures = quantified.portfolio_state(org)
    draft = selectors.appetite_draft(org)
    view = MoneyView(result=result, excluded=refused, appetite=selectors.appetite_in_force(org),
                     draft_has_tolerance=bool(draft and draft.tolerance), chart=portfolio_lec_spec(org, result),
                     figures=figures)
    if result is None:
        return view
    risks = result["inherent"]["risks"]
    largest = sorted(risks, key=lambda r: (-r["ale"], r["id"]))[:top]
    ids = result["risk_ids"]
    money = quantified.money_by_risk(result, only={ids[r["id"]] for r in largest})  # not all: a page's worth
    ordered = sorted(money.values(), key=lambda m: (-m.inherent.ale, m.ref))
    titles = selectors.risk_titles(org, money)
    rows = _tolerance_rows(result)
    residual_risks = (result["residual"] or {}).get("risks", [])
    return dataclasses.replace(
        view, estimated=len(risks), top=[(m, titles.get(m.risk_id, "")) for m in ordered],
        inherent=result["inherent"]["portfolio"], residual=(result["residual"] or {}).get("portfolio"),
        tolerance=rows, overall=_overall(rows, residual=result["residual"] is not None),
        borderline=any(evaluation["tolerance"]["borderline"] for evaluation in (result["inherent"],
                       result["residual"]) if evaluation and evaluation["tolerance"]),
        treated=sum(r["frequency_factor"] < 1.0 or r["magnitude_factor"] < 1.0 for r in residual_risks),
    )


@dataclass(frozen=True)
class MoneySummary:
    """The register in money in a few figures (the dashboard's card): the residual portfolio's mean annual
    loss and 1-in-100 year (inherent when no treatment effect is recorded), the verdict against the signed
    tolerance on that curve (None without tolerance points or figures), the risks simulated and left out,
    and how fresh the figures are (`quantified.FRESH`, `STALE`, `PENDING`)."""

    figures: str
    estimated: int = 0
    left_out: int = 0
    ale: float | None = None
    p99: float | None = None
    within: bool | None = None

    @property
    def has_estimates(self) -> bool:
        """Something to show or to wait for: figures, a risk left out, or a simulation under way."""
        return self.ale is not None or self.left_out > 0 or self.figures != quantified.FRESH


def money_summary(org: Organization) -> MoneySummary:
    """The register in money for the dashboard, from one read of the cached simulation (never waiting)."""
    result, refused, figures = quantified.portfolio_state(org)
    if result is None:
        return MoneySummary(figures=figures, left_out=len(refused))
    evaluation = result["residual"] or result["inherent"]
    tolerance = evaluation["tolerance"]
    return MoneySummary(figures=figures, estimated=len(result["inherent"]["risks"]), left_out=len(refused),
                        ale=evaluation["portfolio"]["ale"], p99=evaluation["portfolio"]["p99"],
                        within=tolerance["within"] if tolerance else None)
