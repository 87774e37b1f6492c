"""No write to the register happens without its audit event, not even one the database would do by itself:
a foreign key between two tenant objects never cascades or nulls on delete (RESTRICT, checked for every app
by tests/test_tenant_links.py), so the only way an owner, an acceptance or a signature changes is a service
that records it (archiving, handing over)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db.models import RestrictedError

from accord.core.clock import org_today
from accord.core.models import Membership
from accord.risks import services
from accord.risks.models import AcceptanceSignature, Risk, RiskAcceptance


def _accepted_risk(org, ciso):
    risk = services.do_create_risk(ciso.user, org, {"title": "Phishing", "category": "cyber_security",
                                                    "likelihood": 1, "impact": 1, "owner": ciso.user.email})
    acceptance = services.do_request_acceptance(ciso.user, org, risk, justification="Low",
                                                expires_on=org_today(org) + dt.timedelta(days=30))
    assert acceptance.status == "in_force"  # the owner requested and signed in the same step
    return risk, acceptance


def test_a_member_who_owns_risks_cannot_vanish_behind_the_services_back(org_a, ciso):
    risk, _ = _accepted_risk(org_a, ciso)
    with pytest.raises(RestrictedError, match="restricted foreign keys"):
        Membership.objects.for_org(org_a).filter(pk=ciso.membership.pk).delete()
    assert Risk.objects.for_org(org_a).get(pk=risk.pk).owner_id == ciso.membership.pk


def test_a_risk_with_acceptances_and_an_acceptance_with_signatures_cannot_be_deleted(org_a, ciso):
    risk, acceptance = _accepted_risk(org_a, ciso)
    with pytest.raises(RestrictedError, match="restricted foreign keys"):
        Risk.objects.for_org(org_a).filter(pk=risk.pk).delete()
    with pytest.raises(RestrictedError, match="restricted foreign keys"):
        RiskAcceptance.objects.for_org(org_a).filter(pk=acceptance.pk).delete()
    assert AcceptanceSignature.objects.for_org(org_a).filter(acceptance=acceptance).count() == 1
