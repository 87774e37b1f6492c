"""What one request may cost: bodies over the configured size are refused before they are read.

`RequestSizeLimitMiddleware` stands before every middleware that could read a body (sessions, CSRF,
the views): a declared `Content-Length` over the limit answers 413 at once, and a body sent without
one (`Transfer-Encoding: chunked`) is read only up to the limit, then refused. Import routes (a path
ending in `/import/` or `/import`) may send `ACCORD_MAX_UPLOAD_BYTES`, every other route
`ACCORD_MAX_REQUEST_BYTES` (docs/configuration.md, docs/deployment.md)."""

from __future__ import annotations

import io
import re
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from accord.errors import bad_request, payload_too_large

#: Routes that receive files (risk imports, web and API); they get the larger upload limit.
UPLOAD_PATH = re.compile(r"/import/?$")
_CHUNK = 64 * 1024


def body_limit(path: str) -> int:
    """The most bytes a request body to `path` may have."""
    if UPLOAD_PATH.search(path):
        return int(settings.ACCORD_MAX_UPLOAD_BYTES)
    return int(settings.ACCORD_MAX_REQUEST_BYTES)


def _is_chunked(request: HttpRequest) -> bool:
    return "chunked" in request.META.get("HTTP_TRANSFER_ENCODING", "").lower()


class RequestSizeLimitMiddleware:
    """Refuse a body over `body_limit` before anything reads it (see the module's docstring)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        limit = body_limit(request.path)
        declared = request.META.get("CONTENT_LENGTH") or ""
        if declared.strip():
            try:
                length = int(declared)
            except ValueError:
                length = -1
            if length < 0:
                return bad_request(request, ValueError(f"Content-Length {declared[:40]!r} is not a number"))
            if length > limit:
                return payload_too_large(request, limit)
        elif _is_chunked(request):
            body = self._read_capped(request, limit)
            if body is None:
                return payload_too_large(request, limit)
            # Django reads exactly CONTENT_LENGTH bytes: hand it the body that was read, with its length.
            request._stream = io.BytesIO(body)
            request.META["CONTENT_LENGTH"] = str(len(body))
        return self.get_response(request)

    @staticmethod
    def _read_capped(request: HttpRequest, limit: int) -> bytes | None:
        """The body of a request without Content-Length, or None as soon as it passes `limit` bytes."""
        stream = request.META["wsgi.input"]
        parts: list[bytes] = []
        size = 0
        while True:
            chunk = stream.read(min(_CHUNK, limit + 1 - size))
            if not chunk:
                return b"".join(parts)
            size += len(chunk)
            if size > limit:
                return None
            parts.append(chunk)
