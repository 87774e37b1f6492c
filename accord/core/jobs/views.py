"""Web pages of the jobs kit: the organisation's jobs a member may follow, and one job's status, which
polls itself (htmx, every 2 s) until the job is done or failed."""

from __future__ import annotations

import mimetypes

from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.views.decorators.http import require_GET

from accord.core.jobs import selectors
from accord.core.jobs.models import Job
from accord.core.jobs.runner import progress_of
from accord.core.web import OrgRequest, org_view, render_page

PAGE_SIZE = 50


def job_context(job: Job) -> dict[str, object]:
    """What the status fragment shows of a job (`core/_job_status.html`, also included by other pages)."""
    percent, message = progress_of(job)
    return {"job": job, "label": selectors.label_of(job), "percent": percent, "progress_message": message}


def file_response(job: Job) -> HttpResponse:
    """A job's result file as a download (web and API): its name without the storage's folders."""
    name = job.result_file.name.rsplit("/", 1)[-1]
    with job.result_file.open("rb") as handle:
        response = HttpResponse(handle.read(), content_type=mimetypes.guess_type(name)[0] or "application/octet-stream")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@org_view("job.view")
@require_GET
def job_list(request: OrgRequest) -> HttpResponse:
    page = Paginator(selectors.jobs(request.org, request.membership), PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [job_context(job) for job in page.object_list]
    return render_page(request, "core/jobs.html", "core/jobs.html", {"page": page, "rows": rows})


@org_view("job.view")
@require_GET
def job_detail(request: OrgRequest, job_id: int) -> HttpResponse:
    job = selectors.access_job(request.org, request.membership, job_id)
    return render_page(request, "core/job.html", "core/_job_status.html", job_context(job))


@org_view("job.view")
@require_GET
def job_file(request: OrgRequest, job_id: int) -> HttpResponse:
    job = selectors.access_job(request.org, request.membership, job_id)
    if not job.result_file:
        raise Http404("This job has no result file.")
    return file_response(job)
