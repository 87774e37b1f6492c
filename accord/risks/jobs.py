"""The register's background work (decision 0027), registered by RisksConfig.ready(): the import of a
file as a job (every import the web page and the API write; decision 0046), all or nothing, run by a
worker as the member who asked (with their permission checked again when it runs). Its result is the
import report's data (`ImportReport.as_data`), done or refused: a refused file names every bad row."""

from __future__ import annotations

import hashlib
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils.translation import gettext_lazy

from accord.core.jobs.models import Job
from accord.core.jobs.registry import JobFailed, JobKind
from accord.core.jobs.runner import JobContext
from accord.core.jobs.services import do_enqueue_job
from accord.core.models import Organization, User

IMPORT = "risks.import"


def run_import(context: JobContext) -> dict[str, Any]:
    """The import of the stored file the parameters name (`file`, shown as `filename`): every row added
    or updated, or, with any row refused, nothing written and the job failed naming each refused row
    (its message, and its result in the shape of a done one); a file that cannot be read fails on `file`."""
    from accord.risks.io import parse_upload
    from accord.risks.services import ImportRejected, do_import_risks

    name, shown = str(context.parameters["file"]), str(context.parameters.get("filename") or "the file")
    if not default_storage.exists(name):
        raise JobFailed(f"The uploaded file {shown} is no longer stored; upload it again.")
    context.progress(5, f"reading {shown}")
    with default_storage.open(name, "rb") as handle:
        rows = parse_upload(handle, shown)
    context.progress(20, f"checking and importing {len(rows):,} rows")
    try:
        report = do_import_risks(context.user, context.organization, rows)
    except ImportRejected as exc:
        bad = len({number for number, _, _ in exc.rows})
        raise JobFailed(f"The import was rejected: {bad:,} row(s) have errors; nothing was imported. "
                        + "; ".join(f"row {n}, {field}: {message}" for n, field, message in exc.rows),
                        result=exc.report.as_data()) from None
    return report.as_data()


def do_queue_risk_import(actor: User, org: Organization, content: bytes, filename: str) -> Job:
    """Keep an uploaded CSV or XLSX file and queue its import as a job (the same file twice while its
    import is queued or running is one job)."""
    digest = hashlib.sha256(content).hexdigest()
    stored = default_storage.save(f"imports/{org.pk}/{digest}-{filename.rsplit('/', 1)[-1]}", ContentFile(content))
    return do_enqueue_job(actor, org, IMPORT, {"file": stored, "filename": filename}, key=f"import:{digest}")


KINDS = (JobKind(IMPORT, gettext_lazy("Import risks from a file"), "risk.import", run_import, max_attempts=2),)
