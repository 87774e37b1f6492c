"""The register as a file: export (CSV or XLSX) and import, all or nothing, as a background job."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from accord.core.tables.following import PREVIEW_ROWS, followed_import
from accord.core.web import OrgRequest, apply_errors, go, org_view, render_page, vary_on_htmx, wants_partial
from accord.risks import io as risk_files
from accord.risks import selectors, services
from accord.risks.choices import Level
from accord.risks.forms import ImportForm
from accord.risks.jobs import IMPORT, do_queue_risk_import
from accord.risks.services import ImportReport
from accord.risks.views.register.common import filter_form


@org_view("risk.export")
@require_GET
def export(request: OrgRequest) -> HttpResponse:
    filters = filter_form(request).to_filter()
    try:
        fmt = request.GET.get("format", "csv")
        content, content_type, filename = risk_files.export_register(request.org, filters, fmt)
    except ValidationError as exc:
        return HttpResponseBadRequest(" ".join(exc.messages), content_type="text/plain; charset=utf-8")
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response




def _import_job(request: OrgRequest) -> dict[str, Any] | None:
    """The import job `?job=` names, as its part of the page shows it (None without one)."""
    if "job" not in request.GET:
        return None
    return followed_import(request.org, request.membership, request.GET["job"], IMPORT)


@org_view("risk.import")
@require_http_methods(["GET", "POST"])
def import_risks(request: OrgRequest) -> HttpResponse:
    """Upload a file; "Preview" shows what each row would do and writes nothing, "Import" queues it as a job
    (decision 0046) and the page follows it (`?job=`): its progress, then each row's outcome or every refused
    row."""
    org = request.org
    form = ImportForm(request.POST or None, request.FILES or None)
    report: ImportReport | None = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if "preview" not in request.POST:
            job = do_queue_risk_import(request.user, org, upload.read(), upload.name)
            return go(request, reverse("risks:import", kwargs={"org": org.slug}) + f"?job={job.pk}")
        try:
            report = services.do_import_risks(request.user, org, risk_files.parse_upload(upload, upload.name),
                                              dry_run=True)
        except ValidationError as exc:
            apply_errors(form, exc)
    imported = _import_job(request)
    if imported is not None and wants_partial(request):  # the job's part polling itself
        return render_page(request, "risks/import.html", "risks/_import_job.html", {"imported": imported})
    optional = [c for c in risk_files.COLUMNS if c not in risk_files.REQUIRED_COLUMNS
                and c not in risk_files.READ_ONLY_COLUMNS and c != risk_files.KEY_COLUMN]
    # A refused preview shows its problems; a preview every row's outcome (up to PREVIEW_ROWS of them).
    shown = list(report.rows) if report and not report.problems else []
    context = {"form": form, "report": report, "shown": shown[:PREVIEW_ROWS], "imported": imported,
               "hidden": max(0, len(shown) - PREVIEW_ROWS), "columns": optional,
               "ignored": risk_files.READ_ONLY_COLUMNS, "required": risk_files.REQUIRED_COLUMNS,
               "categories": selectors.categories(org, active_only=True), "levels": Level.values}
    return vary_on_htmx(render(request, "risks/import.html", context))
