"""The register's settings: the risk matrix (its versions and a new one) and the risk categories."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accord.core.permissions import allows
from accord.core.web import OrgRequest, apply_errors, org_view, render_page, wants_partial
from accord.risks import selectors, services
from accord.risks.forms import CategoryChangeForm, CategoryCreateForm, MatrixForm, matrix_size


def _settings_context(request: OrgRequest, *, matrix_form: MatrixForm | None = None,
                      category_form: CategoryCreateForm | None = None) -> dict[str, Any]:
    org = request.org
    history = list(selectors.matrix_history(org))
    current = next(m for m in history if m.is_current)
    editable = allows(request.membership.role, "riskmatrix.change")
    if matrix_form is None and editable:
        matrix_form = MatrixForm(basis=current, size=matrix_size(request.GET, current.size))
    return {
        "matrix": current, "history": history, "categories": selectors.categories(org),
        "matrix_form": matrix_form, "category_form": category_form or (CategoryCreateForm() if editable else None),
        "sizes": range(3, 8),
        "matrix_rows": [(n, current.likelihood_labels[n - 1], current.levels[n - 1])
                        for n in range(len(current.likelihood_labels), 0, -1)],
    }


@org_view("risk.view")
@require_GET
def risk_settings(request: OrgRequest) -> HttpResponse:
    return render(request, "risks/settings.html", _settings_context(request))


@org_view("riskmatrix.change")
@require_POST
def matrix_change(request: OrgRequest) -> HttpResponse:
    org = request.org
    current = selectors.current_matrix(org)
    form = MatrixForm(request.POST, basis=current, size=matrix_size(request.POST, current.size))
    if form.is_valid():
        try:
            matrix = services.do_change_matrix(request.user, org, **form.service_kwargs())
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Risk matrix v%(version)s is now current; every risk's levels were derived "
                                        "again from it.") % {"version": matrix.version})
            return redirect("risks:settings", org=org.slug)
    return render(request, "risks/settings.html", _settings_context(request, matrix_form=form))


@org_view("riskmatrix.change")
@require_POST
def category_create(request: OrgRequest) -> HttpResponse:
    org = request.org
    form = CategoryCreateForm(request.POST)
    if form.is_valid():
        try:
            category = services.do_create_category(request.user, org, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Category %(name)s added.") % {"name": category.name})
            return redirect(reverse("risks:settings", kwargs={"org": org.slug}) + "#categories")
    return render(request, "risks/settings.html", _settings_context(request, category_form=form))


@org_view("riskmatrix.change")
@require_http_methods(["GET", "POST"])
def category_edit(request: OrgRequest, category_id: int) -> HttpResponse:
    org = request.org
    category = selectors.access_category(org, category_id)
    form = CategoryChangeForm(request.POST or None, auto_id=f"category-{category.pk}-%s",
                              initial={"name": category.name, "position": category.position,
                                       "active": category.active, "is_privacy": category.is_privacy})
    if request.method == "POST" and form.is_valid():
        try:
            category = services.do_update_category(request.user, org, category, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            if wants_partial(request):
                return render_page(request, "risks/category_edit.html", "risks/_category_row.html",
                                   {"category": category})
            messages.success(request, _("Category %(name)s saved.") % {"name": category.name})
            return redirect(reverse("risks:settings", kwargs={"org": org.slug}) + "#categories")
    return render_page(request, "risks/category_edit.html", "risks/_category_edit.html",
                       {"category": category, "form": form})
