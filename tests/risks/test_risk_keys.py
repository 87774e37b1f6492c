"""A risk is named by its id or its reference (R-001) on every front: the web, the API and the selector
they share. A reference is an organisation's own: B's R-001 is never reached from A (every route that
names a risk, by reference: test_risk_keys_isolation.py)."""

from __future__ import annotations

import pytest
from django.http import Http404

from accord.api import api
from accord.risks import selectors, services
from accord.risks.models import Risk
from tests.conftest import signed_in


def _risk(org, persona, title):
    return services.do_create_risk(persona.user, org, {"title": title, "category": "cyber_security",
                                                       "likelihood": 3, "impact": 3})


@pytest.fixture
def two_risks(org_a, ciso):
    return _risk(org_a, ciso, "Phishing of the finance team"), _risk(org_a, ciso, "Lost laptop")


# --- the selector -----------------------------------------------------------------------------------

@pytest.mark.parametrize("key", ["R-002", "r-002", "R-2", "r-2", "R-0000002", " R-002 "])
def test_a_risk_is_found_by_its_reference_in_any_case(org_a, two_risks, key):
    assert selectors.access_risk(org_a, key).pk == two_risks[1].pk


def test_a_risk_is_found_by_its_id_as_a_number_or_as_text(org_a, two_risks):
    risk = two_risks[1]
    assert selectors.access_risk(org_a, risk.pk).title == "Lost laptop"
    assert selectors.access_risk(org_a, str(risk.pk)).title == "Lost laptop"


@pytest.mark.parametrize("key", ["R-003", "R-0", "R-", "R--1", "R-1x", "RISK-1", "R-٢", "١", "", "-1", "0",
                                 "R-99999999999999999999999", "99999999999999999999999", "R-1/", "R 1"])
def test_a_key_that_names_no_risk_is_missing(org_a, two_risks, key):
    with pytest.raises(Http404, match="No such risk"):
        selectors.access_risk(org_a, key)


def test_another_organisations_reference_names_only_the_callers_own_risk(org_a, org_b, ciso, outsider):
    _risk(org_b, outsider, "CANARYB ransomware")
    with pytest.raises(Http404, match="No such risk"):
        selectors.access_risk(org_a, "R-001")  # A has no risk yet: B's R-001 is not found
    ours = _risk(org_a, ciso, "Phishing")
    assert selectors.access_risk(org_a, "R-001").pk == ours.pk


def test_the_register_search_finds_a_reference_in_any_case(org_a, two_risks):
    for text in ("R-002", "r-2"):
        found = list(selectors.risks(org_a, selectors.RiskFilter(q=text)))
        assert [r.title for r in found] == ["Lost laptop"], text


# --- the web ----------------------------------------------------------------------------------------

def test_a_risk_page_answers_at_its_reference(org_a, cio, two_risks):
    client = signed_in(cio)
    for key in ("R-002", "r-2", str(two_risks[1].pk)):
        response = client.get(f"/o/org-a/risks/register/{key}/")
        assert response.status_code == 200, key
        assert "Lost laptop" in response.content.decode()
    assert client.get("/o/org-a/risks/register/R-002/lec.svg").status_code == 200
    section = client.get("/o/org-a/risks/register/R-002/sections/treatment/", HTTP_HX_REQUEST="true")
    assert section.status_code == 200


def test_a_risk_can_be_edited_through_its_reference(org_a, ciso, two_risks):
    client = signed_in(ciso)
    response = client.post("/o/org-a/risks/register/r-1/sections/treatment/edit/",
                           {"treatment": "transfer", "treatment_plan": "Cyber insurance"})
    assert response.status_code in (200, 302), response.content
    assert Risk.objects.for_org(org_a).get(pk=two_risks[0].pk).treatment_plan == "Cyber insurance"


@pytest.mark.parametrize("key", ["R-009", "R-x", "nothing", "R-99999999999999999999999"])
def test_an_unknown_risk_key_on_the_web_is_a_404_not_an_error(org_a, cio, two_risks, key):
    assert signed_in(cio).get(f"/o/org-a/risks/register/{key}/").status_code == 404


# --- the API ----------------------------------------------------------------------------------------

def test_the_api_reads_and_changes_a_risk_by_its_reference(client, org_a, ciso, two_risks):
    body = client.get("/api/v1/orgs/org-a/risks/R-002/", **ciso.auth()).json()
    assert (body["id"], body["ref"]) == (two_risks[1].pk, "R-002")
    response = client.patch("/api/v1/orgs/org-a/risks/r-2/", {"title": "Lost laptop, unencrypted"},
                            content_type="application/json", **ciso.auth())
    assert response.status_code == 200, response.content
    assert client.get(f"/api/v1/orgs/org-a/risks/{two_risks[1].pk}/", **ciso.auth()).json()["title"] == (
        "Lost laptop, unencrypted")


def test_the_api_lists_a_risks_acceptances_by_its_reference(client, org_a, ciso, two_risks):
    response = client.get("/api/v1/orgs/org-a/risks/R-001/acceptances/", **ciso.auth())
    assert response.status_code == 200, response.content
    assert response.json()["count"] == 0


@pytest.mark.parametrize("key", ["R-009", "R-x", "99999999999999999999999"])
def test_an_unknown_risk_key_in_the_api_is_a_404_in_the_error_shape(client, org_a, ciso, two_risks, key):
    response = client.get(f"/api/v1/orgs/org-a/risks/{key}/", **ciso.auth())
    assert response.status_code == 404
    assert "detail" in response.json()


def test_the_openapi_document_says_a_risk_path_takes_an_id_or_a_reference():
    paths = api.get_openapi_schema()["paths"]
    risk_paths = [p for p in paths if "{risk_id}" in p]
    assert len(risk_paths) >= 4
    for path in risk_paths:
        for operation in paths[path].values():
            (param,) = [p for p in operation["parameters"] if p["name"] == "risk_id"]
            assert param["schema"]["type"] == "string", path
            assert "reference" in param["description"] and "id" in param["description"], path
