"""REST API of the report pipeline: ask for a report; the answer is the job, whose file is the PDF."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from ninja import Router, Status

from accord.core import reports
from accord.core.apikit import ERRORS, org_access
from accord.core.jobs.api import JobOut, queued
from accord.core.jobs.models import Job
from accord.core.permissions import require
from accord.core.reports.services import do_request_report

router = Router(tags=["reports"])


@router.post("/{org}/reports/{name}/", response={202: JobOut, **ERRORS}, summary="Ask for a PDF report",
             operation_id="accord_core_api_request_report")
def request_report(request: HttpRequest, response: HttpResponse, org: str, name: str) -> Status[Job]:
    """Queue the report `name` (`register`: the risk register and its money view) as a background job and
    answer it (202, its address in `Location`). Follow it at `GET .../jobs/{id}/`; once `done`,
    `GET .../jobs/{id}/file/` is the PDF. Asked again while that job is queued or running, the same job."""
    m = org_access(request, org, "organization.view")
    try:
        report = reports.get(name)
    except reports.UnknownReport:
        raise Http404("No such report.") from None
    require(m.role, report.action)
    return queued(response, do_request_report(m.user, m.organization, report.name))
