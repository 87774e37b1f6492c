"""An acceptance records what it was signed for (issue 9): the residual position and level and the
tolerance verdict at request time. A signature binds to that record; a risk that moves above it, or
out of the tolerance it was judged within, is no longer covered, everywhere. The requester who is a
required signatory signs in the same step."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from accord.cli import main
from accord.core.clock import org_today
from accord.core.models import AuditEvent
from accord.risks import selectors, services
from accord.risks.models import RiskAcceptance
from tests.conftest import signed_in

API = "/api/v1/orgs/org-a"


def _appetite(org, cio, ciso, level="medium"):
    draft = services.do_draft_appetite(ciso.user, org, statement="Moderate cyber risk only.",
                                       category_levels={"cyber_security": level})
    services.do_sign_appetite(cio.user, org, version=draft.version)
    services.do_sign_appetite(ciso.user, org, version=draft.version)


def _expiry(org, days=60):
    return org_today(org) + dt.timedelta(days=days)


def _api(client, persona, method, path, payload=None):
    call = getattr(client, method)
    if payload is None:
        return call(f"{API}{path}", **persona.auth())
    return call(f"{API}{path}", payload, content_type="application/json", **persona.auth())


def test_the_lower_accept_raise_attack_leaves_the_risk_above_tolerance_and_not_accepted(
        client, org_a, cio, ciso, contributor, capsys):
    _appetite(org_a, cio, ciso)
    created = _api(client, contributor, "post", "/risks/", {
        "title": "Ransomware", "category": "cyber_security", "likelihood": 5, "impact": 5,
        "owner": contributor.user.email})
    assert created.status_code == 201, created.content
    rid = created.json()["id"]
    # Lower the residual to 1×1: within tolerance, so the owner (the contributor) alone would accept it.
    assert _api(client, contributor, "patch", f"/risks/{rid}/", {"residual_likelihood": 1,
                                                                 "residual_impact": 1}).status_code == 200
    body = _api(client, contributor, "post", f"/risks/{rid}/acceptances/", {
        "justification": "Low", "expires_on": _expiry(org_a).isoformat()}).json()
    assert (body["residual_likelihood"], body["residual_impact"], body["residual_level"]) == (1, 1, "low")
    assert body["above_tolerance_when_requested"] is False
    assert body["status"] == "in_force"  # the requester is the owner: signed in the same step
    assert _api(client, contributor, "get", f"/risks/{rid}/").json()["accepted"] is True
    # Raise it back to 5×5.
    assert _api(client, contributor, "patch", f"/risks/{rid}/", {"residual_likelihood": 5,
                                                                 "residual_impact": 5}).status_code == 200
    detail = _api(client, contributor, "get", f"/risks/{rid}/").json()
    assert (detail["residual_level"], detail["above_tolerance"], detail["accepted"], detail["status"]) == (
        "critical", True, False, "identified")
    listed = _api(client, contributor, "get", f"/risks/{rid}/acceptances/").json()["items"]
    assert listed[0]["status"] == "exceeded"
    assert rid in [r.pk for r in selectors.dashboard(org_a).above_tolerance]
    assert "Above the signed risk appetite" in signed_in(cio).get(f"/o/org-a/risks/register/{rid}/").content.decode()
    main(["risk", "list", "org-a"])
    assert capsys.readouterr().out.split("\t")[2] == "above-tolerance"


def test_an_acceptance_records_the_residual_and_the_verdict_it_is_requested_for(org_a, cio, ciso):
    _appetite(org_a, cio, ciso)
    risk = services.do_create_risk(ciso.user, org_a, {"title": "R", "category": "cyber_security",
                                                      "likelihood": 5, "impact": 4})
    acceptance = services.do_request_acceptance(cio.user, org_a, risk, justification="x", expires_on=_expiry(org_a))
    assert (acceptance.residual_likelihood, acceptance.residual_impact, acceptance.residual_level,
            acceptance.above_tolerance_when_requested) == (5, 4, "critical", True)
    event = AuditEvent.objects.for_org(org_a).filter(object_type="risks.riskacceptance", action="create").get()
    assert event.changes["residual"] == [None, "5×4 critical"]
    assert event.changes["above_tolerance"] == [None, True]


def test_a_signature_is_refused_when_the_residual_changed_since_the_request(client, org_a, cio, ciso):
    _appetite(org_a, cio, ciso)
    risk = services.do_create_risk(ciso.user, org_a, {"title": "R", "category": "cyber_security",
                                                      "likelihood": 5, "impact": 5})
    acceptance = services.do_request_acceptance(ciso.user, org_a, risk, justification="x", expires_on=_expiry(org_a))
    services.do_update_risk(ciso.user, org_a, risk, {"residual_likelihood": 4, "residual_impact": 5})
    with pytest.raises(ValidationError,
                       match=r"requested for a residual of 5×5 \(Critical\), above tolerance; it is now 4×5"):
        services.do_sign_acceptance(cio.user, org_a, acceptance)
    response = _api(client, cio, "post", f"/risks/{risk.pk}/acceptances/{acceptance.pk}/sign/", {})
    assert response.status_code == 409
    assert response.json()["errors"][0]["field"] == "acceptance"


def test_a_tighter_appetite_takes_the_cover_of_an_acceptance_signed_within_tolerance(org_a, cio, ciso):
    _appetite(org_a, cio, ciso, level="high")
    risk = services.do_create_risk(ciso.user, org_a, {"title": "R", "category": "cyber_security",
                                                      "likelihood": 4, "impact": 4, "owner": ciso.user.email})
    acceptance = services.do_request_acceptance(ciso.user, org_a, risk, justification="x", expires_on=_expiry(org_a))
    assert acceptance.required_signatories == ["owner"]
    assert selectors.access_risk(org_a, risk.pk).accepted
    _appetite(org_a, cio, ciso, level="medium")  # now above tolerance: the owner's signature no longer suffices
    shown = selectors.access_risk(org_a, risk.pk)
    assert (shown.above_tolerance, shown.accepted) == (True, False)
    assert selectors.acceptances(org_a, risk).get().state == "exceeded"


def test_a_risk_lowered_below_what_was_signed_stays_covered(org_a, cio, ciso):
    _appetite(org_a, cio, ciso)
    risk = services.do_create_risk(ciso.user, org_a, {"title": "R", "category": "cyber_security",
                                                      "likelihood": 5, "impact": 5})
    acceptance = services.do_request_acceptance(cio.user, org_a, risk, justification="x", expires_on=_expiry(org_a))
    services.do_sign_acceptance(ciso.user, org_a, acceptance)
    services.do_update_risk(ciso.user, org_a, risk, {"residual_likelihood": 4, "residual_impact": 4})
    assert selectors.access_risk(org_a, risk.pk).accepted


def test_the_requester_who_is_a_signatory_signs_in_the_same_step(org_a, cio, ciso):
    _appetite(org_a, cio, ciso)
    risk = services.do_create_risk(ciso.user, org_a, {"title": "R", "category": "cyber_security",
                                                      "likelihood": 5, "impact": 5})
    acceptance = services.do_request_acceptance(cio.user, org_a, risk, justification="x", expires_on=_expiry(org_a))
    assert acceptance.status == "pending"
    assert list(acceptance.signatures.values_list("slot", "user")) == [("cio", cio.user.pk)]
    events = list(AuditEvent.objects.for_org(org_a).filter(object_type="risks.riskacceptance")
                  .order_by("pk").values_list("action", flat=True))
    assert events == ["create", "sign"]
    with pytest.raises(ValidationError, match="already signed"):
        services.do_sign_acceptance(cio.user, org_a, acceptance)
    services.do_sign_acceptance(ciso.user, org_a, acceptance)
    acceptance.refresh_from_db()
    assert acceptance.status == "in_force"


def test_a_requester_who_is_no_signatory_only_requests(org_a, cio, ciso, contributor):
    _appetite(org_a, cio, ciso)
    risk = services.do_create_risk(ciso.user, org_a, {"title": "R", "category": "cyber_security",
                                                      "likelihood": 5, "impact": 5})
    acceptance = services.do_request_acceptance(contributor.user, org_a, risk, justification="x",
                                                expires_on=_expiry(org_a))
    assert not RiskAcceptance.objects.for_org(org_a).get(pk=acceptance.pk).signatures.exists()


def test_a_newer_acceptance_supersedes_the_older_with_its_reason_and_the_cli_shows_what_was_signed(
        org_a, ciso, capsys):
    risk = services.do_create_risk(ciso.user, org_a, {"title": "R", "category": "it_operations", "likelihood": 2,
                                                      "impact": 1, "owner": ciso.user.email})
    older = services.do_request_acceptance(ciso.user, org_a, risk, justification="x", expires_on=_expiry(org_a))
    newer = services.do_request_acceptance(ciso.user, org_a, risk, justification="y", expires_on=_expiry(org_a, 90))
    older.refresh_from_db()
    assert (older.status, older.withdrawal_reason) == ("withdrawn", f"Superseded by acceptance {newer.pk}, in force "
                                                                    "from today.")
    event = AuditEvent.objects.for_org(org_a).filter(object_type="risks.riskacceptance", object_id=str(older.pk),
                                                     action="update").get()
    assert event.changes["reason"][1].startswith("Superseded")
    assert main(["acceptance", "show", "org-a", risk.ref, str(newer.pk)]) == 0
    assert "signed for: residual 2x1 low, within tolerance, category it_operations" in capsys.readouterr().out
