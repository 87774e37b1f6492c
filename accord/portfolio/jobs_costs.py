"""The import of actuals as a background job (decision 0046: every import the web page and the API write
runs as a job), registered by PortfolioConfig.ready(): all or nothing, run as the member who asked (their
permission checked again when it runs), through the tables kit's job (`accord.core.tables.jobs`)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy

from accord.core.jobs.models import Job
from accord.core.jobs.registry import JobKind
from accord.core.jobs.runner import JobContext
from accord.core.models import Organization, User
from accord.core.tables.jobs import queue_file_import, run_file_import

IMPORT_ACTUALS = "portfolio.actuals_import"


def run_import(context: JobContext) -> dict[str, Any]:
    """Book the actuals of the stored file, or, with any row refused, nothing (the job fails naming each)."""
    from accord.portfolio.io_costs import parse_upload
    from accord.portfolio.services_costs import do_import_actuals

    return run_file_import(context, parse_upload, do_import_actuals, verb="booking")


def do_queue_actuals_import(actor: User, org: Organization, content: bytes, filename: str) -> Job:
    """Keep an uploaded CSV or XLSX file of actuals and queue its import as a job."""
    return queue_file_import(actor, org, IMPORT_ACTUALS, content, filename, prefix="actuals")


KINDS = (JobKind(IMPORT_ACTUALS, gettext_lazy("Import actuals from a file"), "cost.import", run_import,
                 max_attempts=2),)
