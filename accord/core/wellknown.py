"""`/.well-known/security.txt` (RFC 9116): whom to tell about a vulnerability in this installation."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.http import require_GET

#: How far ahead the file's `Expires` lies; RFC 9116 asks for less than a year.
VALID_FOR = dt.timedelta(days=180)


@require_GET
def security_txt(request: HttpRequest) -> HttpResponse:
    """Contact from ACCORD_SECURITY_CONTACT; 404 while it is unset (`accord check --deploy` warns)."""
    if not settings.ACCORD_SECURITY_CONTACT:
        raise Http404("no security contact is configured")
    expires = (timezone.now() + VALID_FOR).replace(microsecond=0)
    lines = [f"Contact: {settings.ACCORD_SECURITY_CONTACT}", f"Expires: {expires.strftime('%Y-%m-%dT%H:%M:%SZ')}",
             "Preferred-Languages: en"]
    if settings.ACCORD_BASE_URL:
        lines.append(f"Canonical: {settings.ACCORD_BASE_URL}/.well-known/security.txt")
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
