"""Web pages of the IT portfolio: the initiatives (filtered), an initiative's page (phase, gate status with
the review clock, reviews and conditions, gate exceptions, financials, budgets, history), the create and
edit forms and the review completion form. Thin: each parses input, calls one service or selector,
renders; htmx requests get the part of the page they replace."""

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

from accord.core.permissions import require
from accord.core.selectors import object_history
from accord.core.web import OrgRequest, apply_errors, go, org_view, push_clean_url, query_string, render_page
from accord.portfolio import rules, selectors, services
from accord.portfolio.choices import Phase
from accord.portfolio.forms import (
    AdvanceForm,
    BudgetForm,
    CompleteReviewForm,
    ExceptionForm,
    FilterForm,
    InitiativeForm,
)
from accord.portfolio.models import Initiative

PAGE_SIZE = 25


def _detail_url(request: OrgRequest, initiative: Initiative | int) -> str:
    pk = initiative if isinstance(initiative, int) else initiative.pk
    return reverse("portfolio:detail", kwargs={"org": request.org.slug, "initiative_id": pk})


@org_view("initiative.view")
@require_GET
def initiative_list(request: OrgRequest) -> HttpResponse:
    org = request.org
    form = FilterForm(org, request.GET or None)
    filters = form.filters()
    page = Paginator(selectors.initiatives(org, filters), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"form": form, "page": page, "filtered": filters != selectors.InitiativeFilter(),
               "query": query_string(request)}
    return push_clean_url(request, render_page(request, "portfolio/list.html", "portfolio/_list_results.html",
                                               context))


def detail_context(request: OrgRequest, initiative: Initiative, **forms: Any) -> dict[str, Any]:
    """What the initiative page shows (the advance, budget and exception forms may come with their errors)."""
    org = request.org
    settings = selectors.portfolio_settings(org)
    status = selectors.gate_status(org, initiative, settings=settings)
    exceptions = list(selectors.gate_exceptions(org, initiative))
    states = {e.pk: selectors.exception_signature_state(org, e, people=True) for e in exceptions}
    for exception in exceptions:
        exception.state = states[exception.pk]  # type: ignore[attr-defined]
        exception.can_sign = states[exception.pk].can_sign(request.membership)  # type: ignore[attr-defined]
        exception.can_withdraw = rules.may_withdraw_exception(  # type: ignore[attr-defined]
            exception.status, exception.gate, initiative.phase)
    moves = sorted(rules.TRANSITIONS[initiative.phase], key=Phase.values.index)
    return {
        "initiative": initiative, "status": status, "money": selectors.initiative_financials(org, initiative,
                                                                                            settings=settings),
        "budgets": list(selectors.budgets(org, initiative)), "exceptions": exceptions,
        "moves": [(m, Phase(m).label) for m in moves],
        "advance_form": forms.get("advance_form") or AdvanceForm(),
        "budget_form": forms.get("budget_form") or BudgetForm(),
        "exception_form": forms.get("exception_form") or ExceptionForm(),
        "may_review": rules.may_complete_review(_profile(request), request.membership),
        "reviewer_label": rules.reviewer_label(_profile(request)),
        "history": object_history(org, initiative),
    }


def _profile(request: OrgRequest) -> Any:
    from accord.core.models import GovernanceProfile

    if not hasattr(request, "_governance"):
        request._governance = GovernanceProfile.objects.for_org(request.org).get()  # type: ignore[attr-defined]
    return request._governance  # type: ignore[attr-defined]


@org_view("initiative.view")
@require_GET
def initiative_detail(request: OrgRequest, initiative_id: int) -> HttpResponse:
    initiative = selectors.access_initiative(request.org, initiative_id)
    return render_page(request, "portfolio/detail.html", "portfolio/_gate.html", detail_context(request, initiative))


def _form_page(request: OrgRequest, form: InitiativeForm, initiative: Initiative | None) -> HttpResponse:
    return render(request, "portfolio/initiative_form.html", {"form": form, "initiative": initiative},
                  status=422 if form.errors else 200)


@org_view("initiative.create")
@require_http_methods(["GET", "POST"])
def initiative_create(request: OrgRequest) -> HttpResponse:
    form = InitiativeForm(request.org, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            initiative = services.do_create_initiative(request.user, request.org, form.data_for_service())
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("%(ref)s added.") % {"ref": initiative.ref})
            return go(request, _detail_url(request, initiative))
    return _form_page(request, form, None)


@org_view("initiative.change")
@require_http_methods(["GET", "POST"])
def initiative_edit(request: OrgRequest, initiative_id: int) -> HttpResponse:
    initiative = selectors.access_initiative(request.org, initiative_id)
    form = InitiativeForm(request.org, request.POST or None, initiative=initiative)
    if request.method == "POST" and form.is_valid():
        try:
            services.do_update_initiative(request.user, request.org, initiative, form.data_for_service())
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("%(ref)s saved.") % {"ref": initiative.ref})
            return go(request, _detail_url(request, initiative))
    return _form_page(request, form, initiative)


def _refused(request: OrgRequest, exc: ValidationError) -> None:
    messages.error(request, " ".join(exc.messages))


