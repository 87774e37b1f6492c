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
    """A risk with a money estimate (and an acceptance awaiting signatures) and an appetite draft in `org`."""
    import datetime as dt

    from accord.core.clock import org_today
    from accord.risks import services as risk_services

    owner = make_member(org, "ciso", full_name=f"{org.name} risk owner")
    risk = risk_services.do_create_risk(owner.user, org, {
        "title": f"{org.name} ransomware", "category": "cyber_security", "likelihood": 4, "impact": 4,
        "owner": owner.user.email, "description": f"{org.name} canary description", "frequency_low": "0.5",
        "frequency_high": "4", "loss_low": "10000", "loss_high": "500000", "treatment_loss_reduction": "30%"})
    acceptance = risk_services.do_request_acceptance(
        owner.user, org, risk, justification=f"{org.name} accepts", expires_on=org_today(org) + dt.timedelta(days=60))
    appetite = risk_services.do_draft_appetite(owner.user, org, statement=f"{org.name} appetite",
                                               category_levels={"cyber_security": "medium"})
    return {"risk": risk, "acceptance": acceptance, "appetite": appetite, "risk_owner": owner}


def seed_invitations(org: Organization) -> Seed:
    """An open invitation in `org`, sent by an admin whose name carries the organisation's name."""
    from accord.core import services

    inviter = make_member(org, "admin", full_name=f"{org.name} inviter")
    invitation = services.do_invite_member(inviter.user, org, f"invitee@{org.slug}.test", "viewer",
                                           site_url="http://testserver")
    return {"invitation": invitation}


# Seeders run for organisation A and for organisation B (B's names carry the canary "CANARYB").
SEEDERS: list[Callable[[Organization], Seed]] = [seed_core, seed_risks, seed_invitations]


def _member(seed: Seed, persona: Persona) -> dict[str, Any]:
    return {"member_id": seed["member"].pk}


def _invitation(seed: Seed, persona: Persona) -> dict[str, Any]:
    return {"invitation_id": seed["invitation"].pk}


def _own_token(seed: Seed, persona: Persona) -> dict[str, Any]:
    # Tokens are per user: the persona's own token when it belongs to the seeded organisation,
    # otherwise a token of that organisation's member (which the persona must not reach).
    from accord.core import services

    own = persona.membership.organization_id == seed["org"].pk
    owner = persona.user if own else seed["member"].user
    token, _ = services.do_create_token(None, seed["org"], owner, name="probe")
    return {"token_id": token.pk}


# --- risks, API helpers ---
def _risk(seed: Seed, persona: Persona) -> dict[str, Any]:
    return {"risk_id": seed["risk"].pk}


def _acceptance(seed: Seed, persona: Persona) -> dict[str, Any]:
    return {"risk_id": seed["risk"].pk, "acceptance_id": seed["acceptance"].pk}


def _own(seed: Seed, persona: Persona) -> bool:
    return persona.membership.organization_id == seed["org"].pk


def _acceptance_signer(seed: Seed, persona: Persona) -> dict[str, Any]:
    # The seeded acceptance is within tolerance, so its owner alone signs: make the persona the owner
    # (only in its own organisation), so that the role table decides and the governance rule does not.
    from accord.risks import services as risk_services

    if _own(seed, persona):
        risk_services.do_update_risk(None, seed["org"], seed["risk"], {"owner": persona.user.email})
    return _acceptance(seed, persona)


def _appetite_signer(seed: Seed, persona: Persona) -> dict[str, Any]:
    # CIO and CISO sign under the default profile; an admin or viewer signs as the board representative
    # of a hybrid CIO-CISO organisation (set up here, in the persona's own organisation only).
    from accord.core import services

    if _own(seed, persona) and persona.role in ("admin", "viewer"):
        services.do_change_member(None, seed["org"], persona.membership, board_representative=True)
        services.do_update_governance(None, seed["org"], ciso_model="hybrid", ciso_reports_to="ceo")
    return {"version": seed["appetite"].version}


def _acceptance_request(seed: Seed, persona: Persona) -> dict[str, Any]:
    import datetime as dt

    from accord.core.clock import org_today

    return {"justification": "Probe", "expires_on": (org_today(seed["org"]) + dt.timedelta(days=30)).isoformat()}


def _import_file(seed: Seed, persona: Persona) -> dict[str, Any]:
    from django.core.files.uploadedfile import SimpleUploadedFile

    content = b"title,category,likelihood,impact\r\nProbe,cyber_security,2,3\r\n"
    return {"file": SimpleUploadedFile("risks.csv", content, content_type="text/csv")}


