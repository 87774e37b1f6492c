"""Loading a demo register into an organisation through the services (so every write is audited),
and topping up the money data of a register loaded before the money view existed."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from accord.core.clock import org_today
from accord.core.models import Membership, Organization, User
from accord.risks import services
from accord.risks.demo.specs import Acceptance, Appetite, Money, R, Register
from accord.risks.models import Risk, RiskAcceptance
from accord.risks.selectors import access_risk


def _raised_by(category: str) -> str:
    return {"privacy": "dpo", "strategic": "cio", "it_operations": "cio", "financial": "cio"}.get(category, "ciso")


def _risk_input(spec: R, index: int, today: dt.date) -> dict[str, Any]:
    li, im, rl, ri = spec.scores
    data: dict[str, Any] = {
        "title": spec.title, "description": spec.description, "category": spec.category, "owner": spec.owner,
        "raised_by": _raised_by(spec.category), "likelihood": li, "impact": im, "residual_likelihood": rl,
        "residual_impact": ri, "status": spec.status, "treatment": spec.treatment, "treatment_plan": spec.plan,
        "tags": list(spec.tags), "affected_assets": list(spec.assets),
        # Reviews spread over the next six months unless the spec says otherwise (negative: overdue).
        "next_review": (today + dt.timedelta(days=spec.review if spec.review is not None else 20 + index * 7 % 160)),
    }
    if spec.due is not None:
        data["treatment_owner"] = spec.owner
        data["treatment_due"] = today + dt.timedelta(days=spec.due)
    if spec.quant:
        data.update(zip(("frequency_low", "frequency_high", "loss_low", "loss_high"), spec.quant, strict=True))
    return data


def _draft_and_sign(org: Organization, people: dict[str, User], appetite: Appetite) -> None:
    draft = services.do_draft_appetite(people[appetite.drafter], org, statement=appetite.statement,
                                       category_levels=appetite.levels, tolerance=appetite.tolerance)
    for email in appetite.signers:
        services.do_sign_appetite(people[email], org, version=draft.version)


def _accept(org: Organization, people: dict[str, User], risks: dict[str, Risk], spec: Acceptance,
            today: dt.date) -> None:
    risk = access_risk(org, risks[spec.title].pk)
    # The first signer requests (and signs in the same step); an acceptance left awaiting every signature is
    # requested by the system, since a requester who is a signatory signs at once.
    requester = people[spec.signers[0]] if spec.signers else None
    acceptance = services.do_request_acceptance(requester, org, risk, justification=spec.justification,
                                                compensating_measures=spec.measures,
                                                expires_on=today + dt.timedelta(days=spec.days))
    for email in spec.signers:
        if email == (requester.email if requester else None) and acceptance.signatures.filter(
                user=requester).exists():
            continue  # the requester signed in the same step
        services.do_sign_acceptance(people[email], org, acceptance)
    if spec.lapsed:
        # Demo back-dating: an acceptance lapses only as time passes, so to show a lapsed one today its
        # expiry is moved into the past directly. No application code path may do this; the audit trail
        # keeps the date it was signed with.
        RiskAcceptance.objects.for_org(org).filter(pk=acceptance.pk).update(
            expires_on=today - dt.timedelta(days=12))


@transaction.atomic
def load_register(org: Organization, register: Register) -> int:
    """Fill `org` with `register` (risks, appetite, acceptances); returns the number of risks."""
    people = {m.user.email: m.user for m in Membership.objects.for_org(org).select_related("user")}
    today = org_today(org)
    risks: dict[str, Risk] = {}
    for index, spec in enumerate(register.risks):
        data = {**_risk_input(spec, index, today), **register.money.get(spec.title, Money()).fields()}
        risks[spec.title] = services.do_create_risk(people[spec.owner], org, data)
    _draft_and_sign(org, people, register.appetite)
    for acceptance in register.acceptances:
        _accept(org, people, risks, acceptance, today)
    if register.next_draft is not None:
        _draft_and_sign(org, people, register.next_draft)
    return len(risks)


def add_money(org: Organization, register: Register) -> int:
    """Give the register's risks the money data they lack (a demo loaded before the money view existed);
    returns how many risks changed. Values already there, even changed ones, are kept."""
    changed = 0
    for title, money in register.money.items():
        risk = Risk.objects.for_org(org).select_related("owner__user").filter(title=title).first()
        if risk is None:
            continue
        missing = {name: value for name, value in money.fields().items() if getattr(risk, name) is None}
        if missing:
            services.do_update_risk(risk.owner.user if risk.owner else None, org, risk, missing)
            changed += 1
    return changed
