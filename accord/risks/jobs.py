"""The register's background work (decision 0027), registered by RisksConfig.ready(): the import of a
file as a job (every import the web page and the API write; decision 0046), all or nothing, run by a
worker as the member who asked (with their permission checked again when it runs). Its result is the
import report's data (`ImportReport.as_data`), done or refused: a refused file names every bad row."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy

from accord.core.jobs.models import Job
from accord.core.jobs.registry import JobKind
from accord.core.jobs.runner import JobContext
from accord.core.models import Organization, User
from accord.core.tables.jobs import queue_file_import, run_file_import

IMPORT = "risks.import"


def run_import(context: JobContext) -> dict[str, Any]:
    """The import of the stored file the parameters name (`file`, shown as `filename`): every row added
    or updated, or, with any row refused, nothing written and the job failed naming each refused row
    (its message, and its result in the shape of a done one); a file that cannot be read fails on `file`."""
    from accord.risks.io import parse_upload
    from accord.risks.services import do_import_risks

    return run_file_import(context, parse_upload, do_import_risks)


def do_queue_risk_import(actor: User, org: Organization, content: bytes, filename: str) -> Job:
    """Keep an uploaded CSV or XLSX file and queue its import as a job (the same file twice while its
    import is queued or running is one job)."""
    return queue_file_import(actor, org, IMPORT, content, filename)


KINDS = (JobKind(IMPORT, gettext_lazy("Import risks from a file"), "risk.import", run_import, max_attempts=2),)
