"""Web pages of the objectives: the list (with progress), an objective's page (its key results, the
initiatives that serve it, its history), the create and edit forms, the key result form, and the small
posts that add or remove key results and contributions. Thin: each parses input, calls one service or
selector, renders."""

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

from accord.core.selectors import object_history
from accord.core.web import OrgRequest, apply_errors, go, org_view, push_clean_url, query_string, render_page
from accord.portfolio import selectors, selectors_objectives, services_objectives
from accord.portfolio.forms_objectives import ContributionForm, KeyResultForm, ObjectiveFilterForm, ObjectiveForm
from accord.portfolio.models_objectives import Objective

PAGE_SIZE = 25


def _detail_url(request: OrgRequest, objective: Objective | int) -> str:
    pk = objective if isinstance(objective, int) else objective.pk
    return reverse("objectives:detail", kwargs={"org": request.org.slug, "objective_id": pk})


@org_view("objective.view")
@require_GET
def objective_list(request: OrgRequest) -> HttpResponse:
    form = ObjectiveFilterForm(request.GET or None)
    q = form.cleaned_data.get("q", "") if form.is_valid() else ""
    page = Paginator(selectors_objectives.objectives(request.org, q), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"form": form, "page": page, "filtered": bool(q), "query": query_string(request)}
    return push_clean_url(request, render_page(request, "portfolio/objectives/list.html",
                                               "portfolio/objectives/_list_results.html", context))


def _detail_page(request: OrgRequest, objective: Objective, *, status: int = 200, **forms: Any) -> HttpResponse:
    context = {
        "objective": objective, "key_results": list(objective.key_results.all()),
        "contributions": list(objective.contributions.all()),
        "key_result_form": forms.get("key_result_form") or KeyResultForm(auto_id="kr-%s"),
        "contribution_form": forms.get("contribution_form") or ContributionForm(request.org, auto_id="link-%s"),
        "history": object_history(request.org, objective),
    }
    return render(request, "portfolio/objectives/detail.html", context, status=status)


@org_view("objective.view")
@require_GET
def objective_detail(request: OrgRequest, objective_id: int) -> HttpResponse:
    return _detail_page(request, selectors_objectives.access_objective(request.org, objective_id))


def _form_page(request: OrgRequest, form: ObjectiveForm, objective: Objective | None) -> HttpResponse:
    return render(request, "portfolio/objectives/form.html", {"form": form, "objective": objective},
                  status=422 if form.errors else 200)


@org_view("objective.change")
@require_http_methods(["GET", "POST"])
def objective_create(request: OrgRequest) -> HttpResponse:
    form = ObjectiveForm(request.org, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            objective = services_objectives.do_create_objective(request.user, request.org, form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("%(ref)s added; now give it its key results.") % {"ref": objective.ref})
            return go(request, _detail_url(request, objective))
    return _form_page(request, form, None)


@org_view("objective.change")
@require_http_methods(["GET", "POST"])
def objective_edit(request: OrgRequest, objective_id: int) -> HttpResponse:
    objective = selectors_objectives.access_objective(request.org, objective_id)
    form = ObjectiveForm(request.org, request.POST or None, objective=objective)
    if request.method == "POST" and form.is_valid():
        try:
            services_objectives.do_update_objective(request.user, request.org, objective, form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("%(ref)s saved.") % {"ref": objective.ref})
            return go(request, _detail_url(request, objective))
    return _form_page(request, form, objective)


@org_view("objective.change")
@require_POST
def objective_delete(request: OrgRequest, objective_id: int) -> HttpResponse:
    objective = selectors_objectives.access_objective(request.org, objective_id)
    services_objectives.do_delete_objective(request.user, request.org, objective)
    messages.success(request, _("%(ref)s removed.") % {"ref": objective.ref})
    return go(request, reverse("objectives:list", kwargs={"org": request.org.slug}))


@org_view("objective.change")
@require_POST
def key_result_add(request: OrgRequest, objective_id: int) -> HttpResponse:
    objective = selectors_objectives.access_objective(request.org, objective_id)
    form = KeyResultForm(request.POST, auto_id="kr-%s")
    if form.is_valid():
        try:
            services_objectives.do_add_key_result(request.user, request.org, objective, form.data_for_service())
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Key result added."))
            return go(request, _detail_url(request, objective) + "#key-results")
    return _detail_page(request, objective, status=422, key_result_form=form)


@org_view("objective.change")
@require_http_methods(["GET", "POST"])
def key_result_edit(request: OrgRequest, objective_id: int, key_result_id: int) -> HttpResponse:
    objective = selectors_objectives.access_objective(request.org, objective_id)
    kr = selectors_objectives.access_key_result(request.org, objective, key_result_id)
    form = KeyResultForm(request.POST or None, key_result=kr)
    if request.method == "POST" and form.is_valid():
        try:
            services_objectives.do_update_key_result(request.user, request.org, kr, form.data_for_service())
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Key result saved."))
            return go(request, _detail_url(request, objective) + "#key-results")
    return render(request, "portfolio/objectives/key_result_form.html",
                  {"form": form, "objective": objective, "key_result": kr}, status=422 if form.errors else 200)


@org_view("objective.change")
@require_POST
def key_result_delete(request: OrgRequest, objective_id: int, key_result_id: int) -> HttpResponse:
    objective = selectors_objectives.access_objective(request.org, objective_id)
    kr = selectors_objectives.access_key_result(request.org, objective, key_result_id)
    services_objectives.do_delete_key_result(request.user, request.org, kr)
    messages.success(request, _("Key result removed: %(metric)s.") % {"metric": kr.metric})
    return go(request, _detail_url(request, objective) + "#key-results")


@org_view("objective.change")
@require_POST
def contribution_set(request: OrgRequest, objective_id: int) -> HttpResponse:
    objective = selectors_objectives.access_objective(request.org, objective_id)
    form = ContributionForm(request.org, request.POST, auto_id="link-%s")
    if form.is_valid():
        initiative = selectors.access_initiative(request.org, form.cleaned_data["initiative"])
        try:
            services_objectives.do_set_contribution(request.user, request.org, objective, initiative,
                                                    weight=form.cleaned_data["weight"])
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("%(ref)s contributes to %(objective)s.") % {
                "ref": initiative.ref, "objective": objective.ref})
            return go(request, _detail_url(request, objective) + "#initiatives")
    return _detail_page(request, objective, status=422, contribution_form=form)


@org_view("objective.change")
@require_POST
def contribution_remove(request: OrgRequest, objective_id: int, initiative_id: int) -> HttpResponse:
    objective = selectors_objectives.access_objective(request.org, objective_id)
    link = selectors_objectives.access_contribution(request.org, objective, initiative_id)
    services_objectives.do_remove_contribution(request.user, request.org, link)
    messages.success(request, _("%(ref)s no longer contributes to %(objective)s.") % {
        "ref": link.initiative.ref, "objective": objective.ref})
    return go(request, _detail_url(request, objective) + "#initiatives")
