"""What every app's API router shares: bearer-token auth, organisation access, the error shape (with the
4xx statuses every operation documents), pagination within 64-bit bounds, ids in paths, the two
bases of input schemas (values a database can store; request bodies that refuse unknown fields), and the
refusal of query parameters an operation does not declare."""

from __future__ import annotations

import datetime as dt
import decimal
import functools
import re
from collections.abc import Callable
from typing import Annotated, Any, get_args

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponseBase
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Path, Schema
from ninja.errors import AuthenticationError
from ninja.operation import Operation
from ninja.pagination import LimitOffsetPagination
from ninja.security import HttpBearer
from pydantic import ConfigDict, ValidationInfo, field_validator

from accord.core.auth import has_second_factor
from accord.core.i18n import activate_for
from accord.core.inputs import INT64_MAX, value_problem
from accord.core.models import ApiToken, Membership, Organization
from accord.core.permissions import require
from accord.core.selectors import token_by_plaintext
from accord.core.services.tokens import touch_token
from accord.core.tokens import READ_METHODS, is_expired, scope_allows


class FieldError(Schema):
    field: str | None
    message: str


class ErrorOut(Schema):
    """The one error shape of the API."""

    detail: str
    errors: list[FieldError] = []


#: What any operation may answer besides its success, each in the one error shape: 400 a body that cannot
#: be read (not JSON, a multipart body without a boundary), 401 no valid token, 403 the role or the
#: organisation's policy refuses, 404 no such object (or another organisation's), 413 a body over the
#: size limit, 422 invalid fields, 429 over a rate or quota (with Retry-After). An operation that can also
#: answer another status (409 a conflict with the current state, 502 a mail server that refused) adds it.
ERRORS: dict[int, Any] = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 413: ErrorOut,
                          422: ErrorOut, 429: ErrorOut}

#: An object's id in a path: a positive whole number a database column can hold (a larger one is 422).
Id = Annotated[int, Path(ge=1, le=INT64_MAX, description="The object's id")]


_NUMBER = re.compile(r"[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?")


def _is_date_type(annotation: Any) -> bool:
    if annotation in (dt.date, dt.datetime):
        return True
    return any(_is_date_type(arg) for arg in get_args(annotation))


@functools.cache
def _date_fields(schema: type[Schema]) -> frozenset[str]:
    return frozenset(name for name, f in schema.model_fields.items() if _is_date_type(f.annotation))


def _takes_dates(schema: type[Schema], name: str) -> bool:
    return name in _date_fields(schema)


def _is_number_type(annotation: Any) -> bool:
    """A whole or decimal number (not a yes/no) is among what `annotation` takes."""
    if annotation is bool:
        return False
    if annotation in (int, float, decimal.Decimal):
        return True
    return any(_is_number_type(arg) for arg in get_args(annotation))


@functools.cache
def _number_fields(schema: type[Schema]) -> frozenset[str]:
    return frozenset(name for name, f in schema.model_fields.items()
                     if _is_number_type(f.annotation) and not _takes_bool(f.annotation))


def _takes_bool(annotation: Any) -> bool:
    return annotation is bool or any(_takes_bool(arg) for arg in get_args(annotation))


class TextIn(Schema):
    """Input a database can store: a NUL character, a lone surrogate, a whole number beyond 64 bits, an
    infinite or undefined number (`inf`, `Infinity`, `1e309`, `NaN`) are refused up front (422, naming
    the field), not on save. The base of every query schema; request bodies use `BodyIn`."""

    model_config = ConfigDict(allow_inf_nan=False)

    @field_validator("*", mode="before")
    @classmethod
    def _dates_are_dates(cls, value: Any, info: ValidationInfo) -> Any:
        """pydantic reads a number as seconds since 1970 where a date is expected (`until=0`); the API
        documents dates as `YYYY-MM-DD` (or ISO 8601 date-times) and takes nothing else."""
        if (isinstance(value, int | float | str) and not isinstance(value, bool) and info.field_name
                and _NUMBER.fullmatch(str(value).strip()) and _takes_dates(cls, info.field_name)):
            raise ValueError(_("%(value)s is not a date; write a date as YYYY-MM-DD") % {"value": repr(value)})
        return value

    @field_validator("*", mode="before")
    @classmethod
    def _numbers_are_numbers(cls, value: Any, info: ValidationInfo) -> Any:
        """pydantic reads `true` and `false` as 1 and 0 where a number is expected (`run_cost: false`); a number
        field takes numbers (or their text) only."""
        if isinstance(value, bool) and info.field_name and info.field_name in _number_fields(cls):
            raise ValueError(_("%(value)s is not a number") % {"value": str(value).lower()})
        return value

    @field_validator("*")
    @classmethod
    def _storable(cls, value: Any) -> Any:
        problem = value_problem(value)
        if problem:
            raise ValueError(problem)
        return value


