"""Web pages of the DPIAs: the list, a DPIA's page (its assessment, its risks with their level against the signed
appetite, the measures, the DPO's advice, the decision's signatures, whether prior consultation is required, its
history), the forms to open and edit one, and the posts that add a risk, submit it, record the advice and sign
the decision. Thin: each parses input, calls one service or selector, renders."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accord.core.reports.services import do_request_report
from accord.core.selectors import object_history
from accord.core.web import OrgRequest, apply_errors, go, org_view, render_page
from accord.privacy import selectors_dpias, selectors_ropa, services_dpias
from accord.privacy.forms_dpias import AdviceForm, DecisionForm, DpiaCreateForm, DpiaEditForm, DpiaRiskForm
from accord.privacy.models_dpias import Dpia
from accord.privacy.reports_dpias import NAME as DPIA_REPORT_NAME

PAGE_SIZE = 50


def _url(request: OrgRequest, dpia: Dpia) -> str:
    return reverse("dpias:detail", kwargs={"org": request.org.slug, "dpia_id": dpia.pk})


@org_view("privacy.dpia.view")
@require_GET
def dpia_list(request: OrgRequest) -> HttpResponse:
    page = Paginator(selectors_dpias.dpias(request.org), PAGE_SIZE).get_page(request.GET.get("page"))
    consultation = selectors_dpias.consultations(request.org, page.object_list)
    rows = [(d, consultation.get(d.pk, False)) for d in page.object_list]
    return render_page(request, "privacy/dpias/list.html", "privacy/dpias/_list_rows.html",
                       {"page": page, "rows": rows})


def _detail(request: OrgRequest, dpia: Dpia, *, risk_form: DpiaRiskForm | None = None,
            advice_form: AdviceForm | None = None, decision_form: DecisionForm | None = None) -> HttpResponse:
    read = selectors_dpias.reading(request.org, dpia, people=True)
    failed = any(f is not None and f.errors for f in (risk_form, advice_form, decision_form))
    context: dict[str, Any] = {
        "dpia": dpia, "read": read, "history": object_history(request.org, dpia),
        "risk_form": risk_form or DpiaRiskForm(), "advice_form": advice_form or AdviceForm(),
        "decision_form": decision_form or DecisionForm(),
        "can_sign": read.signatures.can_sign(request.membership)}
    return render(request, "privacy/dpias/detail.html", context, status=422 if failed else 200)


@org_view("privacy.dpia.view")
@require_GET
def dpia_detail(request: OrgRequest, dpia_id: int) -> HttpResponse:
    return _detail(request, selectors_dpias.access_dpia(request.org, dpia_id))


@org_view("privacy.dpia.change")
@require_http_methods(["GET", "POST"])
def dpia_create(request: OrgRequest) -> HttpResponse:
    initial = {"activity": request.GET.get("activity", "")} if request.method == "GET" else None
    form = DpiaCreateForm(request.org, request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            activity = selectors_ropa.access_activity(request.org, data["activity"])
            dpia = services_dpias.do_create_dpia(request.user, request.org, activity, reason=data["reason"],
                                                 description=data["description"], necessity=data["necessity"])
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("%(ref)s opened.") % {"ref": dpia.ref})
            return go(request, _url(request, dpia))
    return render(request, "privacy/dpias/form.html", {"form": form, "dpia": None},
                  status=422 if form.errors else 200)


@org_view("privacy.dpia.change")
@require_http_methods(["GET", "POST"])
def dpia_edit(request: OrgRequest, dpia_id: int) -> HttpResponse:
    dpia = selectors_dpias.access_dpia(request.org, dpia_id)
    initial = {"description": dpia.description, "necessity": dpia.necessity,
               "controls": [link.control.ref for link in dpia.control_links.all()]}
    form = DpiaEditForm(request.org, request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services_dpias.do_update_dpia(request.user, request.org, dpia, form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("%(ref)s saved.") % {"ref": dpia.ref})
            return go(request, _url(request, dpia))
    return render(request, "privacy/dpias/form.html", {"form": form, "dpia": dpia},
                  status=422 if form.errors else 200)


@org_view("privacy.dpia.change")
@require_POST
def dpia_risk_add(request: OrgRequest, dpia_id: int) -> HttpResponse:
    dpia = selectors_dpias.access_dpia(request.org, dpia_id)
    form = DpiaRiskForm(request.POST)
    if form.is_valid():
        try:
            risk = services_dpias.do_add_dpia_risk(request.user, request.org, dpia, form.data_for_service())
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("%(risk)s added to the register and to %(ref)s.")
                             % {"risk": risk.ref, "ref": dpia.ref})
            return go(request, _url(request, dpia))
    return _detail(request, selectors_dpias.access_dpia(request.org, dpia_id), risk_form=form)


@org_view("privacy.dpia.change")
@require_POST
def dpia_submit(request: OrgRequest, dpia_id: int) -> HttpResponse:
    dpia = selectors_dpias.access_dpia(request.org, dpia_id)
    try:
        services_dpias.do_submit_dpia(request.user, request.org, dpia)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("%(ref)s submitted to the DPO.") % {"ref": dpia.ref})
    return go(request, _url(request, dpia))


@org_view("privacy.dpia.advise")
@require_POST
def dpia_advice(request: OrgRequest, dpia_id: int) -> HttpResponse:
    dpia = selectors_dpias.access_dpia(request.org, dpia_id)
    form = AdviceForm(request.POST)
    if form.is_valid():
        try:
            services_dpias.do_advise_dpia(request.user, request.org, dpia, advice=form.cleaned_data["advice"])
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The DPO's advice on %(ref)s is recorded.") % {"ref": dpia.ref})
            return go(request, _url(request, dpia))
    return _detail(request, selectors_dpias.access_dpia(request.org, dpia_id), advice_form=form)


@org_view("privacy.dpia.decide")
@require_POST
def dpia_decision(request: OrgRequest, dpia_id: int) -> HttpResponse:
    dpia = selectors_dpias.access_dpia(request.org, dpia_id)
    form = DecisionForm(request.POST)
    if form.is_valid():
        try:
            signed = services_dpias.do_sign_dpia_decision(request.user, request.org, dpia,
                                                          decision=form.cleaned_data["decision"],
                                                          reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("You signed the decision on %(ref)s.") % {"ref": signed.ref})
            return go(request, _url(request, dpia))
    return _detail(request, selectors_dpias.access_dpia(request.org, dpia_id), decision_form=form)


@org_view("privacy.dpia.view")
@require_POST
def dpia_report(request: OrgRequest, dpia_id: int) -> HttpResponse:
    """Queue the DPIA's PDF (a job of the report pipeline) and follow it on the job's page."""
    dpia = selectors_dpias.access_dpia(request.org, dpia_id)
    job = do_request_report(request.user, request.org, DPIA_REPORT_NAME, {"dpia": dpia.pk})
    messages.info(request, _("Printing %(ref)s. Download it here once it is done.") % {"ref": dpia.ref})
    return go(request, reverse("core:job", kwargs={"org": request.org.slug, "job_id": job.pk}))
