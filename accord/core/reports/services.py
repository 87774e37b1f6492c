"""Writes of the report pipeline: ask for a report as a background job (the jobs kit's audited enqueue)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from accord.core import reports
from accord.core.jobs.models import Job
from accord.core.jobs.services import do_enqueue_job
from accord.core.models import Organization, User
from accord.core.reports.jobs import kind_name


def do_request_report(actor: User, org: Organization, name: str,
                      parameters: Mapping[str, Any] | None = None) -> Job:
    """Queue the report `name` of `org` for `actor` (who must hold the report's permission) with
    `parameters` (`Report.checked`: 404 or a `ValidationError` naming the field when they name nothing of
    `org`): one job and its one audit event; asked again while that job is queued or running, the same
    job. Its result file is the PDF. `UnknownReport` when no report has that name."""
    report = reports.get(name)
    return do_enqueue_job(actor, org, kind_name(report.name), report.checked(org, parameters))
