"""REST API of the report pipeline: ask for a report; the answer is the job, whose file is the PDF."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from ninja import Field, Router, Status

from accord.core import reports
from accord.core.apikit import ERRORS, BodyIn, org_access
from accord.core.jobs.api import JobOut, queued
from accord.core.jobs.models import Job
from accord.core.permissions import require
from accord.core.reports.services import do_request_report

router = Router(tags=["reports"])


class ReportRequestIn(BodyIn):
    parameters: dict[str, str] = Field(default_factory=dict, max_length=20, description=(
        "What the report is of, for a report that takes parameters (the incident report: "
        '`{"incident": "INC-001"}`); a report without parameters refuses any (422)'))


@router.post("/{org}/reports/{name}/", response={202: JobOut, **ERRORS}, summary="Ask for a PDF report",
             operation_id="accord_core_api_request_report")
def request_report(request: HttpRequest, response: HttpResponse, org: str, name: str,
                   payload: ReportRequestIn | None = None) -> Status[Job]:
    """Queue the report `name` (`register`: the risk register and its money view) as a background job and
    answer it (202, its address in `Location`), with its `parameters` when it takes some (`incident`, `dpia`:
    their references; 404 when they name nothing of the organisation). Follow it at `GET .../jobs/{id}/`; once `done`,
    `GET .../jobs/{id}/file/` is the PDF. Asked again while that job is queued or running, the same job."""
    m = org_access(request, org, "organization.view")
    try:
        report = reports.get(name)
    except reports.UnknownReport:
        raise Http404("No such report.") from None
    require(m.role, report.action)
    parameters = payload.parameters if payload is not None else {}
    return queued(response, do_request_report(m.user, m.organization, report.name, parameters))
