"""The policies' routes for the generic suites (see tests/routes.py)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from accord.core import services as core_services
from accord.core.choices import Role
from accord.core.clock import org_today
from accord.core.models import Organization
from accord.policies import services
from tests.factories import Persona, create_risk, make_member
from tests.routes import Route, Seed, own


def seed_policies(org: Organization) -> Seed:
    """In `org`: a policy in force (v1, approved by the CIO and the CISO) with an attestation campaign asking
    every role; an information-security policy and a privacy policy, each with a draft awaiting every
    approval; an exception pending to each of them (linked to a risk). Texts carry the organisation's name
    (B's canary)."""
    cio = make_member(org, "cio", full_name=f"{org.name} policies CIO")
    ciso = make_member(org, "ciso", full_name=f"{org.name} policies CISO")
    make_member(org, "dpo", full_name=f"{org.name} policies DPO")
    body = f"# {org.name} canary policy\n\nThe rules of {org.name}.\n"
    in_force = services.do_create_policy(ciso.user, org, {"title": f"{org.name} access control",
                                                          "kind": "access_control", "owner": ciso.user.email},
                                         body=body)
    services.do_approve_policy_version(ciso.user, org, in_force, version=1)
    services.do_approve_policy_version(cio.user, org, in_force, version=1)
    drafted = services.do_create_policy(None, org, {"title": f"{org.name} backup", "kind": "backup"}, body=body)
    privacy = services.do_create_policy(None, org, {"title": f"{org.name} data protection", "kind": "privacy"},
                                        body=body)
    today = org_today(org)
    campaign = services.do_launch_attestation_campaign(None, org, in_force, roles=list(Role.values),
                                                       due_on=today + dt.timedelta(days=30))
    risk = create_risk(ciso.user, org, {"title": f"{org.name} canary policy risk", "category": "cyber_security",
                                        "likelihood": 3, "impact": 3, "owner": ciso.user.email})
    exception = services.do_request_policy_exception(None, org, drafted, risk,
                                                     justification=f"{org.name} canary justification",
                                                     expires_on=today + dt.timedelta(days=60))
    privacy_exception = services.do_request_policy_exception(None, org, privacy, risk,
                                                             justification=f"{org.name} canary privacy reasons",
                                                             expires_on=today + dt.timedelta(days=60))
    return {"policy_in_force": in_force, "policy_draft": drafted, "policy_privacy": privacy,
            "campaign": campaign, "policy_risk": risk, "policy_exception": exception,
            "policy_privacy_exception": privacy_exception, "policies_ciso": ciso, "policies_cio": cio}


SEEDERS: list[Callable[[Organization], Seed]] = [seed_policies]


def grow_policies(seed: Seed, n: int) -> None:
    """`n` more policies, each with a draft awaiting approvals (one approved), an approved one in force every
    other time, an attestation campaign and an exception."""
    org, ciso, cio = seed["org"], seed["policies_ciso"], seed["policies_cio"]
    today = org_today(org)
    # Another app's growth may have the CISO report to the CEO: someone signs for the board.
    board = make_member(org, "viewer", email=f"policies-board@{org.slug}.test")
    core_services.do_change_member(None, org, board.membership, board_representative=True)
    for k in range(n):
        policy = services.do_create_policy(ciso.user, org, {"title": f"Grown policy {k}", "kind": "backup",
                                                            "owner": cio.user.email}, body=f"# Grown {k}\n")
        services.do_approve_policy_version(ciso.user, org, policy, version=1)
        if k % 2:
            services.do_approve_policy_version(cio.user, org, policy, version=1)
            services.do_launch_attestation_campaign(None, org, policy, roles=["viewer", "cio"],
                                                    due_on=today + dt.timedelta(days=10))
        services.do_request_policy_exception(None, org, policy, seed["policy_risk"], justification=f"Grown {k}",
                                             expires_on=today + dt.timedelta(days=k + 1))
        services.do_draft_policy_version(ciso.user, org, seed["policy_in_force"], body=f"# Grown text {k}\n")


GROWERS = [grow_policies]

API = "/api/v1/orgs/{org}"


def _policy(key: str) -> Callable[[Seed, Persona], dict[str, Any]]:
    return lambda seed, persona: {"policy_id": seed[key].pk}


def _version(key: str) -> Callable[[Seed, Persona], dict[str, Any]]:
    return lambda seed, persona: {"policy_id": seed[key].pk, "version": 1}


def _board(seed: Seed, persona: Persona) -> None:
    # An admin or viewer approves and signs as the board representative of a hybrid CIO-CISO organisation
    # (set up here, in the persona's own organisation only).
    if own(seed, persona) and persona.role in ("admin", "viewer"):
        core_services.do_change_member(None, seed["org"], persona.membership, board_representative=True)
        core_services.do_update_governance(None, seed["org"], ciso_model="hybrid", ciso_reports_to="ceo")


def _approver(seed: Seed, persona: Persona) -> dict[str, Any]:
    _board(seed, persona)
    key = "policy_privacy" if persona.role == "dpo" else "policy_draft"
    return {"policy_id": seed[key].pk, "version": 1}


def _exception_signer(seed: Seed, persona: Persona) -> dict[str, Any]:
    _board(seed, persona)
    key = "policy_privacy_exception" if persona.role == "dpo" else "policy_exception"
    return {"exception_id": seed[key].pk}


def _exception(seed: Seed, persona: Persona) -> dict[str, Any]:
    return {"exception_id": seed["policy_exception"].pk}


def _campaign(seed: Seed, persona: Persona) -> dict[str, Any]:
    return {"campaign_id": seed["campaign"].pk}


def _due(seed: Seed) -> str:
    return (org_today(seed["org"]) + dt.timedelta(days=20)).isoformat()


_DRAFT = {"body": "# Probe\n\nA changed text.\n", "note": "Probe"}

ROUTES: list[Route] = [
    # --- API ---
    Route(f"GET {API}/policies/", "GET", "policy.view", lists_data=True),
    Route(f"POST {API}/policies/", "POST", "policy.change", body=lambda s, p: {"template": "backup"}),
    Route(f"GET {API}/policies/{{policy_id}}/", "GET", "policy.view", kwargs=_policy("policy_in_force")),
    Route(f"PATCH {API}/policies/{{policy_id}}/", "PATCH", "policy.change", kwargs=_policy("policy_in_force"),
          body=lambda s, p: {"title": "Renamed", "review_interval_months": 6}),
    Route(f"POST {API}/policies/{{policy_id}}/review", "POST", "policy.change", kwargs=_policy("policy_in_force"),
          body=lambda s, p: {"note": "Still stands"}),
    Route(f"GET {API}/policies/{{policy_id}}/versions/", "GET", "policy.view", kwargs=_policy("policy_in_force"),
          lists_data=True),
    Route(f"POST {API}/policies/{{policy_id}}/versions/", "POST", "policy.change", kwargs=_policy("policy_in_force"),
          body=lambda s, p: _DRAFT),
    Route(f"GET {API}/policies/{{policy_id}}/versions/{{version}}/", "GET", "policy.view",
          kwargs=_version("policy_in_force")),
    Route(f"POST {API}/policies/{{policy_id}}/versions/{{version}}/approve", "POST", "policy.approve",
          kwargs=_approver),
    Route(f"GET {API}/policy-templates/", "GET", "policy.view", names_objects=False),
    Route(f"GET {API}/attestations/", "GET", "policy.view", lists_data=True),
    Route(f"POST {API}/attestations/", "POST", "attestation.launch",
          body=lambda s, p: {"policy": s["policy_in_force"].pk, "roles": ["viewer"], "due_on": _due(s)}),
    Route(f"GET {API}/attestations/{{campaign_id}}/", "GET", "policy.view", kwargs=_campaign),
    Route(f"POST {API}/attestations/{{campaign_id}}/acknowledge", "POST", "attestation.acknowledge", kwargs=_campaign),
    Route(f"POST {API}/attestations/{{campaign_id}}/remind", "POST", "attestation.launch", kwargs=_campaign),
    Route(f"GET {API}/policy-exceptions/", "GET", "policy.view", lists_data=True),
    Route(f"POST {API}/policy-exceptions/", "POST", "policyexception.request",
          body=lambda s, p: {"policy": s["policy_in_force"].pk, "risk": s["policy_risk"].pk,
                             "justification": "Probe", "expires_on": _due(s)}),
    Route(f"GET {API}/policy-exceptions/{{exception_id}}/", "GET", "policy.view", kwargs=_exception),
    Route(f"POST {API}/policy-exceptions/{{exception_id}}/sign", "POST", "policyexception.sign",
          kwargs=_exception_signer),
    Route(f"POST {API}/policy-exceptions/{{exception_id}}/withdraw", "POST", "policyexception.withdraw",
          kwargs=_exception, body=lambda s, p: {"reason": "Probe: the system is replaced"}),
    # --- web ---
    Route("policies:list", "GET", "policy.view", lists_data=True),
    Route("policies:create", "GET", "policy.change"),
    Route("policies:create", "POST", "policy.change", body=lambda s, p: {"template": "access_control"}),
    Route("policies:detail", "GET", "policy.view", kwargs=_policy("policy_in_force"), lists_data=True),
    Route("policies:edit", "GET", "policy.change", kwargs=_policy("policy_in_force")),
    Route("policies:edit", "POST", "policy.change", kwargs=_policy("policy_in_force"),
          body=lambda s, p: {"title": "Renamed", "kind": "access_control", "review_interval_months": "6"}),
    Route("policies:review", "POST", "policy.change", kwargs=_policy("policy_in_force")),
    Route("policies:export", "POST", "policy.export", kwargs=_policy("policy_in_force"),
          body=lambda s, p: {"version": "1"}),
    Route("policies:draft", "GET", "policy.change", kwargs=_policy("policy_in_force")),
    Route("policies:draft", "POST", "policy.change", kwargs=_policy("policy_in_force"), body=lambda s, p: _DRAFT),
    Route("policies:version", "GET", "policy.view", kwargs=_version("policy_in_force")),
    Route("policies:approve", "POST", "policy.approve", kwargs=_approver),
    Route("policies:campaigns", "GET", "policy.view", lists_data=True),
    Route("policies:campaign_launch", "POST", "attestation.launch", kwargs=_policy("policy_in_force"),
          body=lambda s, p: {"roles": ["viewer"], "due_on": _due(s)}),
    Route("policies:campaign", "GET", "policy.view", kwargs=_campaign),
    Route("policies:acknowledge", "POST", "attestation.acknowledge", kwargs=_campaign),
    Route("policies:remind", "POST", "attestation.launch", kwargs=_campaign),
    Route("policies:exceptions", "GET", "policy.view", lists_data=True),
    Route("policies:exception_request", "GET", "policyexception.request"),
    Route("policies:exception_request", "POST", "policyexception.request",
          body=lambda s, p: {"policy": str(s["policy_in_force"].pk), "risk": str(s["policy_risk"].pk),
                             "justification": "Probe", "expires_on": _due(s)}),
    Route("policies:exception_sign", "POST", "policyexception.sign", kwargs=_exception_signer),
    Route("policies:exception_withdraw", "POST", "policyexception.withdraw", kwargs=_exception,
          body=lambda s, p: {"reason": "Probe: the system is replaced"}),
]
