"""The one NinjaAPI: routers of every app mounted under /api/v1, one error shape for all failures."""

from __future__ import annotations

import logging
import re
from typing import Any

from django.core.exceptions import BadRequest, PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.utils.translation import gettext as _
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from accord.compliance.api import router as compliance_router
from accord.compliance.api_assessments import router as assessments_router
from accord.compliance.api_controls import router as controls_router
from accord.compliance.api_mappings import router as mappings_router
from accord.compliance.api_offers import router as offers_router
from accord.compliance.api_oscal import router as oscal_router
from accord.compliance.api_posture import router as posture_router
from accord.compliance.api_soa import router as soa_router
from accord.core.api import router as core_router
from accord.core.apikit import TokenAuth, TokenRefused, UnknownQuery, refuse_undeclared_query
from accord.core.conflict import Conflict
from accord.core.jobs.api import router as jobs_router
from accord.core.limits import TryLater, try_later_response
from accord.core.notifications.api import router as notifications_router
from accord.core.openapi import AccordAPI
from accord.core.reports.api import router as reports_router
from accord.incidents.api import router as incidents_router
from accord.incidents.api_reviews import router as incident_reviews_router
from accord.policies.api import router as policies_router
from accord.portfolio.api import router as portfolio_router
from accord.portfolio.api_costs import router as costs_router
from accord.portfolio.api_objectives import router as objectives_router
from accord.portfolio.api_systems import router as systems_router
from accord.privacy.api_breaches import router as privacy_breaches_router
from accord.privacy.api_discovery import router as privacy_discovery_router
from accord.privacy.api_dpias import router as privacy_dpias_router
from accord.privacy.api_gdpr_audit import router as privacy_gdpr_audit_router
from accord.privacy.api_requests import router as privacy_requests_router
from accord.privacy.api_ropa import router as privacy_ropa_router
from accord.risks.api import router as risks_router

logger = logging.getLogger(__name__)

api = AccordAPI(
    title="Accord API",
    version="1",
    description="IT and security governance for the CIO, the CISO and the DPO. Every path under "
    "`/orgs/{org}/` is scoped to one organisation; send `Authorization: Bearer <token>` "
    "(tokens: `accord token create`, or the API tokens page). A query parameter an operation does not "
    "list is refused (422, naming it) rather than ignored.",
    auth=TokenAuth(),
    urls_namespace="api",
)
# Every operation: a query parameter it does not declare answers 422 (ninja would ignore it).
api.add_decorator(refuse_undeclared_query, mode="view")


def _error(request: HttpRequest, status: int, detail: str, errors: list[dict[str, Any]] | None = None) -> HttpResponse:
    return api.create_response(request, {"detail": detail, "errors": errors or []}, status=status)


_LOCATIONS = {"body", "query", "path", "header", "cookie", "form", "file"}
#: A field's name or a list index, as a path element; pydantic's tags of a union's members are other texts
#: (`str-enum[LegalBasis]`, `literal['']`, `list[int]`, a model's class name).
_FIELD_NAME = re.compile(r"^[a-z_][a-z0-9_]*$")
#: The values an enumeration's or a literal's error names, each quoted as Python writes it.
_QUOTED = re.compile(r"'((?:[^'\\]|\\.)*)'")


def _is_union_tag(part: Any) -> bool:
    return isinstance(part, str) and not _FIELD_NAME.match(part)


def _field_path(loc: list[Any] | tuple[Any, ...]) -> str:
    parts = [p for p in loc if not _is_union_tag(p)]
    if parts and parts[0] in _LOCATIONS:
        parts = parts[1:]
        if parts and parts[0] in ("payload", "filters", "data"):
            parts = parts[1:]
    return ".".join(str(p) for p in parts) or "body"


def _api_message(error: dict[str, Any]) -> str:
    """A validation error's message: pydantic's own (English) for its types and bounds, kept as pydantic
    wrote it since it names the constraint exactly; Accord's validators' messages are translated where raised."""
    return str(error.get("msg") or _("Invalid value."))


def _union_message(errors: list[dict[str, Any]]) -> str:
    """One message for a union's members that each refused a value: the allowed values together when every
    member is an enumeration or a literal (`LegalBasis | Literal[""]`: 'a' to 'f', or empty), else the
    members' messages joined ("Input should be a valid list or a valid dictionary")."""
    if all(e.get("type") in ("enum", "literal_error") and "expected" in e.get("ctx", {}) for e in errors):
        values = list(dict.fromkeys(v for e in errors for v in _QUOTED.findall(str(e["ctx"]["expected"]))))
        shown = [f"'{v}'" for v in values if v]
        allowed = (_("%(values)s or %(last)s") % {"values": ", ".join(shown[:-1]), "last": shown[-1]}
                   if len(shown) > 1 else "".join(shown))
        if "" in values:
            allowed = _("%(values)s, or empty ('')") % {"values": allowed} if allowed else "''"
        return _("Input should be %(values)s") % {"values": allowed}
    messages = list(dict.fromkeys(_api_message(e) for e in errors))
    lead = "Input should be "
    return messages[0] + "".join(f" or {m.removeprefix(lead)}" for m in messages[1:])


