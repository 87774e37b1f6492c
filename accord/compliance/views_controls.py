"""Web pages of the controls library: the list (filtered, sorted, paginated, exported through the tables kit), a
control's page (its fields, its money, its risks with its effect on each, its requirements, its history), the
create and edit forms, the small posts that link and unlink risks and requirements, and the cost-effectiveness
table. Thin: each parses input, calls one service or selector, renders."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accord.compliance import io_controls, selectors_controls, services_controls
from accord.compliance.forms_controls import ControlFilterForm, ControlForm, RequirementLinkForm, RiskLinkForm
from accord.compliance.models_controls import Control
from accord.core.selectors import object_history
from accord.core.web import OrgRequest, apply_errors, go, org_view, push_clean_url, query_string, render_page
from accord.incidents import selectors as incident_selectors
from accord.risks import quantified
from accord.risks.selectors import access_risk

PAGE_SIZE = 25
SORTABLE = (("ref", gettext_lazy("Ref")), ("name", gettext_lazy("Name")), ("kind", gettext_lazy("Kind")),
            ("status", gettext_lazy("Status")), ("owner", gettext_lazy("Owner")),
            ("review", gettext_lazy("Next review")))


def _detail_url(request: OrgRequest, control: Control) -> str:
    return reverse("compliance:control", kwargs={"org": request.org.slug, "control_id": control.pk})


@org_view("control.view")
@require_GET
def control_list(request: OrgRequest) -> HttpResponse:
    form = ControlFilterForm(request.org, request.GET or None)
    filters = form.to_filter()
    page = Paginator(selectors_controls.controls(request.org, filters), PAGE_SIZE).get_page(request.GET.get("page"))
    columns = []
    for key, label in SORTABLE:
        state = "ascending" if filters.sort == key else "descending" if filters.sort == f"-{key}" else ""
        columns.append({"label": label, "state": state,
                        "query": query_string(request, sort=f"-{key}" if state == "ascending" else key)})
    context = {"form": form, "page": page, "columns": columns, "filters": filters, "query": query_string(request),
               "filtered": bool(filters.q or filters.status or filters.kind or filters.owner is not None)}
    return push_clean_url(request, render_page(request, "compliance/controls/list.html",
                                               "compliance/controls/_list_results.html", context))


@org_view("control.view")
@require_GET
def control_export(request: OrgRequest) -> HttpResponse:
    filters = ControlFilterForm(request.org, request.GET or None).to_filter()
    try:
        content, content_type, filename = io_controls.export_controls(request.org, request.GET.get("format", "csv"),
                                                                      filters)
    except ValidationError as exc:
        return HttpResponseBadRequest(" ".join(exc.messages), content_type="text/plain; charset=utf-8")
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _detail_page(request: OrgRequest, control: Control, *, status: int = 200, **forms: Any) -> HttpResponse:
    org = request.org
    table = selectors_controls.effectiveness(org, only=control)
    context = {
        "control": control, "money": table.of(control), "table": table,
        "risk_links": list(selectors_controls.risk_links(org, control)),
        "requirement_links": list(selectors_controls.requirement_links(org, control)),
        "lessons": incident_selectors.lessons_of_control(org, control),
        "risk_form": forms.get("risk_form") or RiskLinkForm(org, auto_id="risk-%s"),
        "requirement_form": forms.get("requirement_form") or RequirementLinkForm(org, auto_id="req-%s"),
        "history": object_history(org, control),
        "pending": table.figures != quantified.FRESH,
    }
    return render(request, "compliance/controls/detail.html", context, status=status)


@org_view("control.view")
@require_GET
def control_detail(request: OrgRequest, control_id: int) -> HttpResponse:
    return _detail_page(request, selectors_controls.access_control(request.org, control_id, counted=True))


def _form_page(request: OrgRequest, form: ControlForm, control: Control | None) -> HttpResponse:
    return render(request, "compliance/controls/form.html", {"form": form, "control": control},
                  status=422 if form.errors else 200)


@org_view("control.change")
@require_http_methods(["GET", "POST"])
def control_create(request: OrgRequest) -> HttpResponse:
    form = ControlForm(request.org, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            control = services_controls.do_create_control(request.user, request.org, form.data_for_service())
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("%(ref)s added; now link it to the risks it reduces and the requirements it "
                                        "serves.") % {"ref": control.ref})
            return go(request, _detail_url(request, control))
    return _form_page(request, form, None)


@org_view("control.change")
@require_http_methods(["GET", "POST"])
def control_edit(request: OrgRequest, control_id: int) -> HttpResponse:
    control = selectors_controls.access_control(request.org, control_id)
    form = ControlForm(request.org, request.POST or None, control=control)
    if request.method == "POST" and form.is_valid():
        try:
            services_controls.do_update_control(request.user, request.org, control, form.data_for_service())
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("%(ref)s saved.") % {"ref": control.ref})
            return go(request, _detail_url(request, control))
    return _form_page(request, form, control)


@org_view("control.change")
@require_POST
def risk_link(request: OrgRequest, control_id: int) -> HttpResponse:
    """Link the control to a risk with its effect, or change the effect of the link they have."""
    control = selectors_controls.access_control(request.org, control_id, counted=True)
    form = RiskLinkForm(request.org, request.POST, auto_id="risk-%s")
    if form.is_valid():
        risk = access_risk(request.org, form.cleaned_data["risk"])
        try:
            services_controls.do_link_control_risk(
                request.user, request.org, control, risk, frequency_reduction=form.cleaned_data["frequency_reduction"],
                loss_reduction=form.cleaned_data["loss_reduction"])
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("%(ref)s is linked to %(risk)s.") % {"ref": control.ref, "risk": risk.ref})
            return go(request, _detail_url(request, control) + "#risks")
    return _detail_page(request, control, status=422, risk_form=form)


@org_view("control.change")
@require_POST
def risk_unlink(request: OrgRequest, control_id: int, link_id: int) -> HttpResponse:
    control = selectors_controls.access_control(request.org, control_id)
    link = selectors_controls.access_risk_link(request.org, control, link_id)
    services_controls.do_unlink_control_risk(request.user, request.org, link)
    messages.success(request, _("%(ref)s is no longer linked to %(risk)s.") % {"ref": control.ref,
                                                                               "risk": link.risk.ref})
    return go(request, _detail_url(request, control) + "#risks")


@org_view("control.change")
@require_POST
def requirement_link(request: OrgRequest, control_id: int) -> HttpResponse:
    control = selectors_controls.access_control(request.org, control_id, counted=True)
    form = RequirementLinkForm(request.org, request.POST, auto_id="req-%s")
    if form.is_valid():
        try:
            requirement = selectors_controls.find_requirement(request.org, form.cleaned_data["framework"],
                                                              form.cleaned_data["requirement"])
            services_controls.do_link_control_requirement(request.user, request.org, control, requirement)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("%(ref)s serves %(requirement)s.") % {
                "ref": control.ref, "requirement": f"{requirement.framework.name} {requirement.ref}"})
            return go(request, _detail_url(request, control) + "#requirements")
    return _detail_page(request, control, status=422, requirement_form=form)


@org_view("control.change")
@require_POST
def requirement_unlink(request: OrgRequest, control_id: int, link_id: int) -> HttpResponse:
    control = selectors_controls.access_control(request.org, control_id)
    link = selectors_controls.access_requirement_link(request.org, control, link_id)
    services_controls.do_unlink_control_requirement(request.user, request.org, link)
    messages.success(request, _("%(ref)s no longer serves %(requirement)s.") % {
        "ref": control.ref, "requirement": f"{link.requirement.framework.name} {link.requirement.ref}"})
    return go(request, _detail_url(request, control) + "#requirements")


@org_view("control.view")
@require_GET
def cost_effectiveness(request: OrgRequest) -> HttpResponse:
    table = selectors_controls.effectiveness(request.org)
    context = {"table": table, "pending": table.figures != quantified.FRESH, "poll_url": request.get_full_path()}
    return render_page(request, "compliance/controls/cost_effectiveness.html",
                       "compliance/controls/_cost_table.html", context)
