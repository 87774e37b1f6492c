"""The DPIA workflow through the API: a DPIA's risks are risks of the shared register (category privacy), flagged
against the signed appetite like any risk; prior consultation is flagged while a residual stays high; the decision
is signed by the signatories the governance profile names, each once; another organisation's DPIAs answer 404;
a viewer reads and does not write."""

from __future__ import annotations

import pytest
from django.test import Client

from accord.core.clock import org_today
from accord.core.models import AuditEvent
from accord.core.notifications.models import Notification
from accord.privacy import rules_dpia, services_dpias, services_ropa
from accord.risks.models import Risk
from accord.risks.services.appetite import do_draft_appetite
from tests.factories import make_member, sign_draft

pytestmark = pytest.mark.django_db


def api(org):
    return f"/api/v1/orgs/{org.slug}/privacy/dpias"


def call(client, persona, path, body=None, method="post"):
    return getattr(client, method)(path, body if body is not None else {}, content_type="application/json",
                                   **persona.auth())


def sign_appetite(cio, ciso, privacy="medium"):
    """The appetite in force tolerates `privacy` residuals in the privacy category (signed by CIO and CISO)."""
    do_draft_appetite(None, cio.org, statement="Careful with personal data", category_levels={"privacy": privacy})
    sign_draft(cio.user, cio.org)
    sign_draft(ciso.user, cio.org)


def screened_activity(org, name="Patient records"):
    activity = services_ropa.do_create_activity(None, org, {"name": name})
    services_ropa.do_screen_activity(None, org, activity, criteria=["sensitive_data", "large_scale"])
    return activity


def open_dpia(client, persona, activity, **body):
    answer = call(client, persona, f"{api(persona.org)}/", {"activity": activity.pk, **body})
    assert answer.status_code == 201, answer.content
    return answer.json()


def add_risk(client, persona, dpia, title, residual):
    answer = call(client, persona, f"{api(persona.org)}/{dpia['id']}/risks", {
        "title": title, "likelihood": 4, "impact": 4, "residual_likelihood": residual[0],
        "residual_impact": residual[1]})
    assert answer.status_code == 201, answer.content
    return answer.json()


def test_a_dpia_risk_is_a_register_risk_flagged_against_the_signed_appetite(client, cio, ciso, dpo):
    sign_appetite(cio, ciso, privacy="low")
    dpia = open_dpia(client, dpo, screened_activity(dpo.org))
    assert dpia["origin"] == "screening" and dpia["status"] == "draft"
    detail = add_risk(client, dpo, dpia, "Diagnoses disclosed to the wrong patient", (3, 3))
    [risk] = detail["risks"]
    assert risk["category"] == "privacy" and risk["tolerance"] == "low" and risk["above_tolerance"] is True
    register = client.get(f"/api/v1/orgs/{dpo.org.slug}/risks/?above_tolerance=true", **dpo.auth()).json()["items"]
    assert [(r["ref"], r["category"], r["above_tolerance"]) for r in register] == [(risk["ref"], "privacy", True)]
    assert AuditEvent.objects.for_org(dpo.org).filter(object_type="privacy.dpiarisk").count() == 1
    browser = Client()
    browser.force_login(ciso.user)
    pk = Risk.objects.for_org(dpo.org).get(number=int(risk["ref"].removeprefix("R-"))).pk
    page = browser.get(f"/o/{dpo.org.slug}/risks/register/{pk}/").content.decode()
    assert f'href="/o/{dpo.org.slug}/privacy/dpias/{dpia["id"]}/">{dpia["ref"]} Patient records</a>' in page


def test_prior_consultation_is_flagged_while_a_residual_stays_above_the_appetite(client, cio, ciso, dpo):
    sign_appetite(cio, ciso, privacy="medium")
    dpia = open_dpia(client, dpo, screened_activity(dpo.org))
    mitigated = add_risk(client, dpo, dpia, "Access by former staff", (1, 2))
    assert mitigated["consultation_required"] is False and mitigated["risks"][0]["high_residual"] is False
    high = add_risk(client, dpo, dpia, "Re-identification of research data", (4, 4))
    assert high["consultation_required"] is True
    assert [r["high_residual"] for r in high["risks"]] == [False, True]
    listed = client.get(f"{api(dpo.org)}/", **dpo.auth()).json()["items"]
    assert [(d["ref"], d["risk_count"]) for d in listed] == [(dpia["ref"], 2)]


