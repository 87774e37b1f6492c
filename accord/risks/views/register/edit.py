"""Writes of one risk's fields: the full create and edit pages, and one section edited in place."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accord.core import selectors as core_selectors
from accord.core.web import OrgRequest, apply_errors, org_view, render_page, wants_partial
from accord.risks import selectors, services
from accord.risks.forms import SECTION_TITLES, SECTIONS, RiskChoices, RiskForm, risk_initial
from accord.risks.views.register.detail import detail_context, section_name


def _choices(org: Any) -> RiskChoices:
    return RiskChoices(categories=list(selectors.categories(org)), members=list(core_selectors.members(org)),
                       matrix=selectors.current_matrix(org))


def _groups(form: RiskForm) -> list[tuple[Any, list[forms.BoundField]]]:
    """The form's fields in the risk page's sections, for the full create and edit pages."""
    return [(SECTION_TITLES[name], [form[f] for f in fields if f in form.fields]) for name, fields in SECTIONS.items()]


@org_view("risk.create")
@require_http_methods(["GET", "POST"])
def risk_create(request: OrgRequest) -> HttpResponse:
    org = request.org
    form = RiskForm(request.POST or None, choices=_choices(org), currency=org.currency,
                    initial={"raised_by": selectors.default_raised_by(org, request.user), "status": "identified"})
    if request.method == "POST" and form.is_valid():
        try:
            risk = services.do_create_risk(request.user, org, form.service_data())
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("%(ref)s added to the register.") % {"ref": risk.ref})
            return redirect("risks:detail", org=org.slug, risk_id=risk.pk)
    return render(request, "risks/risk_form.html", {"form": form, "groups": _groups(form), "risk": None})


@org_view("risk.change")
@require_http_methods(["GET", "POST"])
def risk_edit(request: OrgRequest, risk_id: str) -> HttpResponse:
    org = request.org
    risk = selectors.access_risk(org, risk_id)
    form = RiskForm(request.POST or None, choices=_choices(org), initial=risk_initial(risk), currency=org.currency)
    if request.method == "POST" and form.is_valid():
        try:
            services.do_update_risk(request.user, org, risk, form.service_data())
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("%(ref)s saved.") % {"ref": risk.ref})
            return redirect("risks:detail", org=org.slug, risk_id=risk.pk)
    return render(request, "risks/risk_form.html", {"form": form, "groups": _groups(form), "risk": risk})


@org_view("risk.change")
@require_http_methods(["GET", "POST"])
def risk_section_edit(request: OrgRequest, risk_id: str, section: str) -> HttpResponse:
    """Edit one section in place: the form replaces the section, saving swaps the section back."""
    org = request.org
    risk = selectors.access_risk(org, risk_id)
    section = section_name(section)
    form = RiskForm(request.POST or None, choices=_choices(org), only=SECTIONS[section],
                    initial=risk_initial(risk), currency=org.currency)
    form.fields[SECTIONS[section][0]].widget.attrs["autofocus"] = True  # the swapped-in form takes the focus
    context: dict[str, Any] = {"risk": risk, "section": section, "title": SECTION_TITLES[section], "form": form}
    if request.method == "POST" and form.is_valid():
        try:
            services.do_update_risk(request.user, org, risk, form.service_data())
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            if not wants_partial(request):
                messages.success(request, _("%(ref)s saved.") % {"ref": risk.ref})
                return redirect(reverse("risks:detail", kwargs={"org": org.slug, "risk_id": risk.pk})
                                + f"#section-{section}")
            risk = selectors.access_risk(org, risk.pk)  # fresh levels and flags for the page's header
            context = {**detail_context(request, risk), "section": section, "title": SECTION_TITLES[section],
                       "saved": True}
            return render_page(request, "risks/section_edit.html", "risks/_section_saved.html", context)
    return render_page(request, "risks/section_edit.html", "risks/_section_form.html", context)
