"""The register keeps its promises (issue 9): an acceptance in force is withdrawn only by those who may,
with a reason; "accepted" is the consequence of an acceptance in force, never a typed value; on every
front (services, API, web, CLI)."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accord.cli import main
from accord.core.clock import org_today
from accord.core.models import AuditEvent
from accord.risks import selectors, services
from accord.risks.choices import AcceptanceStatus
from accord.risks.models import Risk, RiskAcceptance
from tests.conftest import signed_in
from tests.factories import make_member

API = "/api/v1/orgs/org-a"
WEB = "/o/org-a/risks"


def _appetite(org, cio, ciso):
    draft = services.do_draft_appetite(ciso.user, org, statement="Moderate cyber risk only.",
                                       category_levels={"cyber_security": "medium"})
    services.do_sign_appetite(cio.user, org, version=draft.version)
    services.do_sign_appetite(ciso.user, org, version=draft.version)


def _critical(org, actor, **extra):
    return services.do_create_risk(actor.user, org, {"title": "Ransomware", "category": "cyber_security",
                                                     "likelihood": 5, "impact": 5, **extra})


def _in_force(org, requester, signers, risk, days=90):
    acceptance = services.do_request_acceptance(requester.user, org, risk, justification="Replacement ordered",
                                                expires_on=org_today(org) + dt.timedelta(days=days))
    for signer in signers:
        if not RiskAcceptance.objects.for_org(org).filter(pk=acceptance.pk,
                                                          status=AcceptanceStatus.IN_FORCE).exists():
            try:
                services.do_sign_acceptance(signer.user, org, acceptance)
            except ValidationError as exc:  # the requester signed already in the request
                if "already signed" not in str(exc):
                    raise
    acceptance.refresh_from_db()
    assert acceptance.status == AcceptanceStatus.IN_FORCE
    return acceptance


@pytest.fixture
def accepted(org_a, cio, ciso):
    """A critical cyber risk above the signed appetite, accepted by the CISO and the CIO (requested by the CIO)."""
    _appetite(org_a, cio, ciso)
    risk = _critical(org_a, ciso)
    return risk, _in_force(org_a, cio, [ciso, cio], risk)


def _flags(org, risk):
    r = selectors.access_risk(org, risk.pk)
    return r.above_tolerance, r.accepted, r.effective_status


# --- withdrawing -------------------------------------------------------------------------------------------

def test_a_contributor_cannot_withdraw_an_acceptance_in_force(org_a, contributor, accepted):
    risk, acceptance = accepted
    with pytest.raises(PermissionDenied, match=r"requester, a required signatory .* or an admin"):
        services.do_withdraw_acceptance(contributor.user, org_a, acceptance, reason="I do not like it")
    assert _flags(org_a, risk)[1] is True


def test_a_withdrawal_needs_a_reason(org_a, cio, accepted):
    _, acceptance = accepted
    with pytest.raises(ValidationError, match="Say why the acceptance is withdrawn"):
        services.do_withdraw_acceptance(cio.user, org_a, acceptance, reason="  ")


@pytest.mark.parametrize("who", ["cio", "ciso", "admin"])
def test_the_requester_a_signatory_or_an_admin_withdraws_with_a_reason_in_the_event(org_a, request, who, accepted):
    risk, acceptance = accepted
    persona = request.getfixturevalue(who)
    services.do_withdraw_acceptance(persona.user, org_a, acceptance, reason="The replacement was cancelled")
    event = AuditEvent.objects.for_org(org_a).filter(object_type="risks.riskacceptance").order_by("-pk").first()
    assert event.changes["status"] == ["in_force", "withdrawn"]
    assert event.changes["reason"] == [None, "The replacement was cancelled"]
    # The risk is back under the tolerance checks at once: flags, status, dashboard.
    assert _flags(org_a, risk) == (True, False, "identified")
    assert risk.pk in [r.pk for r in selectors.dashboard(org_a).above_tolerance]


def test_an_external_contributor_gets_403_from_the_api_and_the_page(client, org_a, accepted):
    risk, acceptance = accepted
    external = make_member(org_a, "contributor", external=True)
    path = f"{API}/risks/{risk.pk}/acceptances/{acceptance.pk}/withdraw/"
    response = client.post(path, {"reason": "x"}, content_type="application/json", **external.auth())
    assert response.status_code == 403, response.content
    assert "requester, a required signatory" in response.json()["detail"]
    page = signed_in(external).post(f"{WEB}/register/{risk.pk}/acceptances/{acceptance.pk}/withdraw/",
                                    {"reason": "x"})
    assert page.status_code == 403
    assert _flags(org_a, risk)[1] is True


def test_the_api_withdrawal_takes_a_reason_and_the_risk_reads_above_tolerance(client, org_a, cio, accepted):
    risk, acceptance = accepted
    path = f"{API}/risks/{risk.pk}/acceptances/{acceptance.pk}/withdraw/"
    missing = client.post(path, {}, content_type="application/json", **cio.auth())
    assert missing.status_code == 422
    assert {e["field"] for e in missing.json()["errors"]} == {"reason"}
    response = client.post(path, {"reason": "Cancelled"}, content_type="application/json", **cio.auth())
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "withdrawn"
    detail = client.get(f"{API}/risks/{risk.pk}/", **cio.auth()).json()
    assert (detail["above_tolerance"], detail["accepted"], detail["status"]) == (True, False, "identified")


def test_the_page_withdraws_with_a_reason(org_a, cio, accepted):
    risk, acceptance = accepted
    client = signed_in(cio)
    client.post(f"{WEB}/register/{risk.pk}/acceptances/{acceptance.pk}/withdraw/", {"reason": ""})
    acceptance.refresh_from_db()
    assert acceptance.status == AcceptanceStatus.IN_FORCE
    client.post(f"{WEB}/register/{risk.pk}/acceptances/{acceptance.pk}/withdraw/", {"reason": "Cancelled"})
    acceptance.refresh_from_db()
    assert acceptance.status == AcceptanceStatus.WITHDRAWN


def test_the_cli_withdraws_with_a_reason_and_lists_acceptances(capsys, org_a, contributor, cio, accepted):
    risk, acceptance = accepted
    assert main(["acceptance", "list", "org-a", risk.ref]) == 0
    assert capsys.readouterr().out.startswith(f"{acceptance.pk}\tin_force\t")
    assert main(["acceptance", "withdraw", "org-a", risk.ref, str(acceptance.pk)]) == 2
    assert "--reason" in capsys.readouterr().err
    assert main(["acceptance", "withdraw", "org-a", risk.ref, str(acceptance.pk), "--reason", "x",
                 "--user", contributor.user.email]) == 1
    assert "requester, a required signatory" in capsys.readouterr().err
    assert main(["acceptance", "withdraw", "org-a", risk.ref, str(acceptance.pk), "--reason", "Cancelled",
                 "--user", cio.user.email]) == 0
    capsys.readouterr()
    assert _flags(org_a, risk) == (True, False, "identified")
    main(["risk", "list", "org-a"])
    assert capsys.readouterr().out.split("\t")[2] == "above-tolerance"


# --- "accepted" is derived ----------------------------------------------------------------------------------

@pytest.mark.parametrize("who", ["contributor", "ciso"])
def test_no_one_types_accepted_through_the_service(org_a, request, who, cio, ciso):
    _appetite(org_a, cio, ciso)
    persona = request.getfixturevalue(who)
    risk = _critical(org_a, persona)
    with pytest.raises(ValidationError, match="request an acceptance"):
        services.do_update_risk(persona.user, org_a, risk, {"status": "accepted"})
    with pytest.raises(ValidationError, match="request an acceptance"):
        _critical(org_a, persona, status="accepted")
    assert _flags(org_a, risk) == (True, False, "identified")


@pytest.mark.parametrize("who", ["contributor", "ciso"])
def test_patch_status_accepted_answers_422_naming_the_acceptance_process(client, request, who, org_a, cio, ciso):
    _appetite(org_a, cio, ciso)
    persona = request.getfixturevalue(who)
    risk = _critical(org_a, persona)
    response = client.patch(f"{API}/risks/{risk.pk}/", {"status": "accepted"}, content_type="application/json",
                            **persona.auth())
    assert response.status_code == 422
    [error] = response.json()["errors"]
    assert error["field"] == "status"
    assert "acceptance" in error["message"]
    assert client.get(f"{API}/risks/{risk.pk}/", **persona.auth()).json()["status"] == "identified"


def test_the_edit_form_offers_no_accepted_status_and_refuses_it(org_a, contributor, cio, ciso):
    _appetite(org_a, cio, ciso)
    risk = _critical(org_a, contributor)
    client = signed_in(contributor)
    page = client.get(f"{WEB}/register/{risk.pk}/sections/overview/edit/", HTTP_HX_REQUEST="true")
    assert 'value="accepted"' not in page.content.decode()
    assert 'value="closed"' in page.content.decode()
    client.post(f"{WEB}/register/{risk.pk}/sections/overview/edit/", {
        "title": risk.title, "category": "cyber_security", "raised_by": "ciso", "status": "accepted"})
    assert Risk.objects.for_org(org_a).get(pk=risk.pk).status == "identified"


def test_signing_does_not_write_the_stored_status_and_the_register_derives_it(org_a, cio, ciso, accepted):
    risk, _ = accepted
    assert Risk.objects.for_org(org_a).get(pk=risk.pk).status == "identified"
    assert _flags(org_a, risk) == (True, True, "accepted")
    assert [r.pk for r in selectors.risks(org_a, selectors.RiskFilter(status="accepted"))] == [risk.pk]
    assert [r.pk for r in selectors.risks(org_a, selectors.RiskFilter(status="identified"))] == []


def test_a_lapsed_acceptance_no_longer_shows_accepted_anywhere(client, org_a, cio, capsys, accepted):
    risk, acceptance = accepted
    RiskAcceptance.objects.for_org(org_a).filter(pk=acceptance.pk).update(
        expires_on=org_today(org_a) - dt.timedelta(days=1))
    assert _flags(org_a, risk) == (True, False, "identified")
    assert client.get(f"{API}/risks/{risk.pk}/", **cio.auth()).json()["status"] == "identified"
    register = signed_in(cio).get(f"{WEB}/register/").content.decode()
    row = register[register.index(f">{risk.ref}</a>"):]
    row = row[:row.index("</tr>")]
    assert "Accepted" not in row and "Identified" in row
    assert risk.pk in [r.pk for r in selectors.dashboard(org_a).above_tolerance]
    main(["risk", "list", "org-a"])
    assert capsys.readouterr().out.split("\t")[2] == "above-tolerance"


def test_an_export_of_an_accepted_risk_reimports_unchanged_but_a_new_accepted_row_is_refused(org_a, cio, accepted):
    risk, _ = accepted
    report = services.do_import_risks(cio.user, org_a, [(2, {"ref": risk.ref, "title": risk.title,
                                                              "status": "accepted"})], dry_run=True)
    assert [row.action for row in report.rows] == ["unchanged"]
    report = services.do_import_risks(cio.user, org_a, [(2, {"title": "New", "category": "privacy",
                                                              "likelihood": 1, "impact": 1,
                                                              "status": "accepted"})], dry_run=True)
    assert report.rows[0].action == "refused"
    assert report.rows[0].errors[0][0] == "status"


def test_an_import_row_cannot_make_a_risk_accepted_that_is_not(org_a, cio, ciso):
    _appetite(org_a, cio, ciso)
    risk = _critical(org_a, ciso)
    report = services.do_import_risks(cio.user, org_a, [(2, {"ref": risk.ref, "status": "Accepted"})], dry_run=True)
    assert [row.action for row in report.rows] == ["refused"]
    assert report.rows[0].errors[0][0] == "status"
    assert "acceptance" in report.rows[0].errors[0][1]


def test_a_contributor_who_requested_the_acceptance_may_withdraw_it(org_a, cio, ciso, contributor):
    _appetite(org_a, cio, ciso)
    risk = _critical(org_a, contributor)
    acceptance = _in_force(org_a, contributor, [ciso, cio], risk)
    services.do_withdraw_acceptance(contributor.user, org_a, acceptance, reason="Fixed after all")
    assert _flags(org_a, risk) == (True, False, "identified")
