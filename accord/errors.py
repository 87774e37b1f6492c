"""The pages Accord answers with when a request fails outside a view's own handling: 400, 403 (also a
refused CSRF check), 404, 413, 429 and 500. Web pages extend the site's layout and say what happened and what
to do, naming nothing the caller may not see; anything under /api/ answers the API's one error shape
(`{"detail": ..., "errors": []}`), as the API's own handlers do (accord/api.py)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

#: What a 403 page says when the refusal carries no message of its own.
FORBIDDEN = gettext_lazy("Your role does not allow this.")
CSRF_REFUSED = gettext_lazy("The form was refused because its security check failed: the page was open too long, "
                            "you signed in or out in another tab, or your browser blocks cookies for this site.")


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def _api_error(status: int, detail: str) -> HttpResponse:
    return JsonResponse({"detail": detail, "errors": []}, status=status)


def _page(request: HttpRequest | None, template: str, status: int, context: dict[str, object]) -> HttpResponse:
    return HttpResponse(loader.get_template(template).render(context, request), status=status)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    if _is_api(request):
        return _api_error(400, _("Bad request."))
    # Rendered without the request: a 400 may come from a host name Django refuses to trust.
    return _page(None, "400.html", 400, {})


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    """`PermissionDenied`'s message names the caller's role and the refused action (permissions.require),
    both the caller's own to know."""
    reason = str(exception) or str(FORBIDDEN)
    if _is_api(request):
        return _api_error(403, reason)
    return _page(request, "403.html", 403, {"reason": reason})


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """settings.CSRF_FAILURE_VIEW: Django's reason is for developers; the person gets what to do."""
    if _is_api(request):
        return _api_error(403, _("CSRF check failed."))
    return _page(request, "403.html", 403, {"reason": str(CSRF_REFUSED), "csrf": True})


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """One answer for a missing page and another organisation's object: the exception is not shown."""
    if _is_api(request):
        return _api_error(404, _("Not found."))
    return _page(request, "404.html", 404, {})


def server_error(request: HttpRequest) -> HttpResponse:
    """Rendered without the request's context: whatever failed (the database, a context processor) is
    not asked again to render the apology."""
    if _is_api(request):
        return _api_error(500, _("Internal error; it has been logged."))
    return _page(None, "500.html", 500, {})


def payload_too_large(request: HttpRequest, limit: int) -> HttpResponse:
    """413 for a body over `limit` bytes, refused before it was read (accord/core/limits.py)."""
    detail = _("The request body is larger than this address accepts (%(limit)s bytes at most); nothing was "
               "read.") % {"limit": number_format(limit, force_grouping=True)}
    if _is_api(request):
        return _api_error(413, detail)
    # Rendered without the request, as a 400: the refusal comes before sessions and sign-in.
    return _page(None, "413.html", 413, {"reason": detail})


def try_later(request: HttpRequest, status: int, detail: str, retry_after: int) -> HttpResponse:
    """429 or 503 with `Retry-After` (seconds), for every `TryLater` (accord/core/limits.py): over a rate,
    an organisation's quota in use, or work already under way. The API's error shape under /api/, else a
    page: rendered with the request once sign-in has run, without it before (a rate refusal comes before
    sessions, as a 413 does)."""
    if _is_api(request):
        response = _api_error(status, detail)
    else:
        template = "429.html" if status == 429 else "try_later.html"
        response = _page(request if hasattr(request, "user") else None, template, status,
                         {"reason": detail, "status": status, "retry_after": retry_after})
    response["Retry-After"] = str(retry_after)
    return response
