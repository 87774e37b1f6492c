"""The register: the filtered, sorted, paginated list of risks with their figures in money."""

from __future__ import annotations

import dataclasses
from typing import Any

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from accord.core.answers import fragment
from accord.core.web import OrgRequest, org_view, push_clean_url, query_string, render_page, wants_partial
from accord.risks import money_order, quantified, selectors
from accord.risks.views.register.common import filter_form

PAGE_SIZE = 25
SORTABLE = (("ref", _("Ref")), ("title", _("Title")), ("category", _("Category")), ("level", _("Residual")),
            ("ale", _("ALE")), ("p90", _("P90")), ("status", _("Status")), ("review", _("Next review")))
# The money columns (residual figures in the organisation's currency) and what their abbreviation means.
MONEY_COLUMNS = {"ale": _("Annual loss expectancy, residual"), "p90": _("A 1-in-10 bad year, residual")}


@org_view("risk.view")
@require_GET
def index(request: OrgRequest) -> HttpResponse:
    return redirect("risks:list", org=request.org.slug)


@org_view("risk.view")
@require_GET
def risk_list(request: OrgRequest) -> HttpResponse:
    org = request.org
    form = filter_form(request)
    filters = form.to_filter()
    partial = wants_partial(request)

    def results() -> dict[str, Any]:
        page = Paginator(money_order.ordered_risks(org, filters), PAGE_SIZE).get_page(request.GET.get("page"))
        page.object_list = list(page.object_list)
        # One cached result for the whole register (O(1) queries); figures built for this page's risks only.
        money = quantified.register_money(org, only={risk.pk for risk in page.object_list})
        for risk in page.object_list:
            shown = money.of(risk)  # read by the template's money columns
            risk.money, risk.money_problem, risk.money_computing = shown.money, shown.problem, shown.computing
        columns = []
        for key, label in SORTABLE:
            state = "ascending" if filters.sort == key else "descending" if filters.sort == f"-{key}" else ""
            columns.append({"label": label, "state": state, "abbr": MONEY_COLUMNS.get(key, ""),
                            "query": query_string(request, sort=f"-{key}" if state == "ascending" else key)})
        return {
            "filters": filters, "page": page, "columns": columns, "partial": partial,
            "filtered": filters != dataclasses.replace(selectors.RiskFilter(), sort=filters.sort),
            "query": query_string(request),
            "has_money": any(risk.money or risk.money_problem or risk.money_computing for risk in page.object_list),
            # How fresh the money columns are: a stale or pending register says so and polls until fresh (such
            # figures are not stored: quantified marks them).
            "money_figures": money.figures, "poll_url": request.get_full_path(),
        }

    def filter_card() -> dict[str, Any]:
        return {"form": form, "action": reverse("risks:list", kwargs={"org": org.slug}), "target": "#risk-results",
                "cell_label": _cell_label(filters),
                "query_without_cell": query_string(request, drop=("page", "inherent_cell", "residual_cell"))}

    # The filters and the results carry nothing of the viewer: stored per role and query (accord/core/answers.py).
    context = {
        "filter_card": "" if partial else fragment(request, "register:filters", "risks/_filters.html", filter_card),
        "results": fragment(request, "register:partial" if partial else "register", "risks/_list_results.html",
                            results),
    }
    return push_clean_url(request, render_page(request, "risks/list.html", "risks/_list_fragment.html", context))


def _cell_label(filters: selectors.RiskFilter) -> str:
    if filters.inherent_cell:
        return "inherent likelihood {} × impact {}".format(*filters.inherent_cell)
    if filters.residual_cell:
        return "residual likelihood {} × impact {}".format(*filters.residual_cell)
    return ""
