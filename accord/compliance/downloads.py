"""How an evidence file leaves Accord, the same from the pages and the API (decision 0045): only after the
caller's permission and organisation were checked, as an attachment (never shown in the browser's window),
with the type its content was checked to be, `X-Content-Type-Options: nosniff`, a sandboxing content policy
and no caching by shared caches."""

from __future__ import annotations

from django.core.files.storage import default_storage
from django.http import Http404, HttpResponse
from django.utils.http import content_disposition_header

from accord.compliance.choices import EvidenceKind
from accord.compliance.models_assessments import EvidenceVersion


def evidence_file_response(version: EvidenceVersion) -> HttpResponse:
    """The file of `version` (already read for the caller's organisation); a link, or a file the storage lost,
    answers 404. Evidence files are small (`ACCORD_MAX_EVIDENCE_BYTES`), so they are read whole."""
    if version.kind != EvidenceKind.FILE or not version.stored or not default_storage.exists(version.stored):
        raise Http404("No such file.")
    with default_storage.open(version.stored, "rb") as handle:
        content = handle.read()
    response = HttpResponse(content, content_type=version.content_type or "application/octet-stream")
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=version.filename or version.stored.rsplit("/", 1)[-1]) or "attachment"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response
