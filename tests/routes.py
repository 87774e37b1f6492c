"""Every route Accord serves, with the permission it needs and how to name one of an organisation's
objects in it. The generic suites (tenant isolation, role table) run over this list, and fail on any
UI URL or API operation that is not listed here: a new route is covered the day it is added.

To add a route: append a `Route` to ROUTES (and, if it needs objects, a seeder to SEEDERS).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from accord.core.models import Organization
from tests.factories import Persona, make_member

Seed = dict[str, Any]
Kwargs = Callable[[Seed, Persona], dict[str, Any]]
Body = Callable[[Seed, Persona], dict[str, Any]]


@dataclass(frozen=True)
class Route:
    """One UI URL name or API operation, with the action the role table requires."""

    key: str  # "core:members" for the UI, "GET /api/v1/orgs/{org}/members/" for the API
    method: str
    action: str
    kwargs: Kwargs | None = None
    body: Body | None = None
    lists_data: bool = False  # a list or export: must never show another organisation's canary

    @property
    def is_api(self) -> bool:
        return self.key.startswith(("GET ", "POST ", "PUT ", "PATCH ", "DELETE "))

    def __str__(self) -> str:
        return f"{self.method} {self.key}" if not self.is_api else self.key


def seed_core(org: Organization) -> Seed:
    """Objects of the core app in `org`: a second member to act on."""
    other = make_member(org, "contributor", full_name=f"{org.name} colleague")
    return {"org": org, "member": other.membership}


def seed_risks(org: Organization) -> Seed:
    """A risk (with an acceptance awaiting signatures) and an appetite draft in `org`."""
    import datetime as dt

    from accord.risks import services as risk_services
    from accord.risks.services.acceptances import org_today

    owner = make_member(org, "ciso", full_name=f"{org.name} risk owner")
    risk = risk_services.do_create_risk(owner.user, org, {
        "title": f"{org.name} ransomware", "category": "cyber_security", "likelihood": 4, "impact": 4,
        "owner": owner.user.email, "description": f"{org.name} canary description"})
    acceptance = risk_services.do_request_acceptance(
        owner.user, org, risk, justification=f"{org.name} accepts", expires_on=org_today(org) + dt.timedelta(days=60))
    appetite = risk_services.do_draft_appetite(owner.user, org, statement=f"{org.name} appetite",
                                               category_levels={"cyber_security": "medium"})
    return {"risk": risk, "acceptance": acceptance, "appetite": appetite, "risk_owner": owner}


# Seeders run for organisation A and for organisation B (B's names carry the canary "CANARYB").
SEEDERS: list[Callable[[Organization], Seed]] = [seed_core, seed_risks]


def _member(seed: Seed, persona: Persona) -> dict[str, Any]:
    return {"member_id": seed["member"].pk}


def _own_token(seed: Seed, persona: Persona) -> dict[str, Any]:
    # Tokens are per user: the persona's own token when it belongs to the seeded organisation,
    # otherwise a token of that organisation's member (which the persona must not reach).
    from accord.core import services

    own = persona.membership.organization_id == seed["org"].pk
    owner = persona.user if own else seed["member"].user
    token, _ = services.do_create_token(None, seed["org"], owner, name="probe")
    return {"token_id": token.pk}


ROUTES: list[Route] = [
    # --- core, web ---
    Route("core:dashboard", "GET", "organization.view", lists_data=True),
    Route("core:members", "GET", "member.view", lists_data=True),
    Route("core:members", "POST", "member.manage", body=lambda s, p: {"email": "nobody@x.test", "role": "viewer"}),
    Route("core:member_edit", "GET", "member.manage", kwargs=_member),
    Route("core:member_edit", "POST", "member.manage", kwargs=_member, body=lambda s, p: {"role": "viewer"}),
    Route("core:member_remove", "POST", "member.manage", kwargs=_member),
    Route("core:governance", "GET", "governance.view"),
    Route("core:governance", "POST", "governance.change",
          body=lambda s, p: {"ciso_reports_to": "board", "ciso_model": "internal", "dpo_model": "internal"}),
    Route("core:audit_trail", "GET", "audit.view", lists_data=True),
    Route("core:tokens", "GET", "token.manage_own", lists_data=True),
    Route("core:tokens", "POST", "token.manage_own", body=lambda s, p: {"name": "probe"}),
    Route("core:token_revoke", "POST", "token.manage_own", kwargs=_own_token),
    # --- core, API ---
    Route("GET /api/v1/orgs/{org}/", "GET", "organization.view"),
    Route("GET /api/v1/orgs/{org}/governance/", "GET", "governance.view"),
    Route("PUT /api/v1/orgs/{org}/governance/", "PUT", "governance.change",
          body=lambda s, p: {"ciso_reports_to": "board", "ciso_model": "internal", "dpo_model": "internal"}),
    Route("GET /api/v1/orgs/{org}/members/", "GET", "member.view", lists_data=True),
    Route("GET /api/v1/orgs/{org}/audit-events/", "GET", "audit.view", lists_data=True),
    # --- risks, web ---
    # --- risks, API ---
]

# Routes outside any organisation: sign-in pages, the chooser, health, API docs.
UNSCOPED_UI = {"home", "healthz", "org_list", "api:api-root", "api:openapi-json", "api:openapi-view"}
UNSCOPED_UI_PREFIXES = ("accounts/",)  # django-allauth: sign-in, MFA, password
UNSCOPED_API = {"GET /api/v1/orgs/"}  # lists the caller's own organisations; covered by its own tests