ROUTES: list[Route] = [
    # --- core, web ---
    Route("core:dashboard", "GET", "organization.view", lists_data=True),
    Route("core:members", "GET", "member.view", lists_data=True),
    Route("core:members", "POST", "member.manage", body=lambda s, p: {"email": "nobody@x.test", "role": "viewer"}),
    Route("core:member_edit", "GET", "member.manage", kwargs=_member),
    Route("core:member_edit", "POST", "member.manage", kwargs=_member, body=lambda s, p: {"role": "viewer"}),
    Route("core:member_remove", "POST", "member.manage", kwargs=_member),
    Route("core:invitation_create", "POST", "member.manage",
          body=lambda s, p: {"email": "probe-invitee@x.test", "role": "viewer"}),
    Route("core:invitation_resend", "POST", "member.manage", kwargs=_invitation),
    Route("core:invitation_revoke", "POST", "member.manage", kwargs=_invitation),
    Route("core:governance", "GET", "governance.view"),
    Route("core:governance", "POST", "governance.change",
          body=lambda s, p: {"ciso_reports_to": "board", "ciso_model": "internal", "dpo_model": "internal"}),
    # Switching the policy off: switching it on needs a second factor the personas do not have.
    Route("core:two_factor_policy", "POST", "security_policy.change", body=lambda s, p: {}),
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
    Route("GET /api/v1/orgs/{org}/security-policy/", "GET", "organization.view"),
    Route("PUT /api/v1/orgs/{org}/security-policy/", "PUT", "security_policy.change",
          body=lambda s, p: {"two_factor_required": False}),
    Route("GET /api/v1/orgs/{org}/invitations/", "GET", "member.manage", lists_data=True),
    Route("POST /api/v1/orgs/{org}/invitations/", "POST", "member.manage",
          body=lambda s, p: {"email": "probe-invitee@x.test", "role": "viewer"}),
    Route("POST /api/v1/orgs/{org}/invitations/{invitation_id}/resend/", "POST", "member.manage",
          kwargs=_invitation),
    Route("POST /api/v1/orgs/{org}/invitations/{invitation_id}/revoke/", "POST", "member.manage",
          kwargs=_invitation),
    Route("GET /api/v1/orgs/{org}/audit-events/", "GET", "audit.view", lists_data=True),
    # --- risks, web ---
    Route("risks:index", "GET", "risk.view"),
    Route("risks:list", "GET", "risk.view", lists_data=True),
    Route("risks:create", "GET", "risk.create"),
    Route("risks:create", "POST", "risk.create", body=lambda s, p: {
        "title": "Probe", "category": "cyber_security", "likelihood": "2", "impact": "3", "raised_by": "ciso",
        "status": "identified", "treatment": "mitigate"}),
    Route("risks:export", "GET", "risk.export", lists_data=True),
    Route("risks:import", "GET", "risk.import"),
    Route("risks:import", "POST", "risk.import", body=lambda s, p: _import_file(s, p)),
    Route("risks:detail", "GET", "risk.view", kwargs=lambda s, p: {"risk_id": s["risk"].pk}, lists_data=True),
    Route("risks:edit", "GET", "risk.change", kwargs=lambda s, p: {"risk_id": s["risk"].pk}),
    Route("risks:edit", "POST", "risk.change", kwargs=lambda s, p: {"risk_id": s["risk"].pk}, body=lambda s, p: {
        "title": "Renamed", "category": "cyber_security", "likelihood": "3", "impact": "3", "raised_by": "ciso",
        "status": "assessed", "treatment": "mitigate"}),
    Route("risks:delete", "POST", "risk.delete", kwargs=lambda s, p: {"risk_id": s["risk"].pk}),
    Route("risks:section", "GET", "risk.view", kwargs=lambda s, p: {"risk_id": s["risk"].pk, "section": "treatment"}),
    Route("risks:section_edit", "GET", "risk.change",
          kwargs=lambda s, p: {"risk_id": s["risk"].pk, "section": "treatment"}),
    Route("risks:section_edit", "POST", "risk.change",
          kwargs=lambda s, p: {"risk_id": s["risk"].pk, "section": "treatment"},
          body=lambda s, p: {"treatment": "transfer", "treatment_plan": "Cyber insurance"}),
    Route("risks:acceptance_request", "POST", "acceptance.request", kwargs=lambda s, p: {"risk_id": s["risk"].pk},
          body=lambda s, p: _acceptance_request(s, p)),
    Route("risks:acceptance_sign", "POST", "acceptance.sign", kwargs=lambda s, p: _acceptance_signer(s, p)),
    Route("risks:acceptance_withdraw", "POST", "acceptance.request", kwargs=lambda s, p: _acceptance(s, p)),
    Route("risks:risk_lec_svg", "GET", "risk.view", kwargs=lambda s, p: {"risk_id": s["risk"].pk}, lists_data=True),
    Route("risks:heatmap", "GET", "risk.view", lists_data=True),
    Route("risks:heatmap_svg", "GET", "risk.view", lists_data=True),
    Route("risks:portfolio", "GET", "risk.view", lists_data=True),
    Route("risks:portfolio_lec_svg", "GET", "risk.view", lists_data=True),
    Route("risks:appetite", "GET", "appetite.view", lists_data=True),
    Route("risks:appetite_draft", "POST", "appetite.draft",
          body=lambda s, p: {"statement": "Probe", "level_cyber_security": "high"}),
    Route("risks:appetite_sign", "POST", "appetite.sign", body=lambda s, p: _appetite_signer(s, p)),
    Route("risks:settings", "GET", "risk.view", lists_data=True),
    Route("risks:matrix_change", "POST", "riskmatrix.change", body=lambda s, p: {
        "likelihoods": 5, "impacts": 5, **{f"likelihood_{n}": f"L{n}" for n in range(1, 6)},
        **{f"impact_{n}": f"I{n}" for n in range(1, 6)},
        **{f"level_{a}_{b}": "medium" for a in range(1, 6) for b in range(1, 6)}}),
    Route("risks:category_create", "POST", "riskmatrix.change",
          body=lambda s, p: {"name": "Probe", "key": "probe", "position": 50}),
    Route("risks:category_edit", "GET", "riskmatrix.change",
          kwargs=lambda s, p: {"category_id": s["risk"].category_id}),
    Route("risks:category_edit", "POST", "riskmatrix.change",
          kwargs=lambda s, p: {"category_id": s["risk"].category_id},
          body=lambda s, p: {"name": "Renamed", "position": 1, "active": "on"}),
    # --- risks, API ---
    Route("GET /api/v1/orgs/{org}/risk-categories/", "GET", "risk.view", lists_data=True),
    Route("GET /api/v1/orgs/{org}/risk-matrix/", "GET", "risk.view"),
    Route("GET /api/v1/orgs/{org}/risks/", "GET", "risk.view", lists_data=True),
    Route("POST /api/v1/orgs/{org}/risks/", "POST", "risk.create",
          body=lambda s, p: {"title": "Probe", "category": "cyber_security", "likelihood": 2, "impact": 3}),
    Route("GET /api/v1/orgs/{org}/risks/export/", "GET", "risk.export", lists_data=True),
    Route("POST /api/v1/orgs/{org}/risks/import/", "POST", "risk.import", body=_import_file),
    Route("GET /api/v1/orgs/{org}/risks/{risk_id}/", "GET", "risk.view", kwargs=_risk),
    Route("PATCH /api/v1/orgs/{org}/risks/{risk_id}/", "PATCH", "risk.change", kwargs=_risk,
          body=lambda s, p: {"title": "Renamed"}),
    Route("DELETE /api/v1/orgs/{org}/risks/{risk_id}/", "DELETE", "risk.delete", kwargs=_risk),
    Route("GET /api/v1/orgs/{org}/quant/portfolio/", "GET", "risk.view", lists_data=True),
    Route("GET /api/v1/orgs/{org}/risk-appetite/", "GET", "appetite.view", lists_data=True),
    Route("PUT /api/v1/orgs/{org}/risk-appetite/", "PUT", "appetite.draft",
          body=lambda s, p: {"statement": "Probe", "category_levels": {"cyber_security": "high"}}),
    Route("POST /api/v1/orgs/{org}/risk-appetite/sign/", "POST", "appetite.sign", body=_appetite_signer),
    Route("GET /api/v1/orgs/{org}/risks/{risk_id}/acceptances/", "GET", "acceptance.view", kwargs=_risk,
          lists_data=True),
    Route("POST /api/v1/orgs/{org}/risks/{risk_id}/acceptances/", "POST", "acceptance.request", kwargs=_risk,
          body=_acceptance_request),
    Route("POST /api/v1/orgs/{org}/risks/{risk_id}/acceptances/{acceptance_id}/sign/", "POST", "acceptance.sign",
          kwargs=_acceptance_signer),
    Route("POST /api/v1/orgs/{org}/risks/{risk_id}/acceptances/{acceptance_id}/withdraw/", "POST",
          "acceptance.request", kwargs=_acceptance),
]

# Routes outside any organisation: sign-in pages, the chooser, health, API docs, and an invitation's
# e-mailed link (its token names the invitation; tests/core/test_invitations.py covers it).
UNSCOPED_UI = {"home", "healthz", "org_list", "api:api-root", "api:openapi-json", "api:openapi-view",
               "invitation_accept"}
UNSCOPED_UI_PREFIXES = ("accounts/",)  # django-allauth: sign-in, MFA, password
UNSCOPED_API = {"GET /api/v1/orgs/"}  # lists the caller's own organisations; covered by its own tests
