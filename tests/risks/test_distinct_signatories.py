"""The signatories of one object are distinct people, whatever their roles become (issue 9): after an
admin changes a member's role, or for a CISO who also represents the board, the person who signed one
slot of an appetite version or an acceptance is refused a second one, on the web, the API and the CLI."""

from __future__ import annotations

import datetime as dt
import re
from html import unescape

import pytest
from django.core.exceptions import ValidationError

from accord.cli import main
from accord.core import services as core_services
from accord.core.clock import org_today
from accord.risks import selectors, services
from accord.risks.models import AcceptanceSignature, AppetiteSignature
from tests.conftest import signed_in
from tests.factories import sign_draft

FRONTS = ("web", "api", "cli")
REFUSAL = re.compile(r"already signed .* as CISO; its signatories must be different people")


def _draft(org, actor):
    return services.do_draft_appetite(actor, org, statement="Moderate cyber risk.",
                                      category_levels={"cyber_security": "medium"})


def _sign_appetite(front, persona, version, client, capsys) -> str:
    """Sign the draft as `persona` through `front`; the refusal's text (or "" when it was accepted)."""
    if front == "web":
        response = signed_in(persona).post("/o/org-a/risks/appetite/sign/", {"version": version}, follow=True)
        text = unescape(re.sub(r"\s+", " ", response.content.decode()))
        return text if "already signed" in text or "must be" in text else ""
    if front == "api":
        response = client.post("/api/v1/orgs/org-a/risk-appetite/sign/", {"version": version},
                               content_type="application/json", **persona.auth())
        return "" if response.status_code == 200 else f"{response.status_code} {response.json()}"
    code = main(["appetite", "sign", "org-a", "--user", persona.user.email, "--version", str(version)])
    err = capsys.readouterr().err
    return "" if code == 0 else err


def _sign_acceptance(front, persona, acceptance, client, capsys) -> str:
    risk = acceptance.risk
    if front == "web":
        response = signed_in(persona).post(f"/o/org-a/risks/register/{risk.pk}/acceptances/{acceptance.pk}/sign/",
                                           follow=True)
        text = unescape(re.sub(r"\s+", " ", response.content.decode()))
        return text if "already signed" in text or "must be" in text else ""
    if front == "api":
        response = client.post(f"/api/v1/orgs/org-a/risks/{risk.pk}/acceptances/{acceptance.pk}/sign/",
                               content_type="application/json", **persona.auth())
        return "" if response.status_code == 200 else f"{response.status_code} {response.json()}"
    code = main(["acceptance", "sign", "org-a", risk.ref, str(acceptance.pk), "--user", persona.user.email])
    err = capsys.readouterr().err
    return "" if code == 0 else err


@pytest.mark.parametrize("front", FRONTS)
def test_a_ciso_made_cio_cannot_sign_the_same_appetite_version_again(front, org_a, admin, ciso, client, capsys):
    draft = _draft(org_a, ciso.user)
    assert _sign_appetite(front, ciso, draft.version, client, capsys) == ""
    core_services.do_change_member(admin.user, org_a, ciso.membership, role="cio")

    refusal = _sign_appetite(front, ciso, draft.version, client, capsys)

    assert REFUSAL.search(refusal), refusal
    if front == "api":
        assert refusal.startswith("409")
    assert list(AppetiteSignature.objects.for_org(org_a).values_list("slot", flat=True)) == ["ciso"]
    assert selectors.appetite_in_force(org_a) is None
    assert list(selectors.signature_state(org_a, draft).awaiting) == ["cio"]


@pytest.mark.parametrize("front", FRONTS)
def test_a_ciso_made_board_representative_fills_only_one_slot_of_an_acceptance(front, org_a, admin, cio, ciso,
                                                                               client, capsys):
    core_services.do_update_governance(None, org_a, ciso_reports_to="board")
    _draft(org_a, ciso.user)
    sign_draft(cio.user, org_a)
    sign_draft(ciso.user, org_a)
    risk = services.do_create_risk(cio.user, org_a, {"title": "Ransomware", "category": "cyber_security",
                                                     "likelihood": 4, "impact": 4, "owner": cio.user.email})
    acceptance = services.do_request_acceptance(cio.user, org_a, risk, justification="Until the new backups",
                                                expires_on=org_today(org_a) + dt.timedelta(days=60))
    assert acceptance.required_signatories == ["ciso", "board"]
    acceptance = selectors.access_acceptance(org_a, risk, acceptance.pk)
    assert _sign_acceptance(front, ciso, acceptance, client, capsys) == ""
    core_services.do_change_member(admin.user, org_a, ciso.membership, role="viewer", board_representative=True)

    refusal = _sign_acceptance(front, ciso, acceptance, client, capsys)

    assert REFUSAL.search(refusal), refusal
    assert list(AcceptanceSignature.objects.for_org(org_a).values_list("slot", flat=True)) == ["ciso"]
    assert not selectors.access_risk(org_a, risk.pk).accepted
    services.do_sign_acceptance(admin.user, org_a, acceptance)  # a different board representative signs
    assert selectors.access_risk(org_a, risk.pk).accepted


def test_a_member_made_ciso_after_signing_as_cio_is_refused_by_the_service(org_a, admin, cio, ciso):
    draft = _draft(org_a, ciso.user)
    sign_draft(cio.user, org_a)
    core_services.do_change_member(admin.user, org_a, ciso.membership, role="contributor")
    core_services.do_change_member(admin.user, org_a, cio.membership, role="ciso")
    with pytest.raises(ValidationError, match="already signed Risk appetite v1 as CIO; its signatories must be"):
        sign_draft(cio.user, org_a)
    assert selectors.signature_state(org_a, draft).awaiting == ("ciso",)
