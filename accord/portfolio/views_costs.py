"""Web pages of the IT costs: the cost view of a year (with its chart as SVG), the budget line forms and the
import of actuals (a job the page follows). Thin: each parses input, calls one service or selector, renders."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.dates import MONTHS_3
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accord import charts
from accord.core.choices import ImportAction
from accord.core.clock import org_today
from accord.core.jobs import selectors as job_selectors
from accord.core.jobs.runner import progress_of
from accord.core.web import OrgRequest, apply_errors, go, org_view, render_page, vary_on_htmx, wants_partial
from accord.portfolio import io_costs, selectors_costs, services_costs
from accord.portfolio.choices import CostCategory
from accord.portfolio.forms_costs import ActualsImportForm, BudgetLineForm
from accord.portfolio.jobs_costs import IMPORT_ACTUALS, do_queue_actuals_import
from accord.portfolio.models_costs import BudgetLine
from accord.portfolio.templatetags.cost_money import major


def _year(request: OrgRequest) -> int:
    """The year `?year=` names (this year by default); a year no budget could have is a 404."""
    text = request.GET.get("year", "")
    if not text:
        return org_today(request.org).year
    try:
        year = int(text)
    except ValueError:
        raise Http404("No such year.") from None
    if not 1990 <= year <= 2200:
        raise Http404("No such year.")
    return year


def _view_url(request: OrgRequest, year: int) -> str:
    return reverse("costs:view", kwargs={"org": request.org.slug}) + f"?year={year}"


@org_view("cost.view")
@require_GET
def cost_view(request: OrgRequest) -> HttpResponse:
    """The CIO's cost view of one year."""
    year = _year(request)
    view = selectors_costs.cost_view(request.org, year)
    years = sorted({*view.years, org_today(request.org).year}, reverse=True)
    return render(request, "portfolio/costs/view.html", {"view": view, "years": years, "lines": view.lines,
                                                         "chart_description": _chart_description(view)})


def _chart_description(view: selectors_costs.CostView) -> str:
    return _("What was spent each month of %(year)s, by category (run, change, security), in %(currency)s.") % {
        "year": view.year, "currency": view.currency}


@org_view("cost.view")
@require_GET
def cost_chart(request: OrgRequest) -> HttpResponse:
    """What was spent each month of the year by category, a stacked bar chart (SVG; `download=1` for a file
    that travels alone)."""
    view = selectors_costs.cost_view(request.org, _year(request))
    currency = request.org.currency
    series = [charts.BarSeries(str(c.label), [max(0.0, major(v, currency)) for v in view.monthly[c.value]])
              for c in CostCategory]
    months = [str(MONTHS_3[m]).capitalize() for m in range(1, 13)]
    spec = charts.BarSpec(title=_("IT spend by month, %(year)s") % {"year": view.year},
                          description=_chart_description(view), categories=months, series=series, stacked=True,
                          y_title=currency, id_prefix="costs")
    download = request.GET.get("download") == "1"
    response = HttpResponse(charts.bar_svg(spec, heading=download), content_type="image/svg+xml; charset=utf-8")
    if download:
        response["Content-Disposition"] = f'attachment; filename="{request.org.slug}-costs-{view.year}.svg"'
    return response


def _form_page(request: OrgRequest, form: BudgetLineForm, line: BudgetLine | None) -> HttpResponse:
    return render(request, "portfolio/costs/line_form.html", {"form": form, "line": line},
                  status=422 if form.errors else 200)


@org_view("cost.change")
@require_http_methods(["GET", "POST"])
def line_create(request: OrgRequest) -> HttpResponse:
    form = BudgetLineForm(request.org, request.POST or None, year=_year(request))
    if request.method == "POST" and form.is_valid():
        try:
            line = services_costs.do_create_budget_line(request.user, request.org, form.data_for_service())
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("%(ref)s added.") % {"ref": line.ref})
            return go(request, _view_url(request, line.year) + "#lines")
    return _form_page(request, form, None)


@org_view("cost.change")
@require_http_methods(["GET", "POST"])
def line_edit(request: OrgRequest, line_id: int) -> HttpResponse:
    line = selectors_costs.access_budget_line(request.org, line_id)
    form = BudgetLineForm(request.org, request.POST or None, line=line)
    if request.method == "POST" and form.is_valid():
        try:
            services_costs.do_update_budget_line(request.user, request.org, line, form.data_for_service())
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("%(ref)s saved.") % {"ref": line.ref})
            return go(request, _view_url(request, form.cleaned_data["year"]) + "#lines")
    context = {"form": form, "line": line, "actuals": selectors_costs.line_actuals(request.org, line)}
    return render(request, "portfolio/costs/line_form.html", context, status=422 if form.errors else 200)


@org_view("cost.change")
@require_POST
def line_delete(request: OrgRequest, line_id: int) -> HttpResponse:
    line = selectors_costs.access_budget_line(request.org, line_id)
    services_costs.do_delete_budget_line(request.user, request.org, line)
    messages.success(request, _("%(ref)s removed with its actuals.") % {"ref": line.ref})
    return go(request, _view_url(request, line.year) + "#lines")


def _import_job(request: OrgRequest) -> dict[str, Any] | None:
    """The import job `?job=` names as the page shows it (None without one); another kind's job, or one the
    member may not follow, is a 404."""
    if "job" not in request.GET:
        return None
    job = job_selectors.access_job(request.org, request.membership, request.GET["job"])
    if job.kind != IMPORT_ACTUALS:
        raise Http404("No such import.")
    percent, message = progress_of(job)
    result = job.result or {}
    rows = [{**r, "action": ImportAction(r["action"]).label} for r in result.get("rows", [])]
    return {"job": job, "percent": percent, "progress_message": message, "summary": result.get("summary", ""),
            "rows": rows, "problems": [(r["row"], e["field"], e["message"]) for r in rows for e in r["errors"]],
            "filename": str(job.parameters.get("filename") or "")}


@org_view("cost.import")
@require_http_methods(["GET", "POST"])
def actuals_import(request: OrgRequest) -> HttpResponse:
    """Upload a file of actuals; "Preview" says what each row would do and writes nothing, "Import" queues it as
    a job (decision 0046) and the page follows it (`?job=`)."""
    org = request.org
    form = ActualsImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if "preview" not in request.POST:
            job = do_queue_actuals_import(request.user, org, upload.read(), upload.name)
            return go(request, reverse("costs:import", kwargs={"org": org.slug}) + f"?job={job.pk}")
        try:
            report = services_costs.do_import_actuals(request.user, org, io_costs.parse_upload(upload, upload.name),
                                                      dry_run=True)
        except ValidationError as exc:
            apply_errors(form, exc)
    imported = _import_job(request)
    if imported is not None and wants_partial(request):  # the job's part polling itself
        return render_page(request, "portfolio/costs/import.html", "portfolio/costs/_import_job.html",
                           {"imported": imported})
    context = {"form": form, "report": report, "imported": imported, "columns": io_costs.TABLE.columns,
               "required": io_costs.TABLE.required_columns}
    return vary_on_htmx(render(request, "portfolio/costs/import.html", context))
