"""One answer for who must sign: after a demo organisation switches to a hybrid CIO-CISO, the appetite
page, the risk page, the API and the CLI name the same required, signed and awaiting signatories
(issue 8, "one answer per rule"; `accord.risks.selectors.signature_state`)."""

from __future__ import annotations

import re
from html import unescape

import pytest

from accord.cli import main
from accord.core import services as core_services
from accord.core.demo import load_demo
from accord.core.models import Membership, Organization
from accord.risks import selectors
from accord.risks.choices import AcceptanceStatus, Signatory
from accord.risks.models import RiskAcceptance
from tests.conftest import signed_in
from tests.factories import Persona

HYBRID = ["cio_ciso", "board"]


@pytest.fixture
def nordpay(db) -> Organization:
    """Nordpay from the demo (its newest appetite is a draft its vCISO has signed), switched to a hybrid
    CIO-CISO after the draft was made."""
    load_demo(log=lambda line: None)
    org = Organization.objects.get(slug="nordpay")
    core_services.do_update_governance(None, org, ciso_model="hybrid")
    return org


def _persona(org, email) -> Persona:
    member = Membership.objects.for_org(org).select_related("user").get(user__email=email)
    return Persona(user=member.user, membership=member, org=org)


def _plain(response) -> str:
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode())))


def _labels(slots) -> list[str]:
    return [str(Signatory(s).label) for s in slots]


def _cli(capsys, *args) -> dict[str, str]:
    assert main(list(args)) == 0
    out = capsys.readouterr().out
    return dict(line.split(": ", 1) for line in out.splitlines() if ": " in line)


def test_after_switching_to_a_hybrid_the_draft_awaits_the_hybrid_and_the_board_on_every_front(
        nordpay, client, capsys):
    state = selectors.signature_state(nordpay, selectors.appetite_draft(nordpay))
    assert list(state.required) == HYBRID
    assert list(state.awaiting) == HYBRID  # the vCISO signed as CISO, a slot the profile no longer asks for
    assert state.signed == {}

    ceo = _persona(nordpay, "ceo@nordpay.example")
    api = client.get("/api/v1/orgs/nordpay/risk-appetite/", **ceo.auth()).json()
    assert api["draft"]["required_signatories"] == HYBRID
    assert [a["slot"] for a in api["awaiting"]] == HYBRID

    page = _plain(signed_in(ceo).get("/o/nordpay/risks/appetite/"))
    version = api["draft"]["version"]
    draft_row = re.search(rf"v{version} Draft.*?Required: ([^.]*?)(?: v\d| $)", page)
    assert draft_row is not None, page
    assert draft_row.group(1).strip() == ", ".join(_labels(HYBRID))
    assert "Required: CIO, CISO" not in page.split(f"v{version} Draft")[1].split(f"v{version - 1} ")[0]
    for label in _labels(HYBRID):
        assert f"Awaiting the {label}'s signature" in page
    assert f"Draft version {version}, awaiting signatures" in page
    assert f"Required: {', '.join(_labels(HYBRID))}" in page.split("Draft a new version")[0]

    cli = _cli(capsys, "appetite", "show", "nordpay")
    assert cli["draft"].startswith(f"v{version}")
    assert cli["required"] == ", ".join(HYBRID)
    assert cli["awaiting"] == ", ".join(HYBRID)
    assert cli["signed"] == "-"

    dashboard = selectors.appetite_status(nordpay)
    assert dashboard.awaiting == _labels(HYBRID)


def test_a_pending_acceptance_names_the_same_signatories_on_the_risk_page_the_api_and_the_cli(
        nordpay, client, capsys):
    pending = (RiskAcceptance.objects.for_org(nordpay).select_related("risk")
               .filter(status=AcceptanceStatus.PENDING).order_by("pk").first())
    assert pending is not None, "the demo has an acceptance awaiting a signature"
    state = selectors.signature_state(nordpay, selectors.acceptances(nordpay, pending.risk).get(pk=pending.pk))
    assert state.awaiting

    ceo = _persona(nordpay, "ceo@nordpay.example")
    api = client.get(f"/api/v1/orgs/nordpay/risks/{pending.risk_id}/acceptances/", **ceo.auth()).json()
    row = next(a for a in api["items"] if a["id"] == pending.pk)
    assert row["required_signatories"] == list(state.required)
    assert row["awaiting"] == list(state.awaiting)

    page = _plain(signed_in(ceo).get(f"/o/nordpay/risks/register/{pending.risk_id}/"))
    for label in _labels(state.awaiting):
        assert f"Awaiting the {label}" in page

    cli = _cli(capsys, "acceptance", "show", "nordpay", pending.risk.ref, str(pending.pk))
    assert cli["required"] == ", ".join(state.required)
    assert cli["awaiting"] == ", ".join(state.awaiting)
