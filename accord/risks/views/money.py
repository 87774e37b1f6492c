"""The register in money: the portfolio page and the loss exceedance curves (SVG) of the portfolio and
of one risk. Figures come from `accord.risks.quantified` (the engine's cached result), arranged once by
`accord.risks.portfolio` (which the register report reads too); these views only render them."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.utils.formats import number_format
from django.utils.translation import gettext
from django.views.decorators.http import require_GET

from accord import charts
from accord.core.clock import org_today
from accord.core.models import Organization
from accord.core.web import OrgRequest, org_view
from accord.risks import portfolio as portfolio_read
from accord.risks import quantified, selectors
from accord.risks.models import Risk
from accord.risks.templatetags.risk_money import money as money_text


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
    return render(request, "risks/portfolio.html", portfolio_read.money_view(request.org).context())


@org_view("risk.view")
@require_GET
def portfolio_lec_svg(request: OrgRequest) -> HttpResponse:
    spec = portfolio_read.portfolio_lec_spec(request.org, quantified.portfolio_result(request.org))
    return _svg_response(request, charts.lec_svg(spec, heading=request.GET.get("download") == "1"), "loss-exceedance")


def risk_lec_spec(org: Organization, risk: Risk, money: quantified.RiskMoney | None) -> charts.LecSpec:
    """The curve of one risk: inherent, and residual when its treatment has a recorded effect."""
    title = gettext("Loss exceedance curve of %(name)s") % {"name": f"{risk.ref} {risk.title}"}
    words = portfolio_read.chart_words()
    if money is None:
        return charts.LecSpec(title=title, currency=org.currency, series=(),
                              description=gettext("This risk has no money estimate, so there is no curve to draw."),
                              empty_message=gettext("No money estimate for this risk."), **words)
    currency = org.currency
    series = [charts.LecSeries(gettext("Inherent"), money.inherent.lec)]
    text = gettext("%(years)s simulated years. Inherent: mean annual loss %(mean)s, 1 year in 10 above %(p90)s") % {
        "years": number_format(money.years, force_grouping=True), "mean": money_text(money.inherent.ale, currency),
        "p90": money_text(money.inherent.p90, currency)}
    if money.treated:
        series.append(charts.LecSeries(gettext("Residual (after treatment)"), money.residual.lec))
        text += gettext("; residual: mean %(mean)s, 1 year in 10 above %(p90)s") % {
            "mean": money_text(money.residual.ale, currency), "p90": money_text(money.residual.p90, currency)}
    return charts.LecSpec(title=title, description=text + ".", currency=currency, series=series, **words)


@org_view("risk.view")
@require_GET
def risk_lec_svg(request: OrgRequest, risk_id: str) -> HttpResponse:
    org = request.org
    risk = selectors.access_risk(org, risk_id)
    money = quantified.money_of(org, risk).money
    svg = charts.lec_svg(risk_lec_spec(org, risk, money), heading=request.GET.get("download") == "1")
    return _svg_response(request, svg, f"{risk.ref.lower()}-loss-exceedance")