@org_view("initiative.advance")
@require_POST
def initiative_advance(request: OrgRequest, initiative_id: int) -> HttpResponse:
    initiative = selectors.access_initiative(request.org, initiative_id)
    form = AdvanceForm(request.POST)
    if form.is_valid():
        try:
            moved = services.do_advance_initiative(request.user, request.org, initiative, to=form.cleaned_data["to"])
        except ValidationError as exc:
            _refused(request, exc)
        else:
            messages.success(request, _("%(ref)s is now %(phase)s.") % {
                "ref": moved.ref, "phase": Phase(moved.phase).label.lower()})
    else:
        messages.error(request, _("Choose the phase to move to."))
    return go(request, _detail_url(request, initiative))


@org_view("initiative.change")
@require_POST
def budget_set(request: OrgRequest, initiative_id: int) -> HttpResponse:
    initiative = selectors.access_initiative(request.org, initiative_id)
    form = BudgetForm(request.POST)
    if form.is_valid():
        try:
            services.do_set_initiative_budget(request.user, request.org, initiative, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Budget of %(year)s saved.") % {"year": form.cleaned_data["year"]})
            return go(request, _detail_url(request, initiative) + "#financials")
    context = detail_context(request, initiative, budget_form=form)
    return render(request, "portfolio/detail.html", context, status=422)


@org_view("review.open")
@require_POST
def review_open(request: OrgRequest, initiative_id: int) -> HttpResponse:
    initiative = selectors.access_initiative(request.org, initiative_id)
    try:
        review = services.do_open_review(request.user, request.org, initiative)
    except ValidationError as exc:
        _refused(request, exc)
    else:
        messages.success(request, _("The %(gate)s review is open, due on %(due)s.") % {
            "gate": review.get_gate_display().lower(), "due": review.due_on.isoformat()})
    return go(request, _detail_url(request, initiative) + "#gate")


@org_view("initiative.view")
@require_http_methods(["GET", "POST"])
def review_complete(request: OrgRequest, initiative_id: int, review_id: int) -> HttpResponse:
    # The objects first, then the action: another organisation's review is 404 to everyone, and the
    # governance rule (the CISO, or the hybrid CIO-CISO) is the service's.
    initiative = selectors.access_initiative(request.org, initiative_id)
    review = selectors.access_review(request.org, initiative, review_id)
    require(request.membership.role, "review.complete")
    form = CompleteReviewForm(request.org, review, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.do_complete_review(request.user, request.org, review, outcome=form.cleaned_data["outcome"],
                                        reasons=form.cleaned_data["reasons"], answers=form.answers(),
                                        conditions=form.conditions())
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The review is complete."))
            return go(request, _detail_url(request, initiative) + "#reviews")
    return render(request, "portfolio/review_form.html", {"form": form, "initiative": initiative, "review": review},
                  status=422 if form.errors else 200)


@org_view("condition.close")
@require_POST
def condition_done(request: OrgRequest, initiative_id: int, condition_id: int) -> HttpResponse:
    initiative = selectors.access_initiative(request.org, initiative_id)
    condition = selectors.access_condition(request.org, initiative, condition_id)
    try:
        services.do_close_condition(request.user, request.org, condition)
    except ValidationError as exc:
        _refused(request, exc)
    else:
        messages.success(request, _("Condition done: %(title)s.") % {"title": condition.title})
    return go(request, _detail_url(request, initiative) + "#reviews")


@org_view("gateexception.request")
@require_POST
def exception_request(request: OrgRequest, initiative_id: int) -> HttpResponse:
    initiative = selectors.access_initiative(request.org, initiative_id)
    form = ExceptionForm(request.POST)
    if form.is_valid():
        try:
            services.do_request_gate_exception(request.user, request.org, initiative,
                                               reasons=form.cleaned_data["reasons"])
        except ValidationError as exc:
            _refused(request, exc)
        else:
            messages.success(request, _("Gate exception requested; it is in force once every signature is in."))
    else:
        messages.error(request, _("Say why the initiative passes its gate without a review."))
    return go(request, _detail_url(request, initiative) + "#gate")


@org_view("gateexception.sign")
@require_POST
def exception_sign(request: OrgRequest, initiative_id: int, exception_id: int) -> HttpResponse:
    initiative = selectors.access_initiative(request.org, initiative_id)
    exception = selectors.access_exception(request.org, initiative, exception_id)
    try:
        signed = services.do_sign_gate_exception(request.user, request.org, exception)
    except ValidationError as exc:
        _refused(request, exc)
    else:
        messages.success(request, _("Signed: the gate exception is in force.") if signed.status == "in_force"
                         else _("Signed; the gate exception still awaits other signatures."))
    return go(request, _detail_url(request, initiative) + "#gate")


@org_view("gateexception.request")
@require_POST
def exception_withdraw(request: OrgRequest, initiative_id: int, exception_id: int) -> HttpResponse:
    initiative = selectors.access_initiative(request.org, initiative_id)
    exception = selectors.access_exception(request.org, initiative, exception_id)
    try:
        services.do_withdraw_gate_exception(request.user, request.org, exception,
                                            reason=request.POST.get("reason", ""))
    except ValidationError as exc:
        _refused(request, exc)
    else:
        messages.success(request, _("Gate exception withdrawn."))
    return go(request, _detail_url(request, initiative) + "#gate")
