"""The inventory's background work (decisions 0027 and 0046), registered by PortfolioConfig.ready(): the
import of a systems file and of a system's CycloneDX SBOM, each as a job run as the member who asked (their
permission checked again when it runs), all or nothing. A systems import's result is the import report's
data (`ImportReport.as_data`), done or refused; an SBOM's is the count of components it gave the system."""

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
from accord.portfolio.models_systems import System

IMPORT = "portfolio.systems_import"
SBOM = "portfolio.sbom_import"


def _stored(context: JobContext) -> tuple[bytes, str]:
    name, shown = str(context.parameters["file"]), str(context.parameters.get("filename") or "the file")
    if not default_storage.exists(name):
        raise JobFailed(f"The uploaded file {shown} is no longer stored; upload it again.")
    with default_storage.open(name, "rb") as handle:
        return handle.read(), shown


def _refusal(exc: ValidationError) -> str:
    return "; ".join(f"{field}: {' '.join(messages)}" for field, messages in exc.message_dict.items())


def run_import(context: JobContext) -> dict[str, Any]:
    """The import of the stored file the parameters name: every row added or updated, or, with any row
    refused, nothing written and the job failed naming each refused row and column."""
    import io

    from accord.core.tables import ImportRejected
    from accord.portfolio.io_systems import parse_upload
    from accord.portfolio.services_systems_import import do_import_systems

    content, shown = _stored(context)
    context.progress(5, f"reading {shown}")
    try:
        rows = parse_upload(io.BytesIO(content), shown)
    except ValidationError as exc:
        raise JobFailed(f"The file was not read: {_refusal(exc)}") from None
    context.progress(20, f"checking and importing {len(rows):,} rows")
    try:
        report = do_import_systems(context.user, context.organization, rows)
    except ImportRejected as exc:
        bad = len({number for number, _, _ in exc.rows})
        raise JobFailed(f"The import was rejected: {bad:,} row(s) have errors; nothing was imported. "
                        + "; ".join(f"row {n}, {field}: {message}" for n, field, message in exc.rows),
                        result=exc.report.as_data()) from None
    return report.as_data()


def run_sbom(context: JobContext) -> dict[str, Any]:
    """The stored SBOM read onto the system the parameters name (its components replaced), or the job failed
    naming every problem by its place in the document."""
    from accord.portfolio.sbom import read_sbom
    from accord.portfolio.services_systems import do_import_sbom

    content, shown = _stored(context)
    system = System.objects.for_org(context.organization).filter(pk=context.parameters["system"]).first()
    if system is None:
        raise JobFailed("The system is no longer in the inventory.")
    context.progress(10, f"reading {shown}")
    try:
        sbom = read_sbom(content)
    except ValidationError as exc:
        raise JobFailed(f"The SBOM was not imported: {_refusal(exc)}",
                        result={"errors": [{"field": f, "message": " ".join(m)}
                                           for f, m in exc.message_dict.items()]}) from None
    count = do_import_sbom(context.user, context.organization, system, sbom)
    return {"system": system.pk, "ref": system.ref, "components": count, "spec_version": sbom.spec_version}


def _keep(org: Organization, content: bytes, filename: str) -> tuple[str, str]:
    digest = hashlib.sha256(content).hexdigest()
    stored = default_storage.save(f"imports/{org.pk}/{digest}-{filename.rsplit('/', 1)[-1]}", ContentFile(content))
    return stored, digest


def do_queue_systems_import(actor: User, org: Organization, content: bytes, filename: str) -> Job:
    """Keep an uploaded CSV or XLSX file and queue its import (the same file twice while its import is queued
    or running is one job)."""
    stored, digest = _keep(org, content, filename)
    return do_enqueue_job(actor, org, IMPORT, {"file": stored, "filename": filename}, key=f"systems:{digest}")


def do_queue_sbom_import(actor: User, org: Organization, system: System, content: bytes, filename: str) -> Job:
    """Keep an uploaded SBOM and queue its import onto `system`."""
    stored, digest = _keep(org, content, filename)
    return do_enqueue_job(actor, org, SBOM, {"file": stored, "filename": filename, "system": system.pk},
                          key=f"sbom:{system.pk}:{digest}")


KINDS = (
    JobKind(IMPORT, gettext_lazy("Import systems from a file"), "system.import", run_import, max_attempts=2),
    JobKind(SBOM, gettext_lazy("Import a system's components from an SBOM"), "system.change", run_sbom,
            max_attempts=2),
)
