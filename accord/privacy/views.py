"""Web pages of the privacy app: the data-subject requests register (list with filters, a request's page with its
clock, pauses and history, the record and edit forms, and the posts that pause, resume, extend and close it) and
the breach register (list, a breach's page with its deadline, content checklist, notifications and history, the
record and edit forms, and the post that adds a notification phase). Thin: each parses input, calls one service
or selector, renders. Personal details are left out of every page for roles without `privacy.request.personal`.
"""

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

from accord.core.permissions import allows
from accord.core.selectors import object_history
from accord.core.web import OrgRequest, apply_errors, go, org_view, push_clean_url, query_string, render_page
from accord.privacy import rules_deadlines, selectors_breaches, selectors_requests, services_breaches, services_requests
from accord.privacy.forms import (
    BreachForm,
    CloseForm,
    ExtendForm,
    NotificationForm,
    PauseForm,
    RequestFilterForm,
    RequestForm,
    ResumeForm,
)
from accord.privacy.models_breaches import CONTENT_ITEMS, Breach
from accord.privacy.models_requests import DataSubjectRequest

PAGE_SIZE = 25


def _personal(request: OrgRequest) -> bool:
    return allows(request.membership.role, "privacy.request.personal")


def _request_url(request: OrgRequest, obj: DataSubjectRequest) -> str:
    return reverse("privacy:request_detail", kwargs={"org": request.org.slug, "request_id": obj.pk})


def _breach_url(request: OrgRequest, obj: Breach) -> str:
    return reverse("privacy:breach_detail", kwargs={"org": request.org.slug, "breach_id": obj.pk})


def _request_filter(form: RequestFilterForm) -> selectors_requests.RequestFilter:
    data = form.cleaned_data if form.is_valid() else {}
    due = data.get("due", "")
    return selectors_requests.RequestFilter(
        kind=data.get("kind", ""), status=data.get("status", ""), open_only=due == "open", overdue=due == "overdue",
        due_within=int(due) if due.isdigit() else None)


# --- data-subject requests --------------------------------------------------------------------------------

@org_view("privacy.request.view")
@require_GET
def request_list(request: OrgRequest) -> HttpResponse:
    form = RequestFilterForm(request.GET or None)
    filters = _request_filter(form)
    page = Paginator(selectors_requests.requests(request.org, filters), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"form": form, "page": page, "filtered": filters != selectors_requests.RequestFilter(),
               "query": query_string(request), "personal": _personal(request)}
    return push_clean_url(request, render_page(request, "privacy/requests/list.html",
                                               "privacy/requests/_list_results.html", context))


def _request_page(request: OrgRequest, obj: DataSubjectRequest, *, status: int = 200, **forms: Any) -> HttpResponse:
    context = {
        "req": obj, "pauses": list(obj.pauses.all()), "personal": _personal(request),
        "pause_form": forms.get("pause_form") or PauseForm(auto_id="pause-%s"),
        "resume_form": forms.get("resume_form") or ResumeForm(auto_id="resume-%s"),
        "extend_form": forms.get("extend_form") or ExtendForm(auto_id="extend-%s"),
        "close_form": forms.get("close_form") or CloseForm(auto_id="close-%s"),
        "history": object_history(request.org, obj),
    }
    return render(request, "privacy/requests/detail.html", context, status=status)


@org_view("privacy.request.view")
@require_GET
def request_detail(request: OrgRequest, request_id: int) -> HttpResponse:
    return _request_page(request, selectors_requests.access_request(request.org, request_id))


def _request_form(request: OrgRequest, form: RequestForm, obj: DataSubjectRequest | None) -> HttpResponse:
    return render(request, "privacy/requests/form.html", {"form": form, "req": obj},
                  status=422 if form.errors else 200)


@org_view("privacy.request.change")
@require_http_methods(["GET", "POST"])
def request_create(request: OrgRequest) -> HttpResponse:
    form = RequestForm(request.org, request.POST or None, personal=_personal(request))
    if request.method == "POST" and form.is_valid():
        try:
            obj = services_requests.do_create_request(request.user, request.org, form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("%(ref)s recorded; due on %(date)s.") % {"ref": obj.ref, "date": obj.due_on})
            return go(request, _request_url(request, obj))
    return _request_form(request, form, None)


@org_view("privacy.request.change")
@require_http_methods(["GET", "POST"])
def request_edit(request: OrgRequest, request_id: int) -> HttpResponse:
    obj = selectors_requests.access_request(request.org, request_id)
    form = RequestForm(request.org, request.POST or None, personal=_personal(request), current=obj)
    if request.method == "POST" and form.is_valid():
        try:
            services_requests.do_update_request(request.user, request.org, obj, form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("%(ref)s saved.") % {"ref": obj.ref})
            return go(request, _request_url(request, obj))
    return _request_form(request, form, obj)


def _act(request: OrgRequest, request_id: int, form_name: str, form: Any, act: Any, done: str) -> HttpResponse:
    """A request's action posted from its page: the service on success (back to the page with `done`), the page
    again with the form's errors (422) otherwise."""
    obj = selectors_requests.access_request(request.org, request_id)
    if form.is_valid():
        try:
            act(obj, form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, done % {"ref": obj.ref})
            return go(request, _request_url(request, obj))
    return _request_page(request, obj, status=422, **{form_name: form})


