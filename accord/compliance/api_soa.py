"""The Statement of Applicability over the API: the list (every Annex A control of the organisation's ISO 27001
framework, filtered by theme, applicability and status), one control's statement (read, and PATCH its
applicability, reasons and justification), and the export: XLSX at once (GET), PDF through the reports kit's
background job (POST, answered with the job)."""

import datetime as dt
from typing import Annotated, Literal

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from ninja import Field, Path, Query, Router, Schema, Status
from ninja.pagination import paginate

from accord.compliance import exports_soa
from accord.compliance import selectors_soa as selectors
from accord.compliance import services_soa as services
from accord.compliance.choices import ControlStatus, SoaReason, SoaStatus
from accord.compliance.reports_soa import SOA
from accord.core.apikit import ERRORS, BodyIn, ErrorOut, Pagination, TextIn, org_access
from accord.core.jobs.api import JobOut, queued
from accord.core.jobs.models import Job
from accord.core.reports.services import do_request_report

router = Router(tags=["soa"])

Ref = Annotated[str, Path(description="The Annex A control's id (`A.8.24`)", max_length=100)]


class SoaControlOut(Schema):
    id: int
    ref: str = Field(description="`C-001`")
    name: str
    status: ControlStatus


class SoaRowOut(Schema):
    ref: str = Field(description="The Annex A control's id (`A.8.24`)")
    title: str
    theme: str = Field(description="Its theme's id (`A.8`)")
    theme_title: str
    applicable: bool = Field(description="False when the organisation excludes it; true without a statement")
    justified: bool = Field(description="Whether the organisation has written its statement (false: applicable, not "
                                        "yet justified)")
    reasons: list[SoaReason] = Field(description="Why it is included")
    justification: str
    status: SoaStatus = Field(description="From the linked controls (docs/soa.md#status): not_applicable, "
                                          "not_implemented, planned, in_progress, implemented")
    controls: list[SoaControlOut] = Field(description="The organisation's controls linked to it (not retired ones "
                                                      "count for the status)")
    updated_at: dt.datetime | None
    updated_by: str | None = Field(description="Who last wrote the statement (e-mail address); null for the system "
                                               "or when none is written")

    @staticmethod
    def resolve_title(obj: selectors.SoaRow) -> str:
        return obj.requirement.title

    @staticmethod
    def resolve_theme(obj: selectors.SoaRow) -> str:
        return obj.theme.ref

    @staticmethod
    def resolve_theme_title(obj: selectors.SoaRow) -> str:
        return obj.theme.title

    @staticmethod
    def resolve_controls(obj: selectors.SoaRow) -> list[dict[str, object]]:
        return [{"id": c.pk, "ref": c.ref, "name": c.name, "status": c.status} for c in obj.controls]

    @staticmethod
    def resolve_updated_at(obj: selectors.SoaRow) -> dt.datetime | None:
        return obj.entry.updated_at if obj.entry is not None else None

    @staticmethod
    def resolve_updated_by(obj: selectors.SoaRow) -> str | None:
        return obj.entry.updated_by.email if obj.entry is not None and obj.entry.updated_by else None


class SoaQuery(TextIn):
    theme: str = Field("", max_length=100, description="Only this theme's controls (`A.8`)")
    applicable: Literal["", "yes", "no"] = Field("", description="yes or no")
    status: SoaStatus | Literal[""] = Field("", description="Only the controls of this status")


class SoaChange(BodyIn):
    applicable: bool | None = Field(None, description="False leaves it out (a justification is then required)")
    reasons: list[SoaReason] | None = Field(None, description="Why it is included (replaces the list)")
    justification: str | None = Field(None, max_length=5000)


class SoaExportQuery(TextIn):
    format: str = Field("xlsx", max_length=10, description="xlsx (the PDF: POST)")


class PrintQuery(TextIn):
    format: str = Field("pdf", max_length=10, description="pdf (the XLSX: GET)")


@router.get("/{org}/soa/", response={200: list[SoaRowOut], **ERRORS}, summary="Statement of Applicability",
            operation_id="accord_compliance_api_list_soa")
@paginate(Pagination)
def list_soa(request: HttpRequest, org: str, filters: Query[SoaQuery]) -> list[selectors.SoaRow]:
    """Every Annex A control of the organisation's ISO 27001 framework (the newest version imported of
    `iso27001-2022`) in the framework's order; empty when it has none."""
    m = org_access(request, org, "soa.view")
    return selectors.soa(m.organization, selectors.SoaFilter(
        theme=filters.theme, applicable=filters.applicable, status=filters.status)).rows


@router.get("/{org}/soa/export", response={200: None, **ERRORS}, summary="Export the Statement of Applicability "
            "(XLSX)", operation_id="accord_compliance_api_export_soa",
            openapi_extra={"responses": {"200": {"description": "The workbook", "content": {
                exports_soa.XLSX: {"schema": {"type": "string", "format": "binary"}}}}}})
def export_soa(request: HttpRequest, org: str, options: Query[SoaExportQuery]) -> HttpResponse:
    """One row per Annex A control (docs/soa.md#exports). The PDF is printed in the background: POST here."""
    m = org_access(request, org, "soa.view")
    if options.format.strip().lower() == "pdf":
        raise ValidationError({"format": "The PDF is printed in the background: POST to this address with "
                                         "format=pdf, then follow the job."})
    content, content_type, filename = exports_soa.export(m.organization, options.format)
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@router.post("/{org}/soa/export", response={202: JobOut, 409: ErrorOut, **ERRORS},
             summary="Print the Statement of Applicability (PDF)", operation_id="accord_compliance_api_print_soa")
def print_soa(request: HttpRequest, response: HttpResponse, org: str, options: Query[PrintQuery]) -> Status[Job]:
    """Queue the PDF as a background job (the reports kit's `soa` report) and answer it (202, its address in
    `Location`); once `done`, `GET .../jobs/{id}/file/` is the PDF. Asked again while that job is queued or
    running, the same job. Only format=pdf (the XLSX is a GET)."""
    m = org_access(request, org, "soa.view")
    if options.format.strip().lower() != "pdf":
        raise ValidationError({"format": "POST prints the PDF (format=pdf); GET exports the XLSX."})
    return queued(response, do_request_report(m.user, m.organization, SOA))


@router.get("/{org}/soa/{ref}", response={200: SoaRowOut, **ERRORS}, summary="One Annex A control's statement",
            operation_id="accord_compliance_api_get_soa_entry")
def get_soa_entry(request: HttpRequest, org: str, ref: Ref) -> selectors.SoaRow:
    m = org_access(request, org, "soa.view")
    return selectors.soa_row(m.organization, ref)


@router.patch("/{org}/soa/{ref}", response={200: SoaRowOut, 409: ErrorOut, **ERRORS},
              summary="Change an Annex A control's statement", operation_id="accord_compliance_api_change_soa_entry")
def change_soa_entry(request: HttpRequest, org: str, ref: Ref, payload: SoaChange) -> selectors.SoaRow:
    """Fields not given keep their value. Not applicable needs a `justification`; applicable needs a reason or a
    justification (422 naming the field otherwise)."""
    m = org_access(request, org, "soa.view")
    selectors.soa_row(m.organization, ref)  # 404 before 403: another organisation's control is not there
    org_access(request, org, "soa.change")
    return services.do_set_soa_entry(m.user, m.organization, ref, payload.model_dump(exclude_unset=True))