def _validation_errors(raw: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """pydantic's errors as the error shape's list: one entry per field, named by the field's own path. A
    value no member of a union accepts gives one error per member, each under the member's tag: they become
    one, saying what the field takes."""
    by_field: dict[str, list[dict[str, Any]]] = {}
    for error in raw:
        by_field.setdefault(_field_path(error.get("loc", ())), []).append(error)
    shaped: list[dict[str, Any]] = []
    for field, errors in by_field.items():
        members = [e for e in errors if any(_is_union_tag(p) for p in e.get("loc", ()))]
        if len(members) > 1:
            shaped.append({"field": field, "message": _union_message(members)})
            errors = [e for e in errors if e not in members]
        shaped += [{"field": field, "message": _api_message(e)} for e in errors]
    return shaped


@api.exception_handler(NinjaValidationError)
def on_invalid_input(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    return _error(request, 422, _("The request has invalid fields."), _validation_errors(list(exc.errors)))


@api.exception_handler(UnknownQuery)
def on_unknown_query(request: HttpRequest, exc: UnknownQuery) -> HttpResponse:
    takes = (_("this operation takes %(names)s") % {"names": ", ".join(sorted(exc.declared))} if exc.declared
             else _("this operation takes no query parameters"))
    errors: list[dict[str, Any]] = [
        {"field": name, "message": (_("Unknown query parameter; %(takes)s.") if name
                                    else _("A query parameter without a name; %(takes)s.")) % {"takes": takes}}
        for name in exc.unknown
    ]
    return _error(request, 422, _("The request has query parameters this operation does not take."), errors)


def _service_errors(exc: ValidationError) -> list[dict[str, Any]]:
    if hasattr(exc, "error_dict"):
        return [{"field": f, "message": m} for f, ms in exc.message_dict.items() for m in ms]
    return [{"field": None, "message": m} for m in exc.messages]


@api.exception_handler(ValidationError)
def on_service_rejection(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    return _error(request, 422, _("The request was rejected."), _service_errors(exc))


@api.exception_handler(Conflict)
def on_conflict(request: HttpRequest, exc: Conflict) -> HttpResponse:
    """A valid request the object's current state refuses (decision 0026): 409, so a client reloads rather
    than corrects its input. Found before the `ValidationError` handler: ninja looks along the class's MRO."""
    return _error(request, 409, _("The request conflicts with the current state."), _service_errors(exc))


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _error(request, 404, _("Not found."))


@api.exception_handler(PermissionDenied)
def on_forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return _error(request, 403, str(exc) or _("Your role does not allow this."))


@api.exception_handler(AuthenticationError)
def on_unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    detail = str(exc) if isinstance(exc, TokenRefused) else _("A valid bearer token is required.")
    response = _error(request, 401, detail)
    response["WWW-Authenticate"] = "Bearer"
    return response


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return _error(request, exc.status_code, str(exc))


@api.exception_handler(MultiPartParserError)
def on_unreadable_multipart(request: HttpRequest, exc: MultiPartParserError) -> HttpResponse:
    """A multipart body Django cannot split (no boundary, a malformed one): the client's error, as the web
    pages answer it (400)."""
    return _error(request, 400, _("The multipart body cannot be read (%(error)s); send multipart/form-data with a "
                                  "boundary, as an HTTP client does for a file upload.") % {"error": exc})


@api.exception_handler(BadRequest)
def on_bad_request(request: HttpRequest, exc: BadRequest) -> HttpResponse:
    """A request Django refuses as malformed, such as a body that breaks off while it is read
    (accord.core.limits.UnreadableBody): 400, as the web pages answer it."""
    return _error(request, 400, _("Bad request."))


@api.exception_handler(TryLater)
def on_try_later(request: HttpRequest, exc: TryLater) -> HttpResponse:
    """Over a rate or a quota (429), or work under way (503): the error shape with `Retry-After`."""
    return try_later_response(request, exc)


@api.exception_handler(Exception)
def on_crash(request: HttpRequest, exc: Exception) -> HttpResponse:
    logger.exception("API error on %s %s", request.method, request.path)
    return _error(request, 500, _("Internal error; it has been logged."))


api.add_router("/orgs/", core_router)
api.add_router("/orgs/", jobs_router)
api.add_router("/orgs/", notifications_router)
api.add_router("/orgs/", reports_router)
api.add_router("/orgs/", risks_router)
api.add_router("/orgs/", portfolio_router)
api.add_router("/orgs/", objectives_router)
api.add_router("/orgs/", costs_router)
api.add_router("/orgs/", systems_router)
api.add_router("/orgs/", compliance_router)
api.add_router("/orgs/", controls_router)
api.add_router("/orgs/", mappings_router)
api.add_router("/orgs/", offers_router)
api.add_router("/orgs/", oscal_router)
api.add_router("/orgs/", posture_router)
api.add_router("/orgs/", soa_router)
api.add_router("/orgs/", assessments_router)
api.add_router("/orgs/", privacy_requests_router)
api.add_router("/orgs/", privacy_breaches_router)
api.add_router("/orgs/", policies_router)
api.add_router("/orgs/", privacy_ropa_router)
api.add_router("/orgs/", privacy_discovery_router)
api.add_router("/orgs/", incidents_router)
api.add_router("/orgs/", incident_reviews_router)
api.add_router("/orgs/", privacy_dpias_router)
api.add_router("/orgs/", privacy_gdpr_audit_router)