@org_view("privacy.request.change")
@require_POST
def request_pause(request: OrgRequest, request_id: int) -> HttpResponse:
    return _act(request, request_id, "pause_form", PauseForm(request.POST, auto_id="pause-%s"),
                lambda obj, data: services_requests.do_pause_request(request.user, request.org, obj, **data),
                _("%(ref)s: the clock is paused while identity is checked."))


@org_view("privacy.request.change")
@require_POST
def request_resume(request: OrgRequest, request_id: int) -> HttpResponse:
    return _act(request, request_id, "resume_form", ResumeForm(request.POST, auto_id="resume-%s"),
                lambda obj, data: services_requests.do_resume_request(request.user, request.org, obj, **data),
                _("%(ref)s: the clock runs again."))


@org_view("privacy.request.change")
@require_POST
def request_extend(request: OrgRequest, request_id: int) -> HttpResponse:
    return _act(request, request_id, "extend_form", ExtendForm(request.POST, auto_id="extend-%s"),
                lambda obj, data: services_requests.do_extend_request(request.user, request.org, obj, **data),
                _("%(ref)s extended by two further months."))


@org_view("privacy.request.change")
@require_POST
def request_close(request: OrgRequest, request_id: int) -> HttpResponse:
    return _act(request, request_id, "close_form", CloseForm(request.POST, auto_id="close-%s"),
                lambda obj, data: services_requests.do_close_request(request.user, request.org, obj, **data),
                _("%(ref)s closed."))


# --- breaches ---------------------------------------------------------------------------------------------

@org_view("privacy.breach.view")
@require_GET
def breach_list(request: OrgRequest) -> HttpResponse:
    awaiting = request.GET.get("awaiting") == "1"
    found = selectors_breaches.breaches(request.org, selectors_breaches.BreachFilter(awaiting=awaiting))
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"page": page, "awaiting": awaiting, "filtered": awaiting, "query": query_string(request)}
    return render_page(request, "privacy/breaches/list.html", "privacy/breaches/_list_results.html", context)


def _breach_page(request: OrgRequest, obj: Breach, *, status: int = 200,
                 notification_form: NotificationForm | None = None) -> HttpResponse:
    notifications = list(obj.notifications.all())
    first = notifications[0].sent_at if notifications else None
    context = {
        "breach": obj, "notifications": notifications,
        "checklist": [(label, getattr(obj, name) not in (None, "")) for name, label in _content_labels()],
        "late": rules_deadlines.notified_late(obj.notify_authority_by, first),
        "deadline_passed": selectors_breaches.overdue_now(obj),
        "notification_form": notification_form or NotificationForm(auto_id="notify-%s"),
        "history": object_history(request.org, obj),
    }
    return render(request, "privacy/breaches/detail.html", context, status=status)


def _content_labels() -> list[tuple[str, str]]:
    labels = {"nature": _("The nature of the breach"), "subject_categories": _("Categories of data subjects"),
              "subjects_approx": _("Approximate number of data subjects"),
              "record_categories": _("Categories of personal data records"),
              "records_approx": _("Approximate number of records"), "dpo_contact": _("DPO or contact point"),
              "likely_consequences": _("Likely consequences"), "measures": _("Measures taken or proposed")}
    return [(name, labels[name]) for name, _text in CONTENT_ITEMS]


@org_view("privacy.breach.view")
@require_GET
def breach_detail(request: OrgRequest, breach_id: int) -> HttpResponse:
    return _breach_page(request, selectors_breaches.access_breach(request.org, breach_id))


def _breach_form(request: OrgRequest, form: BreachForm, obj: Breach | None) -> HttpResponse:
    return render(request, "privacy/breaches/form.html", {"form": form, "breach": obj},
                  status=422 if form.errors else 200)


@org_view("privacy.breach.change")
@require_http_methods(["GET", "POST"])
def breach_create(request: OrgRequest) -> HttpResponse:
    form = BreachForm(request.org, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            obj = services_breaches.do_open_breach(request.user, request.org, form.data_for_service())
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("%(ref)s recorded.") % {"ref": obj.ref})
            return go(request, _breach_url(request, obj))
    return _breach_form(request, form, None)


@org_view("privacy.breach.change")
@require_http_methods(["GET", "POST"])
def breach_edit(request: OrgRequest, breach_id: int) -> HttpResponse:
    obj = selectors_breaches.access_breach(request.org, breach_id)
    form = BreachForm(request.org, request.POST or None, current=obj)
    if request.method == "POST" and form.is_valid():
        try:
            services_breaches.do_update_breach(request.user, request.org, obj, form.data_for_service())
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("%(ref)s saved.") % {"ref": obj.ref})
            return go(request, _breach_url(request, obj))
    return _breach_form(request, form, obj)


@org_view("privacy.breach.change")
@require_POST
def breach_notification_add(request: OrgRequest, breach_id: int) -> HttpResponse:
    obj = selectors_breaches.access_breach(request.org, breach_id)
    form = NotificationForm(request.POST, auto_id="notify-%s")
    if form.is_valid():
        try:
            made = services_breaches.do_add_breach_notification(request.user, request.org, obj, form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Phase %(phase)s of the notification of %(ref)s recorded.")
                             % {"phase": made.phase, "ref": obj.ref})
            return go(request, _breach_url(request, obj) + "#notifications")
    return _breach_page(request, obj, status=422, notification_form=form)
