"""Web pages of the record of processing: the register (the share complete, each record's missing Art. 30 items),
an activity's page (every item, what it lacks, its systems, processors and transfers, its DPIA screening and the
form to answer it), and the whole record as XLSX or PDF. Thin: each parses input, calls one service or selector,
renders."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accord.core.clock import org_today
from accord.core.selectors import object_history
from accord.core.web import OrgRequest, apply_errors, go, org_view, render_page
from accord.privacy import exports_ropa, selectors_ropa, services_ropa
from accord.privacy.choices_ropa import ScreeningOutcome
from accord.privacy.forms_ropa import ScreeningForm
from accord.privacy.models_ropa import ProcessingActivity

PAGE_SIZE = 50


@org_view("privacy.ropa.view")
@require_GET
def ropa_register(request: OrgRequest) -> HttpResponse:
    page = Paginator(selectors_ropa.activities(request.org), PAGE_SIZE).get_page(request.GET.get("page"))
    register = selectors_ropa.register(request.org, page.object_list)
    return render_page(request, "privacy/ropa/register.html", "privacy/ropa/_register_rows.html",
                       {"register": register, "page": page, "rows": register.rows})


def _activity_page(request: OrgRequest, activity: ProcessingActivity, form: ScreeningForm) -> HttpResponse:
    row = selectors_ropa.RegisterRow(activity, selectors_ropa.completeness(activity, org_today(request.org)))
    context = {"activity": activity, "row": row, "screening": selectors_ropa.screening_of(activity), "form": form,
               "history": object_history(request.org, activity)}
    return render(request, "privacy/ropa/activity.html", context, status=422 if form.errors else 200)


@org_view("privacy.ropa.view")
@require_GET
def activity_detail(request: OrgRequest, activity_id: int) -> HttpResponse:
    activity = selectors_ropa.access_activity(request.org, activity_id)
    form = ScreeningForm(initial={"criteria": activity.screening_criteria, "cases": activity.screening_cases,
                                  "exception": activity.screening_exception})
    return _activity_page(request, activity, form)


@org_view("privacy.ropa.screen")
@require_POST
def activity_screen(request: OrgRequest, activity_id: int) -> HttpResponse:
    activity = selectors_ropa.access_activity(request.org, activity_id)
    form = ScreeningForm(request.POST)
    if form.is_valid():
        try:
            result = services_ropa.do_screen_activity(
                request.user, request.org, activity, criteria=form.cleaned_data["criteria"],
                cases=form.cleaned_data["cases"], exception=form.cleaned_data["exception"])
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("%(ref)s screened: %(outcome)s.") % {
                "ref": activity.ref, "outcome": ScreeningOutcome(result.outcome.value).label})
            return go(request, reverse("ropa:activity", kwargs={"org": request.org.slug,
                                                                "activity_id": activity.pk}))
    return _activity_page(request, selectors_ropa.access_activity(request.org, activity_id), form)


@org_view("privacy.ropa.export")
@require_GET
def ropa_export(request: OrgRequest) -> HttpResponse:
    fmt = request.GET.get("format", "xlsx")
    if fmt not in exports_ropa.FORMATS:
        fmt = "xlsx"
    content, content_type, filename = exports_ropa.export(request.org, fmt)
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
