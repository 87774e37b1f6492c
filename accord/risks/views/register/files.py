"""The register as a file: export (CSV or XLSX) and import, all or nothing."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accord.core.web import OrgRequest, apply_errors, org_view
from accord.risks import io as risk_files
from accord.risks import selectors, services
from accord.risks.choices import Level
from accord.risks.forms import ImportForm
from accord.risks.services import ImportRejected, ImportReport
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


PREVIEW_ROWS = 500


@org_view("risk.import")
@require_http_methods(["GET", "POST"])
def import_risks(request: OrgRequest) -> HttpResponse:
    """Upload a file; "Preview" shows what each row would do and writes nothing, "Import" writes it."""
    org = request.org
    form = ImportForm(request.POST or None, request.FILES or None)
    report: ImportReport | None = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        preview = "preview" in request.POST
        try:
            report = services.do_import_risks(request.user, org, risk_files.parse_upload(upload, upload.name),
                                              dry_run=preview)
        except ImportRejected as exc:
            report = exc.report
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            if not preview:
                messages.success(request, _("Imported %(name)s: %(summary)s.")
                                          % {"name": upload.name, "summary": report.summary()})
                return redirect("risks:list", org=org.slug)
    optional = [c for c in risk_files.COLUMNS if c not in risk_files.REQUIRED_COLUMNS
                and c not in risk_files.READ_ONLY_COLUMNS and c != risk_files.KEY_COLUMN]
    # A refused file shows its problems; a preview every row's outcome (up to PREVIEW_ROWS of them).
    shown = list(report.rows) if report and not report.problems else []
    context = {"form": form, "report": report, "shown": shown[:PREVIEW_ROWS],
               "hidden": max(0, len(shown) - PREVIEW_ROWS), "columns": optional,
               "ignored": risk_files.READ_ONLY_COLUMNS, "required": risk_files.REQUIRED_COLUMNS,
               "categories": selectors.categories(org, active_only=True), "levels": Level.values}
    return render(request, "risks/import.html", context)
