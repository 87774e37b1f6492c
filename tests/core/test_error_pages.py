"""Error pages: 403, 404, 500 (and a refused CSRF check) come in the site's layout, say what was refused and
what to do, and show nothing of another organisation; under /api/ they keep the API's error shape."""

from __future__ import annotations

import re
from html import unescape

import pytest
from django.test import Client

from accord.risks import services as risk_services
from tests.conftest import signed_in


def _plain(response):
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", response.content.decode())))


def _in_the_layout(response):
    html = response.content.decode()
    assert response["Content-Type"].startswith("text/html")
    assert 'class="navbar' in html  # base.html's navigation
    assert "/static/accord/accord.css" in html
    assert not re.search(r"<script(?![^>]*\bsrc=)", html), "no inline script (strict CSP)"
    assert " style=" not in html, "no inline style (strict CSP)"
    return html


def test_a_refused_action_says_which_role_refused_what_and_whom_to_ask(org_a, contributor):
    response = signed_in(contributor).get("/o/org-a/risks/register/import/")
    assert response.status_code == 403
    _in_the_layout(response)
    text = _plain(response)
    assert "You are not allowed to do this" in text
    assert "Your role (Contributor) may not import risks" in text
    assert "ask an administrator of Alpha Clinic" in text
    assert 'href="/o/org-a/"' in response.content.decode()  # back to the organisation it happened in


def test_a_refused_form_post_gets_the_same_page_not_an_empty_body(org_a, viewer):
    response = signed_in(viewer).post("/o/org-a/members/invitations/", {"email": "x@a.test", "role": "viewer"})
    assert response.status_code == 403
    _in_the_layout(response)
    assert "Your role (Viewer (board)) may not invite or add members" in _plain(response)


def test_a_refused_governance_change_gets_the_page(org_a, contributor):
    response = signed_in(contributor).post("/o/org-a/governance/", {"ciso_reports_to": "board"})
    assert response.status_code == 403
    assert "Your role (Contributor) may not" in _plain(response)


def test_another_organisations_risk_is_a_plain_not_found_that_names_nothing_of_it(org_a, org_b, cio, outsider):
    theirs = risk_services.do_create_risk(outsider.user, org_b, {
        "title": "CANARYB ransomware", "category": "cyber_security", "likelihood": 3, "impact": 3})
    client = signed_in(cio)
    for path in (f"/o/org-b/risks/register/{theirs.pk}/", f"/o/org-a/risks/register/{theirs.pk}/",
                 "/o/org-a/risks/register/R-001/"):
        response = client.get(path)
        assert response.status_code == 404, path
        _in_the_layout(response)
        text = _plain(response)
        assert "There is nothing here" in text
        assert "CANARYB" not in text
        assert "No such" not in text  # one answer whatever was missing


def test_an_unknown_address_is_a_not_found_page_that_leads_back_to_the_start(db):
    response = Client().get("/no/such/page/")
    assert response.status_code == 404
    html = _in_the_layout(response)
    assert "There is nothing here" in _plain(response)
    assert 'href="/"' in html


def test_a_server_error_apologises_in_the_layout_without_details(org_a, cio, monkeypatch):
    def crash(user):
        raise RuntimeError("secret internals")

    monkeypatch.setattr("accord.core.selectors.memberships_of", crash)
    client = Client(raise_request_exception=False)
    client.force_login(cio.user)
    response = client.get("/orgs/")
    assert response.status_code == 500
    _in_the_layout(response)
    text = _plain(response)
    assert "Something went wrong on our side" in text
    assert "secret internals" not in text and "RuntimeError" not in text


def test_a_refused_csrf_check_says_to_reload_and_send_again(org_a, ciso):
    client = Client(enforce_csrf_checks=True)
    client.force_login(ciso.user)
    response = client.post("/o/org-a/risks/appetite/draft/", {"statement": "x"})
    assert response.status_code == 403
    _in_the_layout(response)
    text = _plain(response)
    assert "The form could not be sent" in text
    assert "reload the page" in text
    assert "CSRF cookie not set" not in text  # Django's reason is for developers


@pytest.mark.parametrize("path", ["/api/v1/nothing/", "/api/v1/orgs/org-a/nothing/"])
def test_an_unknown_api_path_answers_the_api_error_shape(client, org_a, ciso, path):
    response = client.get(path, **ciso.auth())
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found.", "errors": []}


def test_a_refused_api_call_keeps_the_api_error_shape(client, org_a, contributor):
    response = client.post("/api/v1/orgs/org-a/risks/1/archive/", {"reason": "x"}, content_type="application/json",
                           **contributor.auth())
    assert response.status_code in (403, 404)
    body = response.json()
    assert set(body) == {"detail", "errors"}
    response = client.put("/api/v1/orgs/org-a/governance/", {"ciso_reports_to": "board", "ciso_model": "internal",
                          "dpo_model": "internal"}, content_type="application/json", **contributor.auth())
    assert response.status_code == 403
    assert response.json()["detail"].startswith("Your role (Contributor) may not")
