"""The risk register's routes for the generic suites (see tests/routes.py)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from accord.core import services as core_services
from accord.core.clock import org_today
from accord.core.models import Organization
from accord.risks import services as risk_services
from tests.factories import Persona, make_member, treat
from tests.routes import Route, Seed, own


def seed_risks(org: Organization) -> Seed:
    """A risk with a money estimate (and an acceptance awaiting signatures) and an appetite draft in `org`."""
    owner = make_member(org, "ciso", full_name=f"{org.name} risk owner")
    risk = risk_services.do_create_risk(owner.user, org, {
        "title": f"{org.name} ransomware", "category": "cyber_security", "likelihood": 4, "impact": 4,
        "owner": owner.user.email, "description": f"{org.name} canary description", "frequency_low": "0.5",
        "frequency_high": "4", "loss_low": "10000", "loss_high": "500000"})
    treat(org, risk, loss="30%")
    # Requested by the system (not by a signatory, who would sign it in the same step): it awaits its signature.
    acceptance = risk_services.do_request_acceptance(
        None, org, risk, justification=f"{org.name} accepts", expires_on=org_today(org) + dt.timedelta(days=60))
    appetite = risk_services.do_draft_appetite(owner.user, org, statement=f"{org.name} appetite",
                                               category_levels={"cyber_security": "medium"})
    archived = risk_services.do_create_risk(owner.user, org, {
        "title": f"{org.name} archived risk", "category": "privacy", "likelihood": 2, "impact": 2})
    archived = risk_services.do_archive_risk(owner.user, org, archived, reason=f"{org.name} canary archive reason")
    return {"risk": risk, "acceptance": acceptance, "appetite": appetite, "risk_owner": owner,
            "archived_risk": archived}


SEEDERS: list[Callable[[Organization], Seed]] = [seed_risks]


def grow_risks(seed: Seed, n: int) -> None:
    """`n` more risks in every state the register shows (owners, tags, overdue reviews and treatments, 90%
    ranges or an Open FAIR breakdown, acceptances awaiting or signed) and `n` edits of the seeded risk."""
    org, owner, reader = seed["org"], seed["risk_owner"], seed["persona"]
    people = [owner.user.email, reader.user.email]
    today = org_today(org)
    fair = {"tef": 2, "vulnerability": 0.5, "primary_loss": {"uniform": [1000, 20000 + n]}}
    for k in range(n):
        money = {"fair": fair} if k % 2 else {"frequency_low": "0.1", "frequency_high": "2", "loss_low": "1000",
                                              "loss_high": str(20000 + k)}
        risk = risk_services.do_create_risk(owner.user, org, {
            "title": f"Grown risk {k}", "category": ["cyber_security", "privacy", "it_operations"][k % 3],
            "likelihood": 1 + k % 5, "impact": 1 + (k * 3) % 5, "owner": people[k % 2],
            "treatment_owner": people[(k + 1) % 2], "tags": [f"t{k % 4}"],
            "next_review": (today - dt.timedelta(days=k % 7)).isoformat(),
            "treatment_due": (today - dt.timedelta(days=k % 5)).isoformat(), **money})
        acceptance = risk_services.do_request_acceptance(None, org, risk, justification=f"Grown {k}",
                                                         expires_on=today + dt.timedelta(days=30 + k))
        if k % 6 == 0 and acceptance.required_signatories == ["owner"]:  # owned by `owner` (k even)
            risk_services.do_sign_acceptance(owner.user, org, acceptance)
    for k in range(n):
        risk_services.do_update_risk(owner.user, org, seed["risk"], {"title": f"{org.name} ransomware, take {k}"})


GROWERS = [grow_risks]


def _risk(seed: Seed, persona: Persona) -> dict[str, Any]:
    return {"risk_id": seed["risk"].pk}


def _archived_risk(seed: Seed, persona: Persona) -> dict[str, Any]:
    return {"risk_id": seed["archived_risk"].pk}


def _acceptance(seed: Seed, persona: Persona) -> dict[str, Any]:
    return {"risk_id": seed["risk"].pk, "acceptance_id": seed["acceptance"].pk}


def _section(seed: Seed, persona: Persona) -> dict[str, Any]:
    return {"risk_id": seed["risk"].pk, "section": "treatment"}


def _category(seed: Seed, persona: Persona) -> dict[str, Any]:
    return {"category_id": seed["risk"].category_id}


def _acceptance_signer(seed: Seed, persona: Persona) -> dict[str, Any]:
    # The seeded acceptance is within tolerance, so its owner alone signs (and may withdraw it): make the
    # persona the owner (only in its own organisation), so that the role table decides and the governance
    # rule does not.
    if own(seed, persona):
        risk_services.do_update_risk(None, seed["org"], seed["risk"], {"owner": persona.user.email})
    return _acceptance(seed, persona)


def _appetite_signer(seed: Seed, persona: Persona) -> dict[str, Any]:
    # CIO and CISO sign under the default profile; an admin or viewer signs as the board representative
    # of a hybrid CIO-CISO organisation (set up here, in the persona's own organisation only).
    if own(seed, persona) and persona.role in ("admin", "viewer"):
        core_services.do_change_member(None, seed["org"], persona.membership, board_representative=True)
        core_services.do_update_governance(None, seed["org"], ciso_model="hybrid", ciso_reports_to="ceo")
    return {"version": seed["appetite"].version}


def _opinion(seed: Seed, persona: Persona) -> dict[str, Any]:
    return {"version": seed["appetite"].version, "text": "Probe opinion"}


def _acceptance_request(seed: Seed, persona: Persona) -> dict[str, Any]:
    return {"justification": "Probe", "expires_on": (org_today(seed["org"]) + dt.timedelta(days=30)).isoformat()}


def _import_file(seed: Seed, persona: Persona) -> dict[str, Any]:
    content = b"title,category,likelihood,impact\r\nProbe,cyber_security,2,3\r\n"
    return {"file": SimpleUploadedFile("risks.csv", content, content_type="text/csv")}


_RISK_FORM = {"category": "cyber_security", "raised_by": "ciso", "treatment": "mitigate"}

def _register_report(seed: Seed, persona: Persona) -> dict[str, Any]:
    return {"name": "register"}


ROUTES: list[Route] = [
    # --- web ---
    Route("risks:index", "GET", "risk.view"),
    Route("risks:list", "GET", "risk.view", lists_data=True),
    Route("risks:create", "GET", "risk.create"),
    Route("risks:create", "POST", "risk.create", body=lambda s, p: {
        **_RISK_FORM, "title": "Probe", "likelihood": "2", "impact": "3", "status": "identified"}),
    Route("risks:export", "GET", "risk.export", lists_data=True),
    Route("risks:import", "GET", "risk.import"),
    Route("risks:import", "POST", "risk.import", body=_import_file),
    Route("risks:detail", "GET", "risk.view", kwargs=_risk, lists_data=True),
    Route("risks:edit", "GET", "risk.change", kwargs=_risk),
    Route("risks:edit", "POST", "risk.change", kwargs=_risk, body=lambda s, p: {
        **_RISK_FORM, "title": "Renamed", "likelihood": "3", "impact": "3", "status": "assessed"}),
    Route("risks:archive", "GET", "risk.archive", kwargs=_risk),
    Route("risks:archive", "POST", "risk.archive", kwargs=_risk, body=lambda s, p: {"reason": "Probe"}),
    Route("risks:restore", "POST", "risk.archive", kwargs=_archived_risk, body=lambda s, p: {"reason": "Probe"}),
    Route("risks:section", "GET", "risk.view", kwargs=_section),
    Route("risks:section_edit", "GET", "risk.change", kwargs=_section),
    Route("risks:section_edit", "POST", "risk.change", kwargs=_section,
          body=lambda s, p: {"treatment": "transfer", "treatment_plan": "Cyber insurance"}),
    Route("risks:acceptance_request", "POST", "acceptance.request", kwargs=_risk, body=_acceptance_request),
    Route("risks:acceptance_sign", "POST", "acceptance.sign", kwargs=_acceptance_signer),
    Route("risks:acceptance_withdraw", "POST", "acceptance.withdraw", kwargs=_acceptance_signer,
          body=lambda s, p: {"reason": "Probe"}),
    Route("risks:risk_lec_svg", "GET", "risk.view", kwargs=_risk, lists_data=True),
    Route("risks:heatmap", "GET", "risk.view", lists_data=True),
    Route("risks:heatmap_svg", "GET", "risk.view", lists_data=True),
    Route("risks:portfolio", "GET", "risk.view", lists_data=True),
    Route("risks:portfolio_lec_svg", "GET", "risk.view", lists_data=True),
    # The register report, queued as a job (Huey's immediate mode in tests: printed within the request).
    Route("core:report", "POST", "report.register", kwargs=_register_report, names_objects=False),
    Route("risks:appetite", "GET", "appetite.view", lists_data=True),
    Route("risks:appetite_draft", "POST", "appetite.draft",
          body=lambda s, p: {"statement": "Probe", "level_cyber_security": "high"}),
    Route("risks:appetite_sign", "POST", "appetite.sign", body=_appetite_signer),
    Route("risks:appetite_opinion", "POST", "appetite.consult", body=_opinion),
    Route("risks:settings", "GET", "risk.view", lists_data=True),
    Route("risks:matrix_change", "POST", "riskmatrix.change", body=lambda s, p: {
        "likelihoods": 5, "impacts": 5, **{f"likelihood_{n}": f"L{n}" for n in range(1, 6)},
        **{f"impact_{n}": f"I{n}" for n in range(1, 6)},
        **{f"level_{a}_{b}": "medium" for a in range(1, 6) for b in range(1, 6)}}),
    Route("risks:category_create", "POST", "riskmatrix.change",
          body=lambda s, p: {"name": "Probe", "key": "probe", "position": 50}),
    Route("risks:category_edit", "GET", "riskmatrix.change", kwargs=_category),
    Route("risks:category_edit", "POST", "riskmatrix.change", kwargs=_category,
          body=lambda s, p: {"name": "Renamed", "position": 1, "active": "on"}),
    # --- API ---
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
    Route("POST /api/v1/orgs/{org}/risks/{risk_id}/archive/", "POST", "risk.archive", kwargs=_risk,
          body=lambda s, p: {"reason": "Probe"}),
    Route("POST /api/v1/orgs/{org}/risks/{risk_id}/restore/", "POST", "risk.archive", kwargs=_archived_risk,
          body=lambda s, p: {"reason": "Probe"}),
    Route("GET /api/v1/orgs/{org}/quant/portfolio/", "GET", "risk.view", lists_data=True),
    Route("POST /api/v1/orgs/{org}/reports/{name}/", "POST", "report.register", kwargs=_register_report,
          body=lambda s, p: {"parameters": {}}, names_objects=False),
    Route("GET /api/v1/orgs/{org}/risk-appetite/", "GET", "appetite.view", lists_data=True),
    Route("PUT /api/v1/orgs/{org}/risk-appetite/", "PUT", "appetite.draft",
          body=lambda s, p: {"statement": "Probe", "category_levels": {"cyber_security": "high"}}),
    Route("POST /api/v1/orgs/{org}/risk-appetite/sign/", "POST", "appetite.sign", body=_appetite_signer),
    Route("POST /api/v1/orgs/{org}/risk-appetite/opinions/", "POST", "appetite.consult", body=_opinion),
    Route("GET /api/v1/orgs/{org}/risk-appetite/draft/preview/", "GET", "appetite.view", lists_data=True),
    Route("GET /api/v1/orgs/{org}/risks/{risk_id}/acceptances/", "GET", "acceptance.view", kwargs=_risk,
          lists_data=True),
    Route("POST /api/v1/orgs/{org}/risks/{risk_id}/acceptances/", "POST", "acceptance.request", kwargs=_risk,
          body=_acceptance_request),
    Route("POST /api/v1/orgs/{org}/risks/{risk_id}/acceptances/{acceptance_id}/sign/", "POST", "acceptance.sign",
          kwargs=_acceptance_signer),
    Route("POST /api/v1/orgs/{org}/risks/{risk_id}/acceptances/{acceptance_id}/withdraw/", "POST",
          "acceptance.withdraw", kwargs=_acceptance_signer, body=lambda s, p: {"reason": "Probe"}),
]
