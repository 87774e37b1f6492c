"""Web pages of the systems inventory: the list (filters, the security flag), a system's page (overview,
what it depends on, what breaks when it is down, its risks, the security input into TIME and the CIO's
decision, its components, its history), the create and edit forms, the file import and export, and the
review of the register's affected assets still held as text. Thin: each parses input, calls one service or
selector, renders."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accord.charts.graph import GraphNode, GraphSpec, graph_svg
from accord.core.selectors import object_history
from accord.core.tables import ImportReport
from accord.core.tables.following import PREVIEW_ROWS, followed_import
from accord.core.web import (
    OrgRequest,
    apply_errors,
    go,
    org_view,
    push_clean_url,
    query_string,
    render_page,
    vary_on_htmx,
    wants_partial,
)
from accord.portfolio import io_systems, selectors_systems, services_systems
from accord.portfolio.fields_systems import SYSTEM
from accord.portfolio.forms_systems import RiskLinkForm, SbomForm, SystemFilterForm, SystemForm, TimeForm, UploadForm
from accord.portfolio.jobs_systems import IMPORT, do_queue_sbom_import, do_queue_systems_import
from accord.portfolio.models_systems import System
from accord.portfolio.services_systems_import import do_import_systems
from accord.risks.selectors import access_risk

PAGE_SIZE = 50
#: The most systems the "what breaks" chart draws (the list below it names them all).
GRAPH_NODES = 40
SECTIONS = {"overview": gettext_lazy("Overview"), "continuity": gettext_lazy("Criticality and recovery"),
            "data": gettext_lazy("Data"), "hosting": gettext_lazy("Hosting"),
            "lifecycle": gettext_lazy("Lifecycle"), "cost": gettext_lazy("Yearly cost (minor units)"),
            "dependencies": gettext_lazy("Dependencies")}


def _detail_url(request: OrgRequest, system: System | int) -> str:
    pk = system if isinstance(system, int) else system.pk
    return reverse("systems:detail", kwargs={"org": request.org.slug, "system_id": pk})


def _filter(request: OrgRequest) -> tuple[SystemFilterForm, selectors_systems.SystemFilter]:
    form = SystemFilterForm(request.org, request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    flagged = {"yes": True, "no": False}.get(data.get("flagged") or "")
    return form, selectors_systems.SystemFilter(
        q=data.get("q", ""), kind=data.get("kind", ""), criticality=data.get("criticality", ""),
        hosting=data.get("hosting", ""), data_classification=data.get("data_classification", ""),
        time=data.get("time", ""), owner=data.get("owner"), support=data.get("support", ""), flagged=flagged)


@org_view("system.view")
@require_GET
def system_list(request: OrgRequest) -> HttpResponse:
    form, flt = _filter(request)
    page = Paginator(selectors_systems.systems(request.org, flt), PAGE_SIZE).get_page(request.GET.get("page"))
    suggestions = selectors_systems.time_inputs(request.org, page.object_list)
    for system in page.object_list:
        system.suggestion = suggestions[system.pk]  # the reasons of its flag
    context = {"form": form, "page": page, "filtered": flt != selectors_systems.SystemFilter(),
               "query": query_string(request)}
    return push_clean_url(request, render_page(request, "portfolio/systems/list.html",
                                               "portfolio/systems/_list_results.html", context))


def _breaks_chart(request: OrgRequest, system: System, broken: list[selectors_systems.Broken]) -> str:
    """"If it is down, these break" as an SVG (the nearest `GRAPH_NODES`); empty when there is nothing, or when
    dependencies loop (the list still names every system)."""
    if not broken:
        return ""
    shown = [system, *(b.system for b in broken[:GRAPH_NODES])]
    ids = {s.pk for s in shown}
    edges = [(str(needed), str(needer)) for needer, needed in selectors_systems.edges_among(request.org, ids)]
    spec = GraphSpec(_("What breaks when %(name)s is down") % {"name": system.name},
                     _("Arrows go from a system to the systems that need it."),
                     [GraphNode(str(s.pk), f"{s.ref} {s.name}", s.get_criticality_display()) for s in shown], edges,
                     id_prefix="breaks")
    try:
        return graph_svg(spec, standalone=False)
    except ValueError:  # a cycle of dependencies has no layered drawing
        return ""


def _detail_page(request: OrgRequest, system: System, *, status: int = 200, **forms: Any) -> HttpResponse:
    org = request.org
    broken = selectors_systems.what_breaks(org, system)
    components = selectors_systems.components(org, system)
    context = {
        "system": system, "dependencies": selectors_systems.dependencies_of(org, system), "broken": broken,
        "breaks_chart": _breaks_chart(request, system, broken),
        "risks": list(selectors_systems.linked_risks(org, system)),
        "initiatives": list(selectors_systems.initiatives_affecting(org, system)),
        "suggestion": selectors_systems.time_input(org, system),
        "components": list(components[:200]), "components_count": components.count(),
        "time_form": forms.get("time_form") or TimeForm(initial={"time_class": system.time_class or None}),
        "risk_form": forms.get("risk_form") or RiskLinkForm(auto_id="risk-%s"),
        "sbom_form": forms.get("sbom_form") or SbomForm(auto_id="sbom-%s"),
        "history": object_history(org, system), "currency": org.currency,
    }
    return render(request, "portfolio/systems/detail.html", context, status=status)


@org_view("system.view")
@require_GET
def system_detail(request: OrgRequest, system_id: int) -> HttpResponse:
    return _detail_page(request, selectors_systems.access_system(request.org, system_id))


def _form_page(request: OrgRequest, form: SystemForm, system: System | None) -> HttpResponse:
    sections = [(SECTIONS.get(name, name), fields) for name, fields in form.sections()]
    return render(request, "portfolio/systems/form.html", {"form": form, "system": system, "sections": sections},
                  status=422 if form.errors else 200)


@org_view("system.change")
@require_http_methods(["GET", "POST"])
def system_create(request: OrgRequest) -> HttpResponse:
    form = SystemForm(request.org, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            system = services_systems.do_create_system(request.user, request.org, form.service_data())
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("%(ref)s added.") % {"ref": system.ref})
            return go(request, _detail_url(request, system))
    return _form_page(request, form, None)


@org_view("system.change")
@require_http_methods(["GET", "POST"])
def system_edit(request: OrgRequest, system_id: int) -> HttpResponse:
    system = selectors_systems.access_system(request.org, system_id)
    form = SystemForm(request.org, request.POST or None, system=system)
    if request.method == "POST" and form.is_valid():
        try:
            services_systems.do_update_system(request.user, request.org, system, form.service_data())
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("%(ref)s saved.") % {"ref": system.ref})
            return go(request, _detail_url(request, system))
    return _form_page(request, form, system)


@org_view("system.change")
@require_POST
def system_delete(request: OrgRequest, system_id: int) -> HttpResponse:
    system = selectors_systems.access_system(request.org, system_id)
    services_systems.do_delete_system(request.user, request.org, system)
    messages.success(request, _("%(ref)s removed.") % {"ref": system.ref})
    return go(request, reverse("systems:list", kwargs={"org": request.org.slug}))


@org_view("system.decide_time")
@require_POST
def system_time(request: OrgRequest, system_id: int) -> HttpResponse:
    system = selectors_systems.access_system(request.org, system_id)
    form = TimeForm(request.POST)
    if form.is_valid():
        try:
            services_systems.do_decide_time(request.user, request.org, system,
                                            time_class=form.cleaned_data["time_class"],
                                            reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("TIME decision recorded for %(ref)s.") % {"ref": system.ref})
            return go(request, _detail_url(request, system) + "#time")
    return _detail_page(request, system, status=422, time_form=form)


@org_view("system.change")
@require_POST
def system_risk_link(request: OrgRequest, system_id: int) -> HttpResponse:
    system = selectors_systems.access_system(request.org, system_id)
    form = RiskLinkForm(request.POST, auto_id="risk-%s")
    if form.is_valid():
        try:
            risk = access_risk(request.org, form.cleaned_data["risk"].strip())
        except Http404:
            form.add_error("risk", _("No risk of this organisation is “%(ref)s”.") % {"ref": form.cleaned_data["risk"]})
        else:
            services_systems.do_link_risk(request.user, request.org, system, risk)
            messages.success(request, _("%(risk)s now affects %(ref)s.") % {"risk": risk.ref, "ref": system.ref})
            return go(request, _detail_url(request, system) + "#risks")
    return _detail_page(request, system, status=422, risk_form=form)


@org_view("system.change")
@require_POST
def system_risk_unlink(request: OrgRequest, system_id: int, risk_id: str) -> HttpResponse:
    system = selectors_systems.access_system(request.org, system_id)
    link = selectors_systems.access_risk_link(request.org, system, risk_id)
    services_systems.do_unlink_risk(request.user, request.org, link)
    messages.success(request, _("%(risk)s no longer affects %(ref)s.") % {"risk": link.risk.ref, "ref": system.ref})
    return go(request, _detail_url(request, system) + "#risks")


@org_view("system.change")
@require_POST
def system_sbom(request: OrgRequest, system_id: int) -> HttpResponse:
    system = selectors_systems.access_system(request.org, system_id)
    form = SbomForm(request.POST, request.FILES, auto_id="sbom-%s")
    if not form.is_valid():
        return _detail_page(request, system, status=422, sbom_form=form)
    upload = form.cleaned_data["file"]
    job = do_queue_sbom_import(request.user, request.org, system, upload.read(), upload.name)
    job.refresh_from_db()
    if job.status == "failed":
        messages.error(request, job.error)
    elif job.status == "done":
        messages.success(request, _("%(n)s components imported.") % {"n": (job.result or {}).get("components", 0)})
    else:
        messages.info(request, _("The SBOM is being imported; its components show here once the job is done."))
    return go(request, _detail_url(request, system) + "#components")


@org_view("system.export")
@require_GET
def system_export(request: OrgRequest) -> HttpResponse:
    _form, flt = _filter(request)
    try:
        content, content_type, filename = io_systems.export_inventory(request.org, flt,
                                                                      request.GET.get("format", "csv"))
    except ValidationError as exc:
        return HttpResponseBadRequest(" ".join(exc.messages), content_type="text/plain; charset=utf-8")
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _import_job(request: OrgRequest) -> dict[str, Any] | None:
    """The import job `?job=` names, as the page shows it (None without one)."""
    if "job" not in request.GET:
        return None
    return followed_import(request.org, request.membership, request.GET["job"], IMPORT)


@org_view("system.import")
@require_http_methods(["GET", "POST"])
def system_import(request: OrgRequest) -> HttpResponse:
    """Upload a file; "Preview" shows what each row would do and writes nothing, "Import" queues it as a job
    and the page follows it (`?job=`)."""
    org = request.org
    form = UploadForm(request.POST or None, request.FILES or None)
    report: ImportReport | None = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if "preview" not in request.POST:
            job = do_queue_systems_import(request.user, org, upload.read(), upload.name)
            return go(request, reverse("systems:import", kwargs={"org": org.slug}) + f"?job={job.pk}")
        try:
            report = do_import_systems(request.user, org, io_systems.parse_upload(upload, upload.name), dry_run=True)
        except ValidationError as exc:
            apply_errors(form, exc)
    imported = _import_job(request)
    if imported is not None and wants_partial(request):
        return render_page(request, "portfolio/systems/import.html", "portfolio/systems/_import_job.html",
                           {"imported": imported})
    shown = list(report.rows) if report and not report.problems else []
    context = {"form": form, "report": report, "shown": shown[:PREVIEW_ROWS], "imported": imported,
               "hidden": max(0, len(shown) - PREVIEW_ROWS), "columns": SYSTEM.import_columns,
               "ignored": SYSTEM.ignored_columns}
    return vary_on_htmx(render(request, "portfolio/systems/import.html", context))


@org_view("system.view")
@require_GET
def assets_review(request: OrgRequest) -> HttpResponse:
    """The register's affected assets still held as text, risk by risk, those that name a system first."""
    assets = selectors_systems.unmatched_assets(request.org)
    return render(request, "portfolio/systems/assets.html", {
        "matching": [a for a in assets if a.matches], "unmatched": [a for a in assets if not a.matches]})


@org_view("system.change")
@require_POST
def assets_link(request: OrgRequest) -> HttpResponse:
    count = services_systems.do_link_matching_assets(request.user, request.org)
    messages.success(request, _("%(n)s risks now link to the systems they name.") % {"n": count})
    return go(request, reverse("systems:assets", kwargs={"org": request.org.slug}))
