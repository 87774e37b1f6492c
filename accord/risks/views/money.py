"""The register in money: the portfolio page and the loss exceedance curves (SVG) of the portfolio and
of one risk. Figures come from `accord.risks.quantified` (the engine's cached result); these views only
arrange them for people."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from accord import charts
from accord.core.clock import org_today
from accord.core.models import Organization
from accord.core.web import OrgRequest, org_view
from accord.risks import quantified, selectors
from accord.risks.models import Risk

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


def _verdict(point: dict[str, Any]) -> Verdict:
    """A point of the engine's tolerance result as the page shows it (the engine judges it borderline)."""
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
        out.append(("Residual", [r.loss for r in rows if r.residual is not None and not r.residual.ok]))
    out.append(("Inherent", [r.loss for r in rows if not r.inherent.ok]))
    return out


def _markers(result: dict[str, Any]) -> list[charts.LecMarker]:
    """Tolerance markers judged on the residual curve when there is one (what the organisation carries)."""
    evaluation = result["residual"] or result["inherent"]
    points = (evaluation["tolerance"] or {}).get("points", [])
    return [charts.LecMarker(p["loss"], p["max_probability"], p["probability"], p["ok"]) for p in points]


def _portfolio_spec(org: Organization, result: dict[str, Any] | None) -> charts.LecSpec:
    currency = org.currency
    if result is None:
        return charts.LecSpec(
            title=f"Loss exceedance curve of {org.name}", currency=currency, series=(),
            description="No risk has a money estimate yet, so there is no curve to draw.",
            empty_message="No risk has a money estimate yet.")
    inherent = result["inherent"]["portfolio"]
    series = [charts.LecSeries("Inherent", [tuple(p) for p in inherent["lec"]])]
    text = (f"Annual loss of {len(result['inherent']['risks'])} risks over {result['years']:,} simulated years, "
            f"{org_today(org):%d %B %Y}. Inherent: mean {charts.format_money(inherent['ale'], currency)}, "
            f"1 year in 100 above {charts.format_money(inherent['p99'], currency)}")
    if result["residual"] is not None:
        residual = result["residual"]["portfolio"]
        series.append(charts.LecSeries("Residual (after treatment)", [tuple(p) for p in residual["lec"]]))
        text += (f"; residual: mean {charts.format_money(residual['ale'], currency)}, 1 year in 100 above "
                 f"{charts.format_money(residual['p99'], currency)}")
    markers = _markers(result)
    if markers:
        outside = sum(not m.ok for m in markers)
        text += (f"; {len(markers)} tolerance point{'s' if len(markers) != 1 else ''} of the signed appetite, "
                 + ("all within tolerance" if not outside else f"{outside} outside tolerance"))
    return charts.LecSpec(title=f"Loss exceedance curve of {org.name}", description=text + ".", currency=currency,
                          series=series, markers=markers,
                          judged_on="residual curve" if result["residual"] is not None else "")


def _svg_response(request: OrgRequest, svg: str, name: str) -> HttpResponse:
    response = HttpResponse(svg, content_type="image/svg+xml; charset=utf-8")
    stamp = org_today(request.org).isoformat()
    disposition = "attachment" if request.GET.get("download") == "1" else "inline"
    response["Content-Disposition"] = f'{disposition}; filename="{request.org.slug}-{name}-{stamp}.svg"'
    response["Cache-Control"] = "private, no-cache"  # the curve changes with every estimate
    return response


@org_view("risk.view")
@require_GET
def portfolio(request: OrgRequest) -> HttpResponse:
    org = request.org
    result, refused = quantified.portfolio_and_refused(org)
    appetite = selectors.appetite_in_force(org)
    draft = selectors.appetite_draft(org)
    context: dict[str, Any] = {
        "result": result, "appetite": appetite, "draft_has_tolerance": bool(draft and draft.tolerance),
        "estimated": 0, "excluded": refused,
    }
    if result is not None:
        risks = result["inherent"]["risks"]
        largest = sorted(risks, key=lambda r: (-r["ale"], r["id"]))[:TOP_RISKS]
        ids = result["risk_ids"]
        money = quantified.money_by_risk(result, only={ids[r["id"]] for r in largest})  # not all: a page's worth
        top = sorted(money.values(), key=lambda m: (-m.inherent.ale, m.ref))
        titles = selectors.risk_titles(org, money)
        rows = _tolerance_rows(result)
        residual_risks = (result["residual"] or {}).get("risks", [])
        context.update(
            estimated=len(risks), top=[(m, titles.get(m.risk_id, "")) for m in top],
            inherent=result["inherent"]["portfolio"],
            residual=(result["residual"] or {}).get("portfolio"),
            tolerance=rows,
            overall=_overall(rows, residual=result["residual"] is not None),
            borderline=any(evaluation["tolerance"]["borderline"] for evaluation in (result["inherent"],
                           result["residual"]) if evaluation and evaluation["tolerance"]),
            description=_portfolio_spec(org, result).description,
            treated=sum(r["frequency_factor"] < 1.0 or r["magnitude_factor"] < 1.0 for r in residual_risks),
        )
    return render(request, "risks/portfolio.html", context)


@org_view("risk.view")
@require_GET
def portfolio_lec_svg(request: OrgRequest) -> HttpResponse:
    spec = _portfolio_spec(request.org, quantified.portfolio_result(request.org))
    return _svg_response(request, charts.lec_svg(spec, heading=request.GET.get("download") == "1"), "loss-exceedance")


def risk_lec_spec(org: Organization, risk: Risk, money: quantified.RiskMoney | None) -> charts.LecSpec:
    """The curve of one risk: inherent, and residual when its treatment has a recorded effect."""
    title = f"Loss exceedance curve of {risk.ref} {risk.title}"
    if money is None:
        return charts.LecSpec(title=title, currency=org.currency, series=(),
                              description="This risk has no money estimate, so there is no curve to draw.",
                              empty_message="No money estimate for this risk.")
    currency = org.currency
    series = [charts.LecSeries("Inherent", money.inherent.lec)]
    text = (f"{money.years:,} simulated years. Inherent: mean annual loss "
            f"{charts.format_money(money.inherent.ale, currency)}, 1 year in 10 above "
            f"{charts.format_money(money.inherent.p90, currency)}")
    if money.treated:
        series.append(charts.LecSeries("Residual (after treatment)", money.residual.lec))
        text += (f"; residual: mean {charts.format_money(money.residual.ale, currency)}, 1 year in 10 above "
                 f"{charts.format_money(money.residual.p90, currency)}")
    return charts.LecSpec(title=title, description=text + ".", currency=currency, series=series)


@org_view("risk.view")
@require_GET
def risk_lec_svg(request: OrgRequest, risk_id: str) -> HttpResponse:
    org = request.org
    risk = selectors.access_risk(org, risk_id)
    money = quantified.money_of(org, risk).money
    svg = charts.lec_svg(risk_lec_spec(org, risk, money), heading=request.GET.get("download") == "1")
    return _svg_response(request, svg, f"{risk.ref.lower()}-loss-exceedance")
