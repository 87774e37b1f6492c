"""What a route entry of the generic suites is, and the helpers every app's route list shares.

Each app lists its own routes in `tests/<app>/routes.py`: a `ROUTES` list of `Route` and a `SEEDERS`
list (objects the routes name), optionally `GROWERS` (more rows of what its lists show, for the
query-count suite). `tests/route_suite.py` collects every such file by itself, so a new app adds
only its own file. The generic suites (tenant isolation, role table, audit coverage, query counts)
run over the collected list and fail on any UI (URL name, method) or API operation that is not in
it, hidden API aliases included: a new route is covered the day it is added.

To add a route: append a `Route` to your app's ROUTES (and, if it needs objects, a seeder to SEEDERS).
A non-GET route must write (the suites prove an audit event was appended); one that legitimately
writes nothing says so with `writes=False, no_write_reason="..."`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from tests.factories import Persona

Seed = dict[str, Any]
Kwargs = Callable[[Seed, Persona], dict[str, Any]]
Body = Callable[[Seed, Persona], dict[str, Any]]
#: Adds `n` more rows of everything an app's lists show to `org` (the query-count suite calls it).
Grower = Callable[[Seed, int], None]

API_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")


@dataclass(frozen=True)
class Route:
    """One UI (URL name, method) or API operation, with the action the role table requires.

    `kwargs` names the seeded objects in the URL, `body` is valid input that really writes (the role
    table and the audit suite prove it wrote). Both receive the seed of the organisation called and
    the persona calling; they may set up the persona's own organisation (only that one) so that the
    role table decides and no other rule does.
    """

    key: str  # "core:members" for the UI, "GET /api/v1/orgs/{org}/members/" for the API
    method: str
    action: str
    kwargs: Kwargs | None = None
    body: Body | None = None
    lists_data: bool = False  # a list or export: must never show another organisation's canary
    writes: bool = True  # non-GET routes only: False needs `no_write_reason`
    no_write_reason: str = ""
    htmx: bool = False  # sent with `HX-Request: true` (a variant the suites derive for every UI route)
    #: False when `kwargs` name no object of an organisation (a report's name): the isolation suite then has
    #: no other organisation's object to put in this organisation's path.
    names_objects: bool = True

    def __post_init__(self) -> None:
        if self.method not in API_METHODS:
            raise ValueError(f"{self.key}: method {self.method!r} is not one of {', '.join(API_METHODS)}")
        if self.is_api and not self.key.startswith(self.method + " "):
            raise ValueError(f"{self.key}: the key's method differs from method={self.method!r}")
        if self.method != "GET" and not self.writes and not self.no_write_reason:
            raise ValueError(f"{self}: writes=False needs no_write_reason saying why this {self.method} writes nothing")
        if self.method == "GET" and not self.writes:
            raise ValueError(f"{self}: writes=False is for non-GET routes (a GET never writes)")

    @property
    def is_api(self) -> bool:
        return self.key.startswith(tuple(m + " " for m in API_METHODS))

    @property
    def path(self) -> str:
        """The API path template ('/api/v1/orgs/{org}/...'); API routes only."""
        return self.key.split(" ", 1)[1]

    @property
    def must_write(self) -> bool:
        """An allowed call must append at least one audit event."""
        return self.method != "GET" and self.writes

    def __str__(self) -> str:
        text = self.key if self.is_api else f"{self.method} {self.key}"
        return text + " [htmx]" if self.htmx else text


def own(seed: Seed, persona: Persona) -> bool:
    """True when `persona` calls its own organisation (set-up hooks change only that one)."""
    return bool(persona.membership.organization_id == seed["org"].pk)


# Routes outside any organisation: sign-in pages, the chooser, health, security.txt, API docs, and an invitation's
# e-mailed link (its token names the invitation; tests/core/test_invitations.py covers it), and a notification
# e-mail's unsubscribe link (its signed token names member and kind; tests/core/test_notifications.py covers it).
UNSCOPED_UI = {"home", "healthz", "org_list", "security_txt", "api:api-root", "api:openapi-json", "api:openapi-view",
               "invitation_accept", "notification_unsubscribe"}
UNSCOPED_UI_PREFIXES = ("accounts/",)  # django-allauth: sign-in, MFA, password
UNSCOPED_API = {"GET /api/v1/orgs/"}  # lists the caller's own organisations; covered by its own tests
