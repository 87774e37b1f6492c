"""What one request may cost: bodies over the configured size are refused before they are read, and API
requests over a rate are refused before they are served.

`RequestSizeLimitMiddleware` stands before every middleware that could read a body (sessions, CSRF,
the views): a declared `Content-Length` over the limit answers 413 at once, and a body sent without
one (`Transfer-Encoding: chunked`) is read only up to the limit, then refused. Import routes (a path
ending in `/import/` or `/import`) and evidence uploads may send `ACCORD_MAX_UPLOAD_BYTES`, every other route
`ACCORD_MAX_REQUEST_BYTES` (docs/configuration.md, docs/deployment.md). A body that cannot be read (a
malformed chunked encoding: gunicorn's parser raises its own exceptions, not OSError, from whatever reads
it) answers 400, the API's error shape under /api/ and the 400 page elsewhere, not 500.

`ApiRateLimitMiddleware` counts every request under /api/ per client address and per bearer token
(`ACCORD_API_RATE_LIMITS`, from ACCORD_API_RATE_LIMIT) in fixed windows (in the machine's shared counters,
accord/core/counters.py, under the default file cache; in Django's cache otherwise), and answers
429 with `Retry-After` once a count passes its rate, before the token is looked up. `RateLimited` is
the one way any code refuses work for being over a rate or quota: raised in an API operation it
answers 429 in the API's error shape (accord/api.py), in a web view the site's 429 page, both with
`Retry-After` (decision 0019)."""

from __future__ import annotations

import hashlib
import io
import math
import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from allauth.account.adapter import get_adapter
from allauth.core.internal.ratelimit import truncate_ip
from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.filebased import FileBasedCache
from django.core.exceptions import BadRequest, PermissionDenied
from django.http import HttpRequest, HttpResponse
from gunicorn.http.errors import ParseException

from accord.core.counters import SharedCounters
from accord.envconf import Rate
from accord.errors import bad_request, payload_too_large, try_later

__all__ = ["ApiRateLimitMiddleware", "Rate", "RateLimited", "RequestSizeLimitMiddleware", "TryLater",
           "TryLaterMiddleware", "client_address", "try_later_response"]

#: Routes that receive files (imports, and evidence uploads: `.../evidence/` and `.../evidence/ID/versions/`, web
#: and API); they get the larger upload limit.
UPLOAD_PATH = re.compile(r"/(?:import|evidence|evidence/[^/]+/versions)/?$")
_CHUNK = 64 * 1024
#: What reading a body raises when the client sent it malformed (gunicorn's parser; a broken connection).
UNREADABLE = (ParseException, OSError, ValueError)


class UnreadableBody(BadRequest):
    """The request's body cannot be read as the client sent it; Django answers 400 (handler400)."""


class _GuardedStream:
    """The body stream Django reads (`request._stream`), whose read errors become `UnreadableBody`:
    raised inside `request.body` or the multipart parser, in any middleware or view, they answer 400."""

    def __init__(self, stream: Any) -> None:
        self._stream = stream

    def read(self, *args: Any) -> bytes:
        try:
            return bytes(self._stream.read(*args))
        except UNREADABLE as exc:
            raise UnreadableBody(f"The request body cannot be read: {type(exc).__name__}.") from exc

    def readline(self, *args: Any) -> bytes:
        try:
            return bytes(self._stream.readline(*args))
        except UNREADABLE as exc:
            raise UnreadableBody(f"The request body cannot be read: {type(exc).__name__}.") from exc

    def __getattr__(self, name: str) -> Any:  # close() and the rest, as the stream has them
        return getattr(self._stream, name)


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
            try:
                body = self._read_capped(request, limit)
            except UNREADABLE as exc:
                return bad_request(request, exc)
            if body is None:
                return payload_too_large(request, limit)
            # Django reads exactly CONTENT_LENGTH bytes: hand it the body that was read, with its length.
            request._stream = io.BytesIO(body)
            request.META["CONTENT_LENGTH"] = str(len(body))
            return self.get_response(request)
        if hasattr(request, "_stream"):
            request._stream = _GuardedStream(request._stream)  # type: ignore[assignment]  # reads alike
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


# --- rates ----------------------------------------------------------------------------------------------

