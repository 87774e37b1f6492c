"""A signature names the version it signs (issue 9): the CIO, shown version 1, must not sign version 2
that the CISO put up meanwhile. Every front sends the version read (the page's hidden field, the API's
required `version`, the CLI's `--version`) and is refused with a clear message when it is not the
current draft."""

from __future__ import annotations

import re
from html import unescape

import pytest
from django.core.exceptions import ValidationError

from accord.cli import main
from accord.risks import selectors, services
from accord.risks.models import AppetiteSignature
from tests.conftest import signed_in

STALE = "Version 1 is not the current draft of the risk appetite; the draft awaiting signatures is v2"


def _draft(org, actor, statement):
    return services.do_draft_appetite(actor, org, statement=statement, category_levels={"privacy": "medium"})


@pytest.fixture
def replaced(org_a, cio, ciso):
    """Version 1 was shown to the CIO; the CISO then replaced it with version 2."""
    _draft(org_a, ciso.user, "Version one.")
    page = signed_in(cio).get("/o/org-a/risks/appetite/").content.decode()
    assert '<input type="hidden" name="version" value="1">' in page
    return _draft(org_a, ciso.user, "Version two, put up meanwhile.")


def _nothing_signed(org):
    assert not AppetiteSignature.objects.for_org(org).exists()
    assert selectors.appetite_draft(org).version == 2


def test_the_page_refuses_a_signature_of_the_version_it_showed_once_replaced(org_a, cio, replaced):
    response = signed_in(cio).post("/o/org-a/risks/appetite/sign/", {"version": 1}, follow=True)
    assert STALE in unescape(re.sub(r"\s+", " ", response.content.decode()))
    _nothing_signed(org_a)


def test_the_page_refuses_a_post_that_names_no_version(org_a, cio, replaced):
    response = signed_in(cio).post("/o/org-a/risks/appetite/sign/", follow=True)
    assert "did not say which version you sign" in unescape(response.content.decode())
    _nothing_signed(org_a)


def test_the_api_requires_the_version_and_refuses_another_than_the_draft(client, org_a, cio, replaced):
    url = "/api/v1/orgs/org-a/risk-appetite/sign/"
    missing = client.post(url, {}, content_type="application/json", **cio.auth())
    assert missing.status_code == 422
    assert [e["field"] for e in missing.json()["errors"]] == ["version"]
    stale = client.post(url, {"version": 1}, content_type="application/json", **cio.auth())
    assert stale.status_code == 409  # a conflict with the current draft, not a malformed request
    assert stale.json()["errors"] == [{"field": "version", "message": f"{STALE}. Read v2 before signing it."}]
    _nothing_signed(org_a)
    assert client.post(url, {"version": 2}, content_type="application/json", **cio.auth()).status_code == 200


def test_the_cli_signs_the_version_it_names_or_refuses(capsys, org_a, cio, replaced):
    assert main(["appetite", "sign", "org-a", "--user", cio.user.email, "--version", "1"]) == 1
    assert STALE in capsys.readouterr().err
    _nothing_signed(org_a)
    assert main(["appetite", "sign", "org-a", "--user", cio.user.email]) == 2  # --version is required
    assert "--version" in capsys.readouterr().err
    assert main(["appetite", "sign", "org-a", "--user", cio.user.email, "--version", "2"]) == 0
    assert "signed risk appetite v2" in capsys.readouterr().out


def test_the_service_refuses_a_version_in_force(org_a, cio, ciso):
    _draft(org_a, ciso.user, "One.")
    services.do_sign_appetite(cio.user, org_a, version=1)
    services.do_sign_appetite(ciso.user, org_a, version=1)
    with pytest.raises(ValidationError, match="There is no draft risk appetite awaiting signatures"):
        services.do_sign_appetite(cio.user, org_a, version=1)
