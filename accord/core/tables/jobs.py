"""An import as a background job (decision 0046), the same for every app: the upload is kept in storage, its
import queued (the same file twice while queued or running is one job), and the job reads the file, runs the
app's import service and gives the report's data, or fails naming every refused row (its result the report,
so a refused import still shows each row's outcome)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from accord.core.jobs.models import Job
from accord.core.jobs.registry import JobFailed
from accord.core.jobs.runner import JobContext
from accord.core.jobs.services import do_enqueue_job
from accord.core.models import Organization, User
from accord.core.tables.reading import Readable, Record
from accord.core.tables.report import ImportRejected, ImportReport

#: An app's import service: (actor, organisation, rows) → the report, or ImportRejected.
Importer = Callable[[User | None, Organization, Iterable[tuple[int, Mapping[str, Any]]]], ImportReport]
Parser = Callable[[Readable, str], list[Record]]


def run_file_import(context: JobContext, parse: Parser, do_import: Importer, *,
                    verb: str = "importing") -> dict[str, Any]:
    """The job's work: read the stored file its parameters name (`file`, shown as `filename`), import its rows
    as the member who asked, and give the report's data; a refusal fails the job naming each refused row."""
    name, shown = str(context.parameters["file"]), str(context.parameters.get("filename") or "the file")
    if not default_storage.exists(name):
        raise JobFailed(f"The uploaded file {shown} is no longer stored; upload it again.")
    context.progress(5, f"reading {shown}")
    with default_storage.open(name, "rb") as handle:
        rows = parse(handle, shown)
    context.progress(20, f"checking and {verb} {len(rows):,} rows")
    try:
        report = do_import(context.user, context.organization, rows)
    except ImportRejected as exc:
        bad = len({number for number, _, _ in exc.rows})
        raise JobFailed(f"The import was rejected: {bad:,} row(s) have errors; nothing was imported. "
                        + "; ".join(f"row {n}, {field}: {message}" for n, field, message in exc.rows),
                        result=exc.report.as_data()) from None
    return report.as_data()


def queue_file_import(actor: User, org: Organization, kind: str, content: bytes, filename: str, *,
                      prefix: str = "import") -> Job:
    """Keep an uploaded file and queue the job of `kind` that imports it (the same file twice while its import
    is queued or running is one job)."""
    digest = hashlib.sha256(content).hexdigest()
    stored = default_storage.save(f"imports/{org.pk}/{digest}-{filename.rsplit('/', 1)[-1]}", ContentFile(content))
    return do_enqueue_job(actor, org, kind, {"file": stored, "filename": filename}, key=f"{prefix}:{digest}")
