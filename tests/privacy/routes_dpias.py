"""The DPIAs' routes for the generic suites (added to tests/privacy/routes.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from accord.core import services as core_services
from accord.core.models import Membership, Organization
from accord.privacy import services_dpias, services_ropa
from tests.factories import Persona, make_member
from tests.routes import Route, Seed, own

API = "/api/v1/orgs/{org}/privacy/dpias"
_CRITERIA = ["sensitive_data", "large_scale"]


def _activity(org: Organization, name: str) -> Any:
    activity = services_ropa.do_create_activity(None, org, {"name": name})
    services_ropa.do_screen_activity(None, org, activity, criteria=_CRITERIA)
    return activity


def _dpia(org: Organization, name: str, *, stage: str) -> Any:
    dpia = services_dpias.do_create_dpia(None, org, _activity(org, name), description=f"{name}: the processing",
                                         necessity=f"{name}: necessary and proportionate")
    services_dpias.do_add_dpia_risk(None, org, dpia, {"title": f"{name} risk", "likelihood": 3, "impact": 3,
                                                      "residual_likelihood": 2, "residual_impact": 2})
    if stage in ("review", "awaiting"):
        services_dpias.do_submit_dpia(None, org, dpia)
    if stage == "awaiting":
        dpo = _member(org, "dpo")
        services_dpias.do_advise_dpia(dpo.user, org, dpia, advice=f"{name}: proceed")
    return dpia


def _member(org: Organization, role: str) -> Membership:
    """A member holding `role` (one already there: the members list stays under one page as the world grows)."""
    found = Membership.objects.for_org(org).filter(role=role).select_related("user").order_by("pk").first()
    return found if found is not None else make_member(org, role, email=f"dpia-{role}@{org.slug}.test").membership


def seed_dpias(org: Organization) -> Seed:
    """In `org`: a CIO and a CISO to sign; a DPIA in draft (complete, with a risk), one in review, one awaiting the
    decision, and a screened activity without a DPIA; texts carry the organisation's name (B's canary)."""
    _member(org, "cio")
    _member(org, "ciso")
    return {"dpia_draft": _dpia(org, f"{org.name} canary video monitoring", stage="draft"),
            "dpia_review": _dpia(org, f"{org.name} canary genetic research", stage="review"),
            "dpia_awaiting": _dpia(org, f"{org.name} canary patient portal", stage="awaiting"),
            "dpia_free_activity": _activity(org, f"{org.name} canary telemedicine")}


def grow_dpias(seed: Seed, n: int) -> None:
    """More DPIAs (2 for n=3, 11 for n=30), each on an activity of its own with a risk, a third in review and a
    third awaiting the decision: a third of `n` keeps the activities' list (the record's grower adds `n` too)
    within one API page (50 rows), where the pagination's count query would show as a query per row."""
    org = seed["org"]
    # Another app's growth may have the CISO report to the CEO: someone signs for the board.
    if not Membership.objects.for_org(org).filter(board_representative=True).exists():
        core_services.do_change_member(None, org, _member(org, "viewer"), board_representative=True)
    for k in range(n // 3 + 1):
        _dpia(org, f"Grown DPIA {k}", stage=("draft", "review", "awaiting")[k % 3])


def _id(key: str) -> Callable[[Seed, Persona], dict[str, Any]]:
    return lambda seed, persona: {"dpia_id": seed[key].pk}


def _signer(seed: Seed, persona: Persona) -> dict[str, Any]:
    # An admin or a viewer signs as the board's representative of a hybrid CIO-CISO organisation (set up here, in
    # the persona's own organisation only): the governance profile, not the role table, names the signatories.
    if own(seed, persona) and persona.role in ("admin", "viewer"):
        core_services.do_change_member(None, seed["org"], persona.membership, board_representative=True)
        core_services.do_update_governance(None, seed["org"], ciso_model="hybrid", ciso_reports_to="ceo")
    return {"dpia_id": seed["dpia_awaiting"].pk}


_DRAFT, _REVIEW = _id("dpia_draft"), _id("dpia_review")
_RISK = {"title": "Probe risk", "likelihood": 2, "impact": 2}

ROUTES: list[Route] = [
    Route(f"GET {API}/", "GET", "privacy.dpia.view", lists_data=True),
    Route(f"POST {API}/", "POST", "privacy.dpia.change",
          body=lambda s, p: {"activity": s["dpia_free_activity"].pk, "description": "Probe"}),
    Route(f"GET {API}/{{dpia_id}}/", "GET", "privacy.dpia.view", kwargs=_DRAFT, lists_data=True),
    Route(f"PATCH {API}/{{dpia_id}}/", "PATCH", "privacy.dpia.change", kwargs=_DRAFT,
          body=lambda s, p: {"necessity": "Probe necessity"}),
    Route(f"POST {API}/{{dpia_id}}/risks", "POST", "privacy.dpia.change", kwargs=_DRAFT, body=lambda s, p: _RISK),
    Route(f"POST {API}/{{dpia_id}}/submit", "POST", "privacy.dpia.change", kwargs=_DRAFT, body=lambda s, p: {}),
    Route(f"POST {API}/{{dpia_id}}/advice", "POST", "privacy.dpia.advise", kwargs=_REVIEW,
          body=lambda s, p: {"advice": "Probe advice"}),
    Route(f"POST {API}/{{dpia_id}}/decision", "POST", "privacy.dpia.decide", kwargs=_signer,
          body=lambda s, p: {"decision": "approved", "reason": "Probe"}),
    # --- web ---
    Route("dpias:list", "GET", "privacy.dpia.view", lists_data=True),
    Route("dpias:create", "GET", "privacy.dpia.change"),
    Route("dpias:create", "POST", "privacy.dpia.change",
          body=lambda s, p: {"activity": s["dpia_free_activity"].pk, "description": "Probe"}),
    Route("dpias:detail", "GET", "privacy.dpia.view", kwargs=_DRAFT, lists_data=True),
    Route("dpias:edit", "GET", "privacy.dpia.change", kwargs=_DRAFT),
    Route("dpias:edit", "POST", "privacy.dpia.change", kwargs=_DRAFT,
          body=lambda s, p: {"description": "Probe", "necessity": "Probe"}),
    Route("dpias:risk_add", "POST", "privacy.dpia.change", kwargs=_DRAFT, body=lambda s, p: _RISK),
    Route("dpias:submit", "POST", "privacy.dpia.change", kwargs=_DRAFT, body=lambda s, p: {}),
    Route("dpias:advice", "POST", "privacy.dpia.advise", kwargs=_REVIEW, body=lambda s, p: {"advice": "Probe"}),
    Route("dpias:decision", "POST", "privacy.dpia.decide", kwargs=_signer,
          body=lambda s, p: {"decision": "approved", "reason": "Probe"}),
    Route("dpias:report", "POST", "privacy.dpia.view", kwargs=_DRAFT, body=lambda s, p: {}),
]