class TryLater(Exception):
    """Refuse work for now: answer `status` (429 over a rate or a quota, 503 for work already under way)
    with `Retry-After: retry_after` seconds and `detail` for a person. The one refusal of its kind: rates
    here, single flight and quotas in accord/core/singleflight.py; `try_later_response` answers it."""

    def __init__(self, detail: str, *, status: int = 429, retry_after: int) -> None:
        super().__init__(detail)
        self.detail = detail
        self.status = status
        self.retry_after = max(1, int(retry_after))


class RateLimited(TryLater):
    """Over a rate: 429."""

    def __init__(self, detail: str, retry_after: int) -> None:
        super().__init__(detail, status=429, retry_after=retry_after)


def try_later_response(request: HttpRequest, exc: TryLater) -> HttpResponse:
    """The answer to `exc`: the API's error shape under /api/, the site's page elsewhere."""
    return try_later(request, exc.status, exc.detail, exc.retry_after)


class TryLaterMiddleware:
    """A view that raised `TryLater` answers its status with `Retry-After` and a page (or, under /api/,
    the one error shape) saying why and when to try again."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        return try_later_response(request, exception) if isinstance(exception, TryLater) else None


def _now() -> float:
    return time.time()


def client_address(request: HttpRequest) -> str:
    """The client's address as sign-in throttling sees it (allauth's, so that one rule decides): the
    `ACCORD_TRUSTED_PROXY_COUNT`-th address from the right of X-Forwarded-For behind that many trusted
    proxies, REMOTE_ADDR without; an IPv6 address counts by its /64 network. A request without any
    address (an in-process client) counts as "unknown"."""
    try:
        address = get_adapter().get_client_ip(request)
    except PermissionDenied:  # allauth's answer when it finds no address
        address = None
    return truncate_ip(address or "unknown")


def _bearer(request: HttpRequest) -> str | None:
    scheme, _, token = request.META.get("HTTP_AUTHORIZATION", "").partition(" ")
    return token.strip() or None if scheme.lower() == "bearer" else None


_COUNTERS: dict[str, SharedCounters] = {}


def _shared_counters() -> SharedCounters | None:
    """The machine's shared counters beside the file cache's entries; None when the cache is another kind
    (Redis and local memory count exactly and cheaply themselves)."""
    target = caches["default"]
    if not isinstance(target, FileBasedCache):
        return None
    path = str(Path(target._dir) / "counters" / "rate-limits")  # type: ignore[attr-defined]  # its own folder
    counters = _COUNTERS.get(path)
    if counters is None:
        counters = _COUNTERS.setdefault(path, SharedCounters(Path(path)))
    return counters


def _count(key: str, window_end: int, timeout: int, now: float) -> int:
    """Count one more for `key`: in the shared counters under a file cache (accord/core/counters.py), else,
    or when they find no slot for it, in Django's cache."""
    counters = _shared_counters()
    if counters is not None:
        count = counters.incr(key, window_end, now)
        if count is not None:
            return count
    cache.add(key, 0, timeout=timeout)
    try:
        return int(cache.incr(key))
    except ValueError:  # evicted between add and incr: count this request as the window's first
        cache.set(key, 1, timeout=timeout)
        return 1


def _over(rate: Rate, subject: str, now: float) -> int | None:
    """Count one request of `subject` against `rate`; the seconds until its window ends when over it."""
    window = int(now // rate.seconds)
    key = f"accord:rl:api:{rate}:{subject}:{window}"
    count = _count(key, (window + 1) * rate.seconds, rate.seconds + 1, now)
    if count <= rate.amount:
        return None
    return math.ceil((window + 1) * rate.seconds - now)


class ApiRateLimitMiddleware:
    """Count each API request per client address and per bearer token (see the module's docstring); also
    turn a `RateLimited` raised by a web view into the 429 page."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith("/api/"):
            refusal = self._refusal(request)
            if refusal is not None:
                return try_later_response(request, refusal)
        return self.get_response(request)


    @staticmethod
    def _refusal(request: HttpRequest) -> RateLimited | None:
        now = _now()
        token = _bearer(request)
        for rate in settings.ACCORD_API_RATE_LIMITS:
            if rate.per == "token":
                if token is None:
                    continue
                # The token as presented, hashed: no database look-up, and a guessed token is counted too.
                subject, whom = hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()[:32], "this token"
            else:
                subject, whom = client_address(request), "your address"
            wait = _over(rate, f"{rate.per}:{subject}", now)
            if wait is not None:
                return RateLimited(f"Too many requests from {whom}: at most {rate.amount:,} every "
                                   f"{rate.seconds:,} seconds. Retry in {wait} seconds.", wait)
        return None