def test_the_consultation_rule_reads_the_tolerance_or_a_high_level_where_none_is_signed():
    tolerated = rules_dpia.ResidualReading(residual_rank=3, above_tolerance=False, tolerance_rank=3)
    above = rules_dpia.ResidualReading(residual_rank=3, above_tolerance=True, tolerance_rank=2)
    untolerated_high = rules_dpia.ResidualReading(residual_rank=3, above_tolerance=False, tolerance_rank=None)
    untolerated_medium = rules_dpia.ResidualReading(residual_rank=2, above_tolerance=False, tolerance_rank=None)
    assert rules_dpia.consultation_required([tolerated, untolerated_medium]) is False
    assert rules_dpia.consultation_required([tolerated, above]) is True
    assert rules_dpia.consultation_required([untolerated_high]) is True
    assert rules_dpia.consultation_required([]) is False


def _awaiting_decision(client, dpo, cio, ciso):
    sign_appetite(cio, ciso)
    dpia = open_dpia(client, dpo, screened_activity(dpo.org), description="Electronic health records",
                     necessity="Only care staff, minimum data")
    add_risk(client, dpo, dpia, "Unauthorised access", (2, 2))
    submitted = call(client, ciso, f"{api(dpo.org)}/{dpia['id']}/submit")
    assert submitted.json()["status"] == "in_review", submitted.content
    advised = call(client, dpo, f"{api(dpo.org)}/{dpia['id']}/advice", {"advice": "Proceed with the measures"})
    assert advised.json()["status"] == "awaiting", advised.content
    return advised.json()


def test_the_decision_is_signed_by_the_named_signatories_each_once(client, dpo, cio, ciso, viewer):
    dpia = _awaiting_decision(client, dpo, cio, ciso)
    assert dpia["required_signatories"] == ["ciso", "cio"] and dpia["awaiting"] == ["ciso", "cio"]
    path = f"{api(dpo.org)}/{dpia['id']}/decision"
    refused = call(client, viewer, path, {"decision": "approved"})  # not the board's representative here
    assert refused.status_code == 422 and "not one of them" in refused.json()["errors"][0]["message"]
    first = call(client, cio, path, {"decision": "approved", "reason": "Residual risks within appetite"})
    assert first.status_code == 200 and first.json()["awaiting"] == ["ciso"]
    again = call(client, cio, path, {})
    assert again.status_code == 409 and "already signed" in again.json()["errors"][0]["message"]
    other = call(client, ciso, path, {"decision": "rejected", "reason": "No"})
    assert other.status_code == 409
    done = call(client, ciso, path, {})
    assert done.status_code == 200, done.content
    decided = done.json()
    assert decided["status"] == "decided" and decided["decision"] == "approved"
    assert decided["decided_on"] == org_today(dpo.org).isoformat() and decided["awaiting"] == []
    assert {s["slot"] for s in decided["signatures"]} == {"cio", "ciso"}
    assert AuditEvent.objects.for_org(dpo.org).filter(object_type="privacy.dpia", action="sign").count() == 2


def test_the_dpo_advises_but_does_not_sign_the_decision(client, dpo, cio, ciso):
    dpia = _awaiting_decision(client, dpo, cio, ciso)
    refused = call(client, dpo, f"{api(dpo.org)}/{dpia['id']}/decision", {"decision": "approved"})
    assert refused.status_code == 403  # the DPO does not hold privacy.dpia.decide (Art. 38(6))


def test_the_advice_is_the_dpos_and_comes_after_submission(client, dpo, cio, ciso):
    sign_appetite(cio, ciso)
    dpia = open_dpia(client, dpo, screened_activity(dpo.org))
    early = call(client, dpo, f"{api(dpo.org)}/{dpia['id']}/advice", {"advice": "Too early"})
    assert early.status_code == 409
    incomplete = call(client, dpo, f"{api(dpo.org)}/{dpia['id']}/submit")
    assert incomplete.status_code == 422
    assert {e["field"] for e in incomplete.json()["errors"]} == {"description", "necessity", "risks"}
    by_ciso = call(client, ciso, f"{api(dpo.org)}/{dpia['id']}/advice", {"advice": "Mine"})
    assert by_ciso.status_code == 403


