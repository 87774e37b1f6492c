"""The DPO has a say on the appetite (issue 9): when the governance profile consults the DPO (the
default), the DPO sees the draft and records an opinion, audited and shown to the signatories on every
front; it is not a signature and blocks nothing."""

from __future__ import annotations

import re
from html import unescape

import pytest
from django.core.exceptions import ValidationError

from accord.cli import main
from accord.core import services as core_services
from accord.core.models import AuditEvent
from accord.risks import selectors, services
from tests.conftest import signed_in
from tests.factories import sign_draft

OPINION = "Lowering privacy to low is right while the DPIA on the new CRM is open."


@pytest.fixture
def draft(org_a, ciso):
    return services.do_draft_appetite(ciso.user, org_a, statement="Low privacy risk.",
                                      category_levels={"privacy": "low"})


def _plain(response) -> str:
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode())))


def test_the_profile_consults_the_dpo_by_default_and_can_stop(org_a, client, admin):
    assert core_services.do_update_governance(None, org_a).dpo_consulted_on_appetite is True
    body = client.put("/api/v1/orgs/org-a/governance/", {"ciso_reports_to": "cio", "ciso_model": "internal",
                      "dpo_model": "internal", "dpo_consulted_on_appetite": False},
                      content_type="application/json", **admin.auth()).json()
    assert body["dpo_consulted_on_appetite"] is False
    assert main(["org", "governance", "org-a", "--dpo-consulted-on-appetite"]) == 0


def test_the_dpo_records_an_opinion_on_the_page_and_the_signatories_see_it(org_a, draft, dpo, cio):
    page = signed_in(dpo).get("/o/org-a/risks/appetite/").content.decode()
    assert "Record my opinion on version 1" in page
    assert "Record my opinion" not in signed_in(cio).get("/o/org-a/risks/appetite/").content.decode()
    response = signed_in(dpo).post("/o/org-a/risks/appetite/opinion/", {"version": 1, "text": OPINION}, follow=True)
    assert "Opinion recorded" in _plain(response)
    cio_page = _plain(signed_in(cio).get("/o/org-a/risks/appetite/"))
    assert OPINION in cio_page and "The DPO's opinion" in cio_page
    event = AuditEvent.objects.for_org(org_a).filter(object_type="risks.appetiteopinion").get()
    assert event.changes["text"] == [None, OPINION]
    sign_draft(cio.user, org_a)  # not a signature: the draft still awaits the CIO and the CISO, nothing more
    assert selectors.signature_state(org_a, draft).awaiting == ("ciso",)


def test_the_api_records_and_shows_the_opinion_and_refuses_others(client, org_a, draft, dpo, ciso):
    url = "/api/v1/orgs/org-a/risk-appetite/opinions/"
    created = client.post(url, {"version": 1, "text": OPINION}, content_type="application/json", **dpo.auth())
    assert created.status_code == 201, created.content
    assert [o["text"] for o in created.json()["draft"]["opinions"]] == [OPINION]
    state = client.get("/api/v1/orgs/org-a/risk-appetite/", **ciso.auth()).json()
    assert state["dpo_consulted"] is True
    assert state["draft"]["opinions"][0]["user"] == dpo.user.email
    assert client.post(url, {"version": 1, "text": "x"}, content_type="application/json",
                       **ciso.auth()).status_code == 403
    stale = client.post(url, {"version": 9, "text": "x"}, content_type="application/json", **dpo.auth())
    assert stale.status_code == 409 and stale.json()["errors"][0]["field"] == "version"


def test_the_cli_records_the_opinion_and_show_prints_it(capsys, org_a, draft, dpo):
    assert main(["appetite", "opinion", "org-a", "--user", dpo.user.email, "--version", "1", "--text", OPINION]) == 0
    capsys.readouterr()
    assert main(["appetite", "show", "org-a"]) == 0
    assert f": {OPINION}" in capsys.readouterr().out


def test_without_consultation_the_dpo_is_refused(org_a, draft, dpo):
    core_services.do_update_governance(None, org_a, dpo_consulted_on_appetite=False)
    with pytest.raises(ValidationError, match="does not consult the DPO"):
        services.do_record_appetite_opinion(dpo.user, org_a, version=1, text=OPINION)
    with pytest.raises(ValidationError, match="Write the opinion"):
        core_services.do_update_governance(None, org_a, dpo_consulted_on_appetite=True)
        services.do_record_appetite_opinion(dpo.user, org_a, version=1, text="  ")