class BodyIn(TextIn):
    """A request body: unknown fields are refused, so a misspelt field is not silently dropped."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)


class Pagination(LimitOffsetPagination):
    """Limit and offset within what the server serves: a page of at most `ACCORD_API_MAX_PAGE` items
    and an offset a database can hold, both stated in the OpenAPI document."""

    class Input(Schema):
        limit: int = Field(settings.NINJA_PAGINATION_PER_PAGE, ge=1, le=settings.ACCORD_API_MAX_PAGE,
                           description="How many items to answer")
        offset: int = Field(0, ge=0, le=INT64_MAX, description="How many items to skip")

    def paginate_queryset(self, queryset: Any, pagination: Any, request: HttpRequest, **params: Any) -> Any:
        """The page and the count of all items. A page that is not full ends the list, so it gives the count
        itself (the items before it and on it): the count query, as costly to build as the page's own, runs
        only when more items may follow (or when an offset past the end leaves the page empty)."""
        offset = pagination.offset
        limit: int = min(pagination.limit, self.max_limit)
        items = list(queryset[offset:offset + limit])
        ends_here = len(items) < limit and (items or offset == 0)
        count = offset + len(items) if ends_here else self._items_count(queryset)
        return {self.items_attribute: items, "count": count}


class TokenRefused(AuthenticationError):
    """A token that exists but no longer works (401), with the reason its holder can act on."""

    def __init__(self, message: str) -> None:
        super().__init__(message=message)


class TokenAuth(HttpBearer):
    """`Authorization: Bearer acc_…`: one user in one organisation; the hash is looked up. An expired
    token is refused (401); a read-only token may use GET, HEAD and OPTIONS only (403 for any other
    method, before the request is read)."""

    def authenticate(self, request: HttpRequest, token: str) -> ApiToken | None:
        api_token = token_by_plaintext(token)
        if api_token is None:
            return None
        activate_for(request, person=api_token.user.language, organisation=api_token.organization.language)
        if is_expired(api_token.expires_at, timezone.now()):
            raise TokenRefused(_("This token expired on %(date)s UTC; create a new one (API tokens page, or accord "
                                 "token create).") % {"date": f"{api_token.expires_at:%Y-%m-%d %H:%M}"})
        touch_token(api_token)
        request.user = api_token.user
        if not scope_allows(api_token.scope, request.method or ""):
            raise PermissionDenied(_("This token is read-only: it may read (%(methods)s) but not %(method)s. Use a "
                                     "token with the scope read_write to make changes.")
                                   % {"methods": ", ".join(sorted(READ_METHODS)), "method": request.method})
        return api_token


def org_access(request: HttpRequest, org: str, action: str) -> Membership:
    """The caller's current membership in `org` (404 unless the token is for `org` and the user still
    belongs to it), after checking the organisation's two-factor policy and requiring `action` of its
    role (403 for either)."""
    token: ApiToken = request.auth  # type: ignore[attr-defined]
    if token.organization.slug != org:
        raise Http404("No such organisation.")
    checked: Membership | None = getattr(request, _CHECKED, None)
    if checked is not None:  # a second call in the same request (a stored read answer's key, then the handler)
        require(checked.role, action)
        return checked
    # One row by (organisation, user): no order, and no join for the organisation and the user, which the
    # token's own look-up read in this request.
    membership = Membership.objects.for_org(token.organization).filter(user_id=token.user_id).order_by().first()
    if membership is None:
        raise Http404("No such organisation.")
    membership.organization, membership.user = token.organization, token.user
    organization = membership.organization
    if organization.two_factor_required and not has_second_factor(membership.user):
        raise PermissionDenied(
            _("%(org)s requires two-factor authentication, and %(email)s has none. Set up an authenticator app in "
              "Accord (account menu, Two-factor authentication), then retry.")
            % {"org": organization.name, "email": membership.user.email}
        )
    require(membership.role, action)
    setattr(request, _CHECKED, membership)
    return membership


# The membership `org_access` checked for this request's token (whose organisation is the only one it opens).
_CHECKED = "_accord_checked_membership"


def token_org(request: HttpRequest) -> Organization:
    """The organisation the caller's token is bound to."""
    token: ApiToken = request.auth  # type: ignore[attr-defined]
    return token.organization


# --- query parameters an operation does not declare ----------------------------------------------------

class UnknownQuery(Exception):
    """A request named query parameters its operation does not declare (`unknown`, in the order sent; an
    empty name is ""); `declared` is what the operation takes. Answered 422 in the error shape (accord/api.py)."""

    def __init__(self, unknown: list[str], declared: frozenset[str]) -> None:
        super().__init__(", ".join(repr(name) for name in unknown))
        self.unknown = unknown
        self.declared = declared


def declared_query(operation: Operation) -> frozenset[str]:
    """The query parameter names `operation` reads: the flattened fields of its query models (filters and
    pagination included), by the names a client sends (aliases)."""
    names: set[str] = set()
    for model in operation.models:
        if getattr(model, "__ninja_param_source__", None) != "query":
            continue
        flattened = getattr(model, "__ninja_flatten_map__", None)
        names.update(flattened or (field.alias or name for name, field in model.model_fields.items()))
    return frozenset(names)


def _operation_of(run: Callable[..., Any]) -> Operation:
    target: Any = run
    while not isinstance(getattr(target, "__self__", None), Operation):
        target = getattr(target, "__wrapped__", None)
        if target is None:
            raise TypeError("refuse_undeclared_query must wrap an Operation's run (api.add_decorator(mode='view'))")
    operation: Operation = target.__self__
    return operation


def refuse_undeclared_query(run: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """Wrap every operation's `run` (`api.add_decorator(refuse_undeclared_query, mode="view")`): a request with
    a query parameter the operation does not declare (`?foo=1`, an empty name `?=true`) answers 422 naming
    each, before anything else of the request is read, instead of being served as if it were not there."""
    operation = _operation_of(run)
    if operation.is_async:
        raise TypeError(f"{operation.operation_id}: refuse_undeclared_query wraps synchronous operations only")
    declared = declared_query(operation)

    @functools.wraps(run)
    def checked(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        unknown = [name for name in request.GET if name not in declared]
        if unknown:
            return operation.api.on_exception(request, UnknownQuery(unknown, declared))
        return run(request, *args, **kwargs)

    return checked
