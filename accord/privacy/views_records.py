"""Web pages that write the record of processing: add and change a processing activity; the processors (Art. 28)
with their contract checklist and the transfers outside the EEA, each listed with what it still lacks, added and
changed. Thin: each parses the form, calls the service the API calls, renders."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.forms import Form
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accord.core.clock import org_today
from accord.core.selectors import object_history
from accord.core.web import OrgRequest, apply_errors, go, org_view
from accord.privacy import selectors_ropa, services_processors, services_ropa
from accord.privacy.forms_records import ActivityForm, ProcessorForm, TransferForm

PAGE_SIZE = 50


def _form_page(request: OrgRequest, form: Form, *, title: str, back: str, submit: str,
               history: Any = None) -> HttpResponse:
    context = {"form": form, "title": title, "back": back, "submit": submit, "history": history}
    return render(request, "privacy/records/form.html", context, status=422 if form.errors else 200)


def _write(request: OrgRequest, form: Any, write: Callable[[dict[str, Any]], Any],
           url: Callable[[Any], str], *, created: bool) -> HttpResponse | None:
    """Hand a posted, valid form to its service: on success, say so and go to `url(the object)`; a refusal
    marks the form's fields (None: show the form again)."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        obj = write(form.data_for_service())
    except ValidationError as exc:
        apply_errors(form, exc)
        return None
    text = _("%(ref)s recorded.") if created else _("%(ref)s saved.")
    messages.success(request, text % {"ref": obj.ref})
    return go(request, url(obj))


# --- activities -------------------------------------------------------------------------------------------------

def _activity_url(request: OrgRequest, activity: Any) -> str:
    return reverse("ropa:activity", kwargs={"org": request.org.slug, "activity_id": activity.pk})


@org_view("privacy.ropa.change")
@require_http_methods(["GET", "POST"])
def activity_create(request: OrgRequest) -> HttpResponse:
    form = ActivityForm(request.org, request.POST or None)
    done = _write(request, form, lambda data: services_ropa.do_create_activity(request.user, request.org, data),
                  lambda obj: _activity_url(request, obj), created=True)
    return done or _form_page(request, form, title=_("Add a processing activity"), submit=_("Add the activity"),
                      back=reverse("ropa:register", kwargs={"org": request.org.slug}))


@org_view("privacy.ropa.change")
@require_http_methods(["GET", "POST"])
def activity_edit(request: OrgRequest, activity_id: int) -> HttpResponse:
    activity = selectors_ropa.access_activity(request.org, activity_id)
    form = ActivityForm(request.org, request.POST or None, current=activity)
    done = _write(request, form, lambda data: services_ropa.do_update_activity(request.user, request.org, activity,
                                                                              data),
                  lambda obj: _activity_url(request, obj), created=False)
    title = _("Edit %(ref)s %(name)s") % {"ref": activity.ref, "name": activity.name}
    return done or _form_page(request, form, title=title, submit=_("Save"), back=_activity_url(request, activity))


# --- processors -------------------------------------------------------------------------------------------------

def _processors_url(request: OrgRequest, processor: Any = None) -> str:
    url = reverse("ropa:processors", kwargs={"org": request.org.slug})
    return f"{url}#processor-{processor.pk}" if processor is not None else url


@org_view("privacy.ropa.view")
@require_GET
def processor_list(request: OrgRequest) -> HttpResponse:
    page = Paginator(selectors_ropa.processors(request.org), PAGE_SIZE).get_page(request.GET.get("page"))
    today = org_today(request.org)
    rows = [{"processor": p, "missing": len(selectors_ropa.missing_clauses(p)),
             "review_due": selectors_ropa.processor_review_due(p, today)} for p in page.object_list]
    return render(request, "privacy/records/processors.html", {"page": page, "rows": rows})


@org_view("privacy.ropa.change")
@require_http_methods(["GET", "POST"])
def processor_create(request: OrgRequest) -> HttpResponse:
    form = ProcessorForm(request.org, request.POST or None)
    done = _write(request, form, lambda data: services_processors.do_create_processor(request.user, request.org,
                                                                                     data),
                  lambda obj: _processors_url(request, obj), created=True)
    return done or _form_page(request, form, title=_("Add a processor"), submit=_("Add the processor"),
                      back=_processors_url(request))


@org_view("privacy.ropa.change")
@require_http_methods(["GET", "POST"])
def processor_edit(request: OrgRequest, processor_id: int) -> HttpResponse:
    processor = selectors_ropa.access_processor(request.org, processor_id)
    form = ProcessorForm(request.org, request.POST or None, current=processor)
    done = _write(request, form, lambda data: services_processors.do_update_processor(request.user, request.org,
                                                                                     processor, data),
                  lambda obj: _processors_url(request, obj), created=False)
    title = _("Edit %(ref)s %(name)s") % {"ref": processor.ref, "name": processor.name}
    return done or _form_page(request, form, title=title, submit=_("Save"), back=_processors_url(request, processor),
                      history=object_history(request.org, processor))


# --- transfers --------------------------------------------------------------------------------------------------

def _transfers_url(request: OrgRequest, transfer: Any = None) -> str:
    url = reverse("ropa:transfers", kwargs={"org": request.org.slug})
    return f"{url}#transfer-{transfer.pk}" if transfer is not None else url


@org_view("privacy.ropa.view")
@require_GET
def transfer_list(request: OrgRequest) -> HttpResponse:
    page = Paginator(selectors_ropa.transfers(request.org), PAGE_SIZE).get_page(request.GET.get("page"))
    today = org_today(request.org)
    rows = [{"transfer": t, "issues": selectors_ropa.transfer_issues(t, today),
             "adequacy": selectors_ropa.adequacy_of(t)} for t in page.object_list]
    return render(request, "privacy/records/transfers.html", {"page": page, "rows": rows})


@org_view("privacy.ropa.change")
@require_http_methods(["GET", "POST"])
def transfer_create(request: OrgRequest) -> HttpResponse:
    form = TransferForm(request.org, request.POST or None)
    done = _write(request, form, lambda data: services_processors.do_create_transfer(request.user, request.org, data),
                  lambda obj: _transfers_url(request, obj), created=True)
    return done or _form_page(request, form, title=_("Record a transfer"), submit=_("Record the transfer"),
                      back=_transfers_url(request))


@org_view("privacy.ropa.change")
@require_http_methods(["GET", "POST"])
def transfer_edit(request: OrgRequest, transfer_id: int) -> HttpResponse:
    transfer = selectors_ropa.access_transfer(request.org, transfer_id)
    form = TransferForm(request.org, request.POST or None, current=transfer)
    done = _write(request, form, lambda data: services_processors.do_update_transfer(request.user, request.org,
                                                                                    transfer, data),
                  lambda obj: _transfers_url(request, obj), created=False)
    return done or _form_page(request, form, title=_("Edit %(ref)s") % {"ref": transfer.ref}, submit=_("Save"),
                      back=_transfers_url(request, transfer), history=object_history(request.org, transfer))
