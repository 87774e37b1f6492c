"""REST API of the jobs kit: the organisation's jobs the caller may follow, one job's status, its file."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from accord.core.apikit import ERRORS, Id, Pagination, org_access
from accord.core.jobs import selectors
from accord.core.jobs.models import Job
from accord.core.jobs.runner import progress_of
from accord.core.jobs.views import file_response

router = Router(tags=["jobs"])


def job_url(job: Job) -> str:
    """The API address of `job`'s status (what a 202 answer's `Location` names)."""
    return reverse("api:get_job", kwargs={"org": job.organization.slug, "job_id": job.pk}).rstrip("/") + "/"


def queued(response: HttpResponse, job: Job) -> Status[Job]:
    """The answer of an operation that queued `job`: 202, the job, and its address in `Location`."""
    response["Location"] = job_url(job)
    return Status(202, job)


class JobOut(Schema):
    id: int
    url: str = Field(description="Where to follow it: /api/v1/orgs/{org}/jobs/{id}/")
    kind: str = Field(description="What the job does, e.g. risks.import")
    label: str = Field(description="The kind as people read it")
    status: Literal["queued", "running", "done", "failed"]
    progress: int = Field(description="0 to 100; 100 once done")
    progress_message: str = Field(description="What a running job is doing, as it last said")
    error: str = Field(description="Why it failed (failed), or why it is retried (queued again); else empty")
    attempts: int = Field(description="Runs started so far")
    max_attempts: int
    parameters: dict[str, Any]
    result: dict[str, Any] | None = Field(
        description="What the job gave (done), or what its refusal names in the same shape (failed, for kinds that "
                    "say more than `error`: an import's refused rows); null before, or when it gives none")
    has_file: bool = Field(description="The job left a file: GET .../jobs/{id}/file/ downloads it")
    requested_by: str | None = Field(description="The e-mail address of who asked; null once they have no account")
    created_at: dt.datetime
    started_at: dt.datetime | None
    finished_at: dt.datetime | None

    @staticmethod
    def resolve_url(obj: Job) -> str:
        return job_url(obj)

    @staticmethod
    def resolve_label(obj: Job) -> str:
        return selectors.label_of(obj)

    @staticmethod
    def resolve_progress(obj: Job) -> int:
        return progress_of(obj)[0]

    @staticmethod
    def resolve_progress_message(obj: Job) -> str:
        return progress_of(obj)[1]

    @staticmethod
    def resolve_has_file(obj: Job) -> bool:
        return bool(obj.result_file)

    @staticmethod
    def resolve_requested_by(obj: Job) -> str | None:
        return obj.user.email if obj.user is not None else None


@router.get("/{org}/jobs/", response={200: list[JobOut], **ERRORS}, summary="Background jobs",
            operation_id="accord_core_api_list_jobs")
@paginate(Pagination)
def list_jobs(request: HttpRequest, org: str) -> QuerySet[Job]:
    """The jobs the caller asked for and those of kinds the caller's role may run, newest first."""
    m = org_access(request, org, "job.view")
    return selectors.jobs(m.organization, m)


@router.get("/{org}/jobs/{job_id}", response={200: JobOut, **ERRORS}, include_in_schema=False,
            operation_id="get_job_alias")
@router.get("/{org}/jobs/{job_id}/", response={200: JobOut, **ERRORS}, summary="One job's status",
            operation_id="accord_core_api_get_job")
def get_job(request: HttpRequest, org: str, job_id: Id) -> Job:
    """Queued, running (with its progress), done (with its result) or failed (with why)."""
    m = org_access(request, org, "job.view")
    return selectors.access_job(m.organization, m, job_id)


@router.get("/{org}/jobs/{job_id}/file/", response=ERRORS, summary="A job's result file",
            openapi_extra={"responses": {"200": {"description": "The file, as the job left it (a PDF, a CSV, ...)",
                                                 "content": {"*/*": {"schema": {"type": "string",
                                                                                "format": "binary"}}}}}},
            operation_id="accord_core_api_get_job_file")
def get_job_file(request: HttpRequest, org: str, job_id: Id) -> HttpResponse:
    """The file a done job left (a report, an export); 404 when it left none."""
    m = org_access(request, org, "job.view")
    job = selectors.access_job(m.organization, m, job_id)
    if not job.result_file:
        raise Http404("This job has no result file.")
    return file_response(job)
