"""The Statement of Applicability page (o/<org>/compliance/soa/): every Annex A control of the organisation's
ISO 27001 framework by theme, with its applicability, justification, status and linked controls, filters and
counts per status; each row opens in place as a small form (applicability first and focused; Enter saves and
opens the next control; Cancel puts the row back), as on the audit page. Its XLSX export; the PDF is the
reports kit's job (`core:report` with `soa`). Thin: each parses input, calls one service or selector, renders."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from accord.compliance import exports_soa
from accord.compliance import selectors_soa as selectors
from accord.compliance import services_soa as services
from accord.compliance.forms_soa import SoaEntryForm, SoaFilterForm
from accord.compliance.models import Group
from accord.core.permissions import allows
from accord.core.selectors import object_history
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

#: Annex A controls on one page of the SoA (ISO 27001's 93 fit one; a larger framework pages, its queries the same).
SOA_PAGE = 100


def _may_change(request: OrgRequest) -> bool:
    return allows(request.membership.role, "soa.change")


def _soa_url(request: OrgRequest) -> str:
    return reverse("compliance:soa", kwargs={"org": request.org.slug})


def _themes(rows: list[selectors.SoaRow]) -> list[tuple[Group, list[selectors.SoaRow]]]:
    """The rows by theme, in order (a theme's rows are contiguous: the framework's order)."""
    out: list[tuple[Group, list[selectors.SoaRow]]] = []
    for row in rows:
        if not out or out[-1][0].pk != row.theme.pk:
            out.append((row.theme, []))
        out[-1][1].append(row)
    return out


@org_view("soa.view")
@require_GET
def soa_page(request: OrgRequest) -> HttpResponse:
    whole = selectors.soa(request.org)
    form = SoaFilterForm(whole.themes, request.GET or None)
    shown, flt = whole, selectors.SoaFilter()
    if form.is_valid():
        flt = selectors.SoaFilter(**form.cleaned_data)
        shown = whole.narrowed(flt)
    page = Paginator(shown.rows, SOA_PAGE).get_page(request.GET.get("page"))
    context: dict[str, Any] = {
        "soa": whole, "themes": _themes(list(page.object_list)), "page": page, "filter_form": form,
        "query": query_string(request), "filtered": bool(flt.theme or flt.applicable or flt.status),
        "shown_count": len(shown.rows), "editing": _may_change(request)}
    response = render_page(request, "compliance/soa/page.html", "compliance/soa/_table.html", context)
    return push_clean_url(request, response) if wants_partial(request) else response


@org_view("soa.view")
@require_GET
def soa_export(request: OrgRequest) -> HttpResponse:
    content, content_type, filename = exports_soa.export(request.org, "xlsx")
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    # The same workbook either way; the header only says so to a cache.
    return vary_on_htmx(response)


def _row(request: OrgRequest, row: selectors.SoaRow, *, form: SoaEntryForm | None = None,
         oob: bool = False) -> str:
    template = "compliance/soa/_row_form.html" if form is not None else "compliance/soa/_row.html"
    return render_to_string(template, {"row": row, "form": form, "oob": oob, "editing": _may_change(request)},
                            request=request)


def _entry_form(row: selectors.SoaRow, data: Any = None) -> SoaEntryForm:
    return SoaEntryForm(data, auto_id=f"soa-{row.requirement.pk}-%s", initial={
        "applicable": "yes" if row.applicable else "no", "reasons": row.reasons,
        "justification": row.justification})


@org_view("soa.view")
@require_GET
def soa_row(request: OrgRequest, ref: str) -> HttpResponse:
    """htmx: the row (Cancel puts it back). Otherwise the control's page in the SoA, with its history."""
    row = selectors.soa_row(request.org, ref)
    if wants_partial(request):
        return vary_on_htmx(HttpResponse(_row(request, row)))
    history = object_history(request.org, row.entry) if row.entry is not None else []
    return vary_on_htmx(render(request, "compliance/soa/entry.html", {
        "row": row, "history": history, "editing": _may_change(request)}))


@org_view("soa.change")
@require_http_methods(["GET", "POST"])
def soa_edit(request: OrgRequest, ref: str) -> HttpResponse:
    """GET: the row as a form (htmx swaps it in place; without htmx, a page of its own). POST: save it; with
    `next`, the following Annex A control's row opens as a form too."""
    row = selectors.soa_row(request.org, ref)
    form = _entry_form(row, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.do_set_soa_entry(request.user, request.org, ref, form.service_data())
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            if not wants_partial(request):
                return go(request, _soa_url(request) + f"#soa-{saved.requirement.pk}")
            html = _row(request, saved)
            following = selectors.next_row(request.org, saved) if request.POST.get("next") else None
            if following is not None:
                html += _row(request, following, form=_entry_form(following), oob=True)
            return vary_on_htmx(HttpResponse(html))
    if wants_partial(request):
        return vary_on_htmx(HttpResponse(_row(request, row, form=form)))
    return vary_on_htmx(render(request, "compliance/soa/edit.html", {"row": row, "form": form},
                               status=422 if form.errors else 200))