def test_one_open_dpia_per_activity_and_a_dpia_by_choice_says_why(client, dpo):
    activity = screened_activity(dpo.org)
    open_dpia(client, dpo, activity)
    second = call(client, dpo, f"{api(dpo.org)}/", {"activity": activity.pk})
    assert second.status_code == 409
    plain = services_ropa.do_create_activity(None, dpo.org, {"name": "Newsletter"})
    unexplained = call(client, dpo, f"{api(dpo.org)}/", {"activity": plain.pk})
    assert unexplained.status_code == 422 and unexplained.json()["errors"][0]["field"] == "reason"
    chosen = open_dpia(client, dpo, plain, reason="New tracking technology")
    assert chosen["origin"] == "choice"


def test_a_dpia_risk_must_be_a_privacy_risk_when_linked(client, dpo, ciso):
    dpia = open_dpia(client, dpo, screened_activity(dpo.org))
    from tests.factories import create_risk
    cyber = create_risk(None, dpo.org, {"title": "Ransomware", "category": "cyber_security", "likelihood": 2,
                                        "impact": 2})
    refused = call(client, dpo, f"{api(dpo.org)}/{dpia['id']}/risks", {"risk": cyber.ref})
    assert refused.status_code == 422 and "privacy category" in refused.json()["errors"][0]["message"]
    privacy = create_risk(None, dpo.org, {"title": "Leak", "category": "privacy", "likelihood": 2, "impact": 2})
    linked = call(client, dpo, f"{api(dpo.org)}/{dpia['id']}/risks", {"risk": privacy.ref})
    assert linked.status_code == 201 and [r["ref"] for r in linked.json()["risks"]] == [privacy.ref]


def test_another_organisations_dpia_is_not_found(client, dpo, outsider):
    dpia = open_dpia(client, dpo, screened_activity(dpo.org))
    b_dpo = make_member(outsider.org, "dpo")
    for path in (f"{api(outsider.org)}/{dpia['id']}/",):
        assert client.get(path, **b_dpo.auth()).status_code == 404
    assert call(client, b_dpo, f"{api(outsider.org)}/{dpia['id']}/", {"description": "x"}, "patch").status_code == 404
    assert client.get(f"{api(outsider.org)}/", **b_dpo.auth()).json()["items"] == []


def test_a_viewer_reads_a_dpia_and_writes_nothing(client, dpo, viewer):
    activity = screened_activity(dpo.org)
    dpia = open_dpia(client, dpo, activity)
    assert client.get(f"{api(dpo.org)}/{dpia['id']}/", **viewer.auth()).status_code == 200
    before = AuditEvent.objects.for_org(dpo.org).count()
    refusals = [
        call(client, viewer, f"{api(dpo.org)}/", {"activity": activity.pk, "reason": "x"}),
        call(client, viewer, f"{api(dpo.org)}/{dpia['id']}/", {"description": "x"}, "patch"),
        call(client, viewer, f"{api(dpo.org)}/{dpia['id']}/risks", {"title": "x", "likelihood": 1, "impact": 1}),
        call(client, viewer, f"{api(dpo.org)}/{dpia['id']}/submit"),
        call(client, viewer, f"{api(dpo.org)}/{dpia['id']}/advice", {"advice": "x"}),
    ]
    assert [r.status_code for r in refusals] == [403] * 5
    assert AuditEvent.objects.for_org(dpo.org).count() == before


def test_the_dpo_is_told_a_dpia_awaits_advice_and_the_signatories_that_it_awaits_their_decision(client, dpo, cio,
                                                                                                 ciso, viewer):
    dpia = _awaiting_decision(client, dpo, cio, ciso)
    told = Notification.objects.for_org(dpo.org)
    advice = told.filter(kind=services_dpias.DPIA_ADVICE)
    assert [n.recipient for n in advice] == [dpo.membership]  # the CISO submitted: the DPO advises
    assert dpia["ref"] in advice.get().title
    decision = told.filter(kind=services_dpias.DPIA_DECISION)
    assert {n.recipient for n in decision} == {cio.membership, ciso.membership}  # the profile's slots, not the DPO
    assert all(n.link == f"/o/{dpo.org.slug}/privacy/dpias/{dpia['id']}/" for n in decision)
    call(client, cio, f"{api(dpo.org)}/{dpia['id']}/decision", {"decision": "approved"})
    assert told.filter(kind=services_dpias.DPIA_DECISION).count() == 2  # nobody is told twice
