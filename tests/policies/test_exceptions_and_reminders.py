"""Withdrawing a policy exception (pending or in force, with the reason, audited; nothing else can be
withdrawn) and the daily checks of the policies app: a policy past its review date tells its owner, an
exception ending within 30 days tells whoever asked and signed, and a campaign due within 7 days reminds
those who have not acknowledged; each once per occasion."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from accord.core.choices import Role
from accord.core.clock import org_today
from accord.core.conflict import Conflict
from accord.core.models import AuditEvent, Notification
from accord.core.notifications import services as notifications
from accord.policies import services
from accord.policies.models import Policy, PolicyException
from accord.policies.notifications import ATTESTATION_DUE, EXCEPTION_EXPIRING, REVIEW_OVERDUE
from tests.factories import create_risk
from tests.policies.factories import in_force, make_policy

pytestmark = pytest.mark.django_db


def _exception(org, ciso, cio, *, days=60):
    policy = make_policy(ciso.user, org, owner=ciso.user.email)
    risk = create_risk(ciso.user, org, {"title": "Legacy scanner", "category": "cyber_security", "likelihood": 3,
                                        "impact": 3, "owner": ciso.user.email})
    return policy, services.do_request_policy_exception(
        ciso.user, org, policy, risk, justification="The vendor cannot do MFA yet",
        expires_on=org_today(org) + dt.timedelta(days=days))


def _told(org, kind):
    return {n.recipient.role: n.title for n in Notification.objects.for_org(org).filter(kind=kind)
            .select_related("recipient")}


def test_an_exception_in_force_is_withdrawn_with_its_reason_and_audited(client, org_a, cio, ciso):
    _, exception = _exception(org_a, ciso, cio)
    services.do_sign_policy_exception(cio.user, org_a, exception)
    response = client.post(f"/api/v1/orgs/{org_a.slug}/policy-exceptions/{exception.pk}/withdraw",
                           {"reason": "The scanner was replaced"}, content_type="application/json", **cio.auth())
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["status"] == "withdrawn" and body["withdrawal_reason"] == "The scanner was replaced"
    assert body["withdrawn_by"] == cio.user.email and body["withdrawn_at"] is not None
    assert [s["slot"] for s in body["signatures"]] == ["ciso", "cio"]  # the signatures stay on record
    event = AuditEvent.objects.for_org(org_a).filter(object_type="policies.policyexception").latest("pk")
    assert event.changes == {"status": ["in_force", "withdrawn"],
                             "withdrawal_reason": [None, "The scanner was replaced"]}
    again = client.post(f"/api/v1/orgs/{org_a.slug}/policy-exceptions/{exception.pk}/withdraw",
                        {"reason": "Twice"}, content_type="application/json", **cio.auth())
    assert again.status_code == 409 and "withdrawn" in str(again.json())


def test_a_pending_exception_is_withdrawn_but_an_expired_one_and_a_blank_reason_are_refused(org_a, cio, ciso):
    _, pending = _exception(org_a, ciso, cio)
    with pytest.raises(ValidationError, match="Say why"):
        services.do_withdraw_policy_exception(ciso.user, org_a, pending, reason="  ")
    assert services.do_withdraw_policy_exception(ciso.user, org_a, pending, reason="Not needed").status == "withdrawn"
    with pytest.raises(Conflict, match="withdrawn; only one awaiting signatures"):
        services.do_sign_policy_exception(cio.user, org_a, pending)
    _, expired = _exception(org_a, ciso, cio)
    yesterday = org_today(org_a) - dt.timedelta(days=1)
    PolicyException.objects.for_org(org_a).filter(pk=expired.pk).update(expires_on=yesterday)
    with pytest.raises(Conflict, match="expired"):
        services.do_withdraw_policy_exception(ciso.user, org_a, expired, reason="Too late")


def test_a_contributor_and_a_viewer_cannot_withdraw_and_the_web_form_withdraws(client, org_a, cio, ciso, viewer,
                                                                             contributor):
    _, exception = _exception(org_a, ciso, cio)
    for persona in (viewer, contributor):
        refused = client.post(f"/api/v1/orgs/{org_a.slug}/policy-exceptions/{exception.pk}/withdraw",
                              {"reason": "Mine"}, content_type="application/json", **persona.auth())
        assert refused.status_code == 403
    client.force_login(ciso.user)
    page = client.get(f"/o/{org_a.slug}/policies/exceptions/")
    assert b"Withdraw the exception" in page.content
    client.post(f"/o/{org_a.slug}/policies/exceptions/{exception.pk}/withdraw/", {"reason": "Replaced"})
    exception.refresh_from_db()
    assert exception.status == "withdrawn" and exception.withdrawal_reason == "Replaced"
    assert "Withdrawn on" in client.get(f"/o/{org_a.slug}/policies/exceptions/").content.decode()


def test_a_policy_past_its_review_date_tells_its_owner_once(org_a, cio, ciso):
    policy = make_policy(ciso.user, org_a, owner=ciso.user.email)
    in_force(org_a, policy, ciso.user, cio.user)
    assert notifications.run_scans([org_a]) == 0  # in force, next review a year away
    due = org_today(org_a) - dt.timedelta(days=1)
    Policy.objects.for_org(org_a).filter(pk=policy.pk).update(next_review_on=due)
    notifications.run_scans([org_a])
    assert _told(org_a, REVIEW_OVERDUE) == {"ciso": f"POL-001 Information security policy was due for review on "
                                                    f"{due:%Y-%m-%d}"}
    assert notifications.run_scans([org_a]) == 0  # once per policy and review date


def test_an_exception_ending_within_30_days_tells_whoever_asked_and_signed(org_a, cio, ciso, viewer):
    _, exception = _exception(org_a, ciso, cio, days=31)
    services.do_sign_policy_exception(cio.user, org_a, exception)
    assert notifications.run_scans([org_a]) == 0  # 31 days left
    PolicyException.objects.for_org(org_a).filter(pk=exception.pk).update(
        expires_on=org_today(org_a) + dt.timedelta(days=30))
    notifications.run_scans([org_a])
    told = _told(org_a, EXCEPTION_EXPIRING)
    assert set(told) == {"ciso", "cio"}  # the CISO asked and signed, the CIO signed; not the viewer
    assert notifications.run_scans([org_a]) == 0


def test_a_campaign_due_within_a_week_reminds_only_those_who_have_not_acknowledged(org_a, cio, ciso, viewer):
    policy = make_policy(ciso.user, org_a, owner=ciso.user.email)
    in_force(org_a, policy, ciso.user, cio.user)
    campaign = services.do_launch_attestation_campaign(ciso.user, org_a, policy, roles=[Role.CIO, Role.VIEWER],
                                                       due_on=org_today(org_a) + dt.timedelta(days=10))
    services.do_acknowledge_policy(viewer.user, org_a, campaign)
    at_launch = Notification.objects.for_org(org_a).filter(kind=ATTESTATION_DUE).count()
    assert notifications.run_scans([org_a]) == 0  # due in 10 days
    type(campaign).objects.for_org(org_a).filter(pk=campaign.pk).update(due_on=org_today(org_a) + dt.timedelta(days=7))
    assert notifications.run_scans([org_a]) == 1  # the CIO only: the viewer has acknowledged
    reminded = Notification.objects.for_org(org_a).filter(kind=ATTESTATION_DUE).order_by("-pk").first()
    assert reminded.recipient.role == "cio" and at_launch == 2
    assert notifications.run_scans([org_a]) == 0
