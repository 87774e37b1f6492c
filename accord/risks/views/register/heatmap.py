"""The heat maps of the register (inherent and residual), as a page and as SVG files."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpResponse, HttpResponseBadRequest
from django.urls import reverse
from django.views.decorators.http import require_GET

from accord import charts
from accord.core.clock import org_today
from accord.core.web import OrgRequest, org_view, push_clean_url, query_string, render_page
from accord.risks import selectors
from accord.risks.heatmaps import heatmap_specs
from accord.risks.views.register.common import filter_form


def _heatmap_specs(request: OrgRequest, filters: selectors.RiskFilter, *, links: bool) -> dict[str, charts.HeatmapSpec]:
    list_url = reverse("risks:list", kwargs={"org": request.org.slug})
    base = query_string(request, drop=("page", "inherent_cell", "residual_cell", "kind"))
    shown = ", ".join(f"{k} {v}" for k, v in request.GET.items() if v and k not in ("page", "kind", "sort"))

    def linker(kind: str) -> Callable[[int, int], str]:
        return lambda li, im: f"{list_url}?{base}{'&' if base else ''}{kind}_cell={li}-{im}"

    return heatmap_specs(request.org, filters, shown=shown, linker=linker if links else None)


@org_view("risk.view")
@require_GET
def heatmap(request: OrgRequest) -> HttpResponse:
    form = filter_form(request)
    specs = _heatmap_specs(request, form.to_filter(), links=True)
    context = {"form": form, "query": query_string(request, drop=("page", "kind")),
               "charts": [(kind, spec, charts.heatmap_svg(spec)) for kind, spec in specs.items()]}
    return push_clean_url(request, render_page(request, "risks/heatmap.html", "risks/_heatmap_results.html", context))


@org_view("risk.view")
@require_GET
def heatmap_svg(request: OrgRequest) -> HttpResponse:
    kind = request.GET.get("kind", "residual")
    if kind not in ("inherent", "residual"):
        return HttpResponseBadRequest("kind must be 'inherent' or 'residual'.", content_type="text/plain")
    spec = _heatmap_specs(request, filter_form(request).to_filter(), links=False)[kind]
    response = HttpResponse(charts.heatmap_svg(spec, standalone=True), content_type="image/svg+xml; charset=utf-8")
    stamp = org_today(request.org).isoformat()
    response["Content-Disposition"] = f'attachment; filename="{request.org.slug}-{kind}-heatmap-{stamp}.svg"'
    return response
