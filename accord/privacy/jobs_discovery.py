"""The data-discovery import as a background job (decision 0046: the imports the web page and the API write run as
jobs), registered by PrivacyConfig.ready(): the stored file read, checked and written all or nothing as the member
who asked (their permission checked again when it runs), with its progress."""

from __future__ import annotations

import hashlib
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils.translation import gettext_lazy

from accord.core.jobs.models import Job
from accord.core.jobs.registry import JobFailed, JobKind
from accord.core.jobs.runner import JobContext
from accord.core.jobs.services import do_enqueue_job
from accord.core.models import Organization, User
from accord.privacy.models_discovery import DataAudit

IMPORT_DISCOVERY = "privacy.discovery_import"


def run_import(context: JobContext) -> dict[str, Any]:
    """Classify and write the fields of the stored file into the audit its parameters name, or nothing (the job
    fails naming the refused rows)."""
    from accord.privacy import io_discovery, selectors_discovery, services_discovery

    name, shown = str(context.parameters["file"]), str(context.parameters.get("filename") or "the file")
    if not default_storage.exists(name):
        raise JobFailed(f"The uploaded file {shown} is no longer stored; upload it again.")
    try:
        data_audit = selectors_discovery.access_data_audit(context.organization, context.parameters["audit"])
    except Exception:
        raise JobFailed("The data-privacy audit of this import no longer exists.") from None
    context.progress(5, f"reading {shown}")
    with default_storage.open(name, "rb") as handle:
        content = handle.read()
    try:
        from io import BytesIO

        rows = io_discovery.parse_upload(BytesIO(content), shown)
        context.progress(20, f"checking and classifying {len(rows):,} fields")
        result = services_discovery.do_import_discovery(
            context.user, context.organization, data_audit, rows, filename=shown,
            digest=str(context.parameters.get("sha256") or hashlib.sha256(content).hexdigest()),
            progress=context.progress)
    except ValidationError as exc:
        raise JobFailed("; ".join(str(m) for m in exc.messages)) from None
    context.progress(95, "imported")
    return result.as_data()


def do_queue_discovery_import(actor: User, org: Organization, data_audit: DataAudit, content: bytes,
                              filename: str) -> Job:
    """Keep an uploaded data-discovery file and queue its import into `data_audit` (the same file twice while its
    import is queued or running is one job)."""
    digest = hashlib.sha256(content).hexdigest()
    stored = default_storage.save(f"imports/{org.pk}/{digest}-{filename.rsplit('/', 1)[-1][:100]}",
                                  ContentFile(content))
    return do_enqueue_job(actor, org, IMPORT_DISCOVERY, {"file": stored, "filename": filename, "audit": data_audit.pk,
                                                         "sha256": digest}, key=f"discovery:{data_audit.pk}:{digest}")


KINDS = (JobKind(IMPORT_DISCOVERY, gettext_lazy("Import a data discovery into a data-privacy audit"),
                 "privacy.data_audit.change", run_import, max_attempts=2),)
