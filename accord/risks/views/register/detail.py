"""The risk page: its sections, money figures, acceptances and history, and one section as shown."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from accord.compliance import selectors_assessments, selectors_controls
from accord.core import selectors as core_selectors
from accord.core.permissions import allows
from accord.core.web import OrgRequest, org_view, render_page, vary_on_htmx, wants_partial
from accord.incidents import selectors as incident_selectors
from accord.privacy import selectors_dpias
from accord.risks import quantified, selectors
from accord.risks.choices import AcceptanceStatus
from accord.risks.forms import SECTION_TITLES, SECTIONS, AcceptanceRequestForm
from accord.risks.models import Risk
from accord.risks.rules import may_withdraw
from accord.risks.views.money import risk_lec_spec


def _money_context(org: Any, risk: Risk) -> dict[str, Any]:
    """The risk in money for its page (None without an estimate, or when it is closed), why the engine
    left it out (if it did), and the text equivalent of its loss exceedance curve for the image's `alt`."""
    state = quantified.money_of(org, risk)
    return {"money": state.money, "money_problem": state.problem, "money_figures": state.figures,
            "risk_controls": list(selectors_controls.controls_of_risk(org, risk)),
            "risk_findings": selectors_assessments.findings_of_risk(org, risk),
            "risk_lessons": incident_selectors.lessons_of_risk(org, risk),
            "risk_dpias": list(selectors_dpias.risk_dpias(org, risk)),
            "money_computing": state.computing,
            "money_chart": risk_lec_spec(org, risk, state.money).description if state.money else ""}


def _acceptance_rows(request: OrgRequest, risk: Risk) -> list[dict[str, Any]]:
    role = request.membership.role
    can_sign, can_withdraw = allows(role, "acceptance.sign"), allows(role, "acceptance.withdraw")
    rows = []
    for acceptance in selectors.acceptances(request.org, risk):
        signature_state = selectors.acceptance_signature_state(acceptance)
        state = acceptance.state  # type: ignore[attr-defined]  # annotated by the selector
        rows.append({
            "acceptance": acceptance, "state": state, "state_label": AcceptanceStatus(state).label,
            "signatures": list(acceptance.signatures.all()), "awaiting": signature_state.awaiting_labels,
            "required": signature_state.required_labels,
            "can_sign": can_sign and signature_state.can_sign(request.membership),
            "can_withdraw": can_withdraw and state in (AcceptanceStatus.PENDING, AcceptanceStatus.IN_FORCE)
            and may_withdraw(request.membership, requested_by_id=acceptance.created_by_id,
                             required=acceptance.required_signatories, owner_id=risk.owner_id),
        })
    return rows


def detail_context(request: OrgRequest, risk: Risk, *,
                   acceptance_form: AcceptanceRequestForm | None = None) -> dict[str, Any]:
    org = request.org
    return {
        "risk": risk, "matrix": selectors.current_matrix(org),
        "history": core_selectors.object_history(org, risk),
        "acceptances": _acceptance_rows(request, risk),
        "acceptance_form": acceptance_form or AcceptanceRequestForm(),
        "sections": [(name, SECTION_TITLES[name]) for name in SECTIONS],
        **_money_context(org, risk),
    }


@org_view("risk.view")
@require_GET
def risk_detail(request: OrgRequest, risk_id: str) -> HttpResponse:
    risk = selectors.access_risk(request.org, risk_id)
    return render(request, "risks/detail.html", detail_context(request, risk))


def section_name(section: str) -> str:
    if section not in SECTIONS:
        raise Http404("No such section.")
    return section


@org_view("risk.view")
@require_GET
def risk_section(request: OrgRequest, risk_id: str, section: str) -> HttpResponse:
    """One section of the risk page as shown (what an inline edit's Cancel swaps back)."""
    org = request.org
    risk = selectors.access_risk(org, risk_id)
    section = section_name(section)
    if not wants_partial(request):
        return vary_on_htmx(redirect(reverse("risks:detail", kwargs={"org": org.slug, "risk_id": risk.pk})
                                     + f"#section-{section}"))
    context = {"risk": risk, "section": section, "title": SECTION_TITLES[section], "refocus": True,
               "matrix": selectors.current_matrix(org),
               **(_money_context(org, risk) if section == "money" else {})}
    return render_page(request, "risks/section_edit.html", "risks/_section.html", context)
