"""An import job as an import page follows it (decision 0046): its progress while queued or running, then
what it did to each row (done) or every refused row (failed), read from the job's result (the report's data,
`ImportReport.as_data`). Every app's import page shows it with the `core/_import_job.html` fragment."""

from __future__ import annotations

from typing import Any

from django.http import Http404

from accord.core.choices import ImportAction
from accord.core.jobs import selectors as job_selectors
from accord.core.jobs.runner import progress_of
from accord.core.models import Membership, Organization

#: The most rows a page lists of a done import (the API's job result has them all).
PREVIEW_ROWS = 500


def followed_import(org: Organization, membership: Membership, job_id: str, kind: str) -> dict[str, Any]:
    """The import job `job_id` of `kind` as its part of the page shows it. Another kind's job, or one the
    member may not follow, answers 404."""
    job = job_selectors.access_job(org, membership, job_id)
    if job.kind != kind:
        raise Http404("No such import.")
    percent, message = progress_of(job)
    result = job.result or {}
    rows = [{**r, "action": ImportAction(r["action"]).label} for r in result.get("rows", [])]
    return {"job": job, "percent": percent, "progress_message": message, "summary": result.get("summary", ""),
            "rows": rows[:PREVIEW_ROWS], "hidden": max(0, len(rows) - PREVIEW_ROWS),
            "problems": [(r["row"], e["field"], e["message"]) for r in rows for e in r["errors"]],
            "filename": str(job.parameters.get("filename") or "")}
