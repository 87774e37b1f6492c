"""Every registered report is also a kind of background job (`accord.core.jobs`): `reports.<name>`, run
with the asking member's permission checked again on the worker, and its parameters too (the audit a
report is about may be gone: the job fails saying so), its PDF the job's result file. The UI and the API
queue it (`do_request_report`); the CLI prints synchronously instead."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django.http import Http404
from django.utils.text import format_lazy
from django.utils.translation import gettext

from accord.core.jobs.registry import JobFailed, JobKind, register_kind

if TYPE_CHECKING:
    from accord.core.jobs.runner import JobContext
    from accord.core.reports import Report

PREFIX = "reports."


def kind_name(report_name: str) -> str:
    """The job kind of the report `report_name`."""
    return PREFIX + report_name


def _runner(name: str) -> Any:
    def run(context: JobContext) -> Mapping[str, Any]:
        from accord.core import reports

        report = reports.get(name)
        org = context.organization
        # In the asker's language (else the organisation's): the one they read the job's page in.
        with reports.printing_for(org, context.user.language or ""):
            context.progress(5, gettext("Gathering the report's content"))
            try:
                document = report.document(org, context.parameters)
            except Http404 as exc:  # what the report is about is gone (or was never there): no retry helps
                raise JobFailed(str(exc) or gettext("What this report is about is no longer there.")) from None
            context.progress(25, gettext("Printing the PDF"))
            pdf = reports.html_to_pdf(reports.render_html(org, report, document))
        context.save_file(report.filename(org, document), pdf)
        return {"report": name, "bytes": len(pdf)}

    return run


def register_job(report: Report) -> None:
    """Declare the job kind of `report` (from `reports.register`): it only reads, so it runs outside a
    transaction and its file is stored with its `done` status."""
    register_kind(JobKind(name=kind_name(report.name), label=format_lazy("{} (PDF)", report.title),
                          action=report.action, run=_runner(report.name), writes=False, max_attempts=2,
                          backoff_seconds=30.0))
