"""The outside review's 500s (issue 10, §4): each bad input answers a 4xx in the one error shape, on the API
and on the web pages: a lone surrogate in a text, an infinite number, whole numbers beyond 64 bits in
offsets, limits, filters and ids, and a multipart body without a boundary."""

from __future__ import annotations

import json
import re

import pytest

from accord.risks import services as risk_services
from tests.conftest import signed_in

API = "/api/v1/orgs/org-a"
BIG = 10**20
RISK = {"title": "Probe", "category": "strategic", "likelihood": 2, "impact": 3}


def _api_error(response, status):
    assert response.status_code == status, response.content[:300]
    body = response.json()
    assert set(body) == {"detail", "errors"}
    return body


def _raw_json(client, method, path, text, persona):
    return client.generic(method, path, text.encode(), content_type="application/json", **persona.auth())


# --- texts that no database can store ------------------------------------------------------------------

@pytest.mark.parametrize("text", ["\\ud800", "a\\udfffb", "\\udc00\\ud800"])
def test_a_lone_surrogate_in_a_json_text_is_refused_naming_the_field(client, ciso, text):
    body = '{"title": "' + text + '", "category": "strategic", "likelihood": 2, "impact": 3}'
    errors = _api_error(_raw_json(client, "POST", f"{API}/risks/", body, ciso), 422)["errors"]
    assert [e["field"] for e in errors] == ["title"]
    # Core's check names the surrogate; pydantic's own check of a length-limited text comes first here.
    assert re.search("surrogate|unicode string", errors[0]["message"])


def test_a_lone_surrogate_in_a_nested_text_is_refused(client, ciso):
    body = '{"statement": "ok", "category_levels": {"\\ud800": "high"}}'
    _api_error(_raw_json(client, "PUT", f"{API}/risk-appetite/", body, ciso), 422)


def test_a_paired_surrogate_is_an_ordinary_character(client, ciso):
    body = '{"title": "Smile \\ud83d\\ude00", "category": "strategic", "likelihood": 2, "impact": 3}'
    response = _raw_json(client, "POST", f"{API}/risks/", body, ciso)
    assert response.status_code == 201, response.content[:300]
    assert response.json()["title"] == "Smile \U0001f600"


def test_a_web_form_with_the_bytes_of_a_surrogate_is_no_500(org_a, ciso):
    response = signed_in(ciso).generic(
        "POST", "/o/org-a/risks/register/new/",
        b"title=%ED%A0%80&category=strategic&likelihood=2&impact=3&status=identified&raised_by=ciso&treatment=mitigate",
        content_type="application/x-www-form-urlencoded")
    assert response.status_code < 500


# --- numbers --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("loss", ['"inf"', '"Infinity"', "Infinity", "1e309", '"-inf"', "NaN", '"nan"'])
def test_an_infinite_or_undefined_tolerance_is_refused(client, ciso, loss):
    body = '{"statement": "s", "tolerance": [[' + loss + ', 0.1]]}'
    errors = _api_error(_raw_json(client, "PUT", f"{API}/risk-appetite/", body, ciso), 422)["errors"]
    assert errors[0]["field"].startswith("tolerance")


@pytest.mark.parametrize("query", [f"offset={10**19}", f"limit={10**19}", "limit=2.5e29", "limit=1e400",
                                   "offset=-1", "limit=0"])
@pytest.mark.parametrize("path", ["/members/", "/risks/", "/audit-events/", "/risk-categories/"])
def test_pagination_beyond_its_bounds_is_refused(client, ciso, path, query):
    errors = _api_error(client.get(f"{API}{path}?{query}", **ciso.auth()), 422)["errors"]
    assert [e["field"] for e in errors] == [query.split("=")[0]]


def test_the_largest_offset_answers_an_empty_page(client, ciso):
    response = client.get(f"{API}/members/?offset={2**63 - 1}", **ciso.auth())
    assert response.status_code == 200
    assert response.json()["items"] == []


def test_an_owner_filter_beyond_64_bits_is_refused(client, ciso):
    errors = _api_error(client.get(f"{API}/risks/?owner={BIG}", **ciso.auth()), 422)["errors"]
    assert [e["field"] for e in errors] == ["owner"]


def test_a_json_number_beyond_64_bits_is_refused(client, ciso):
    body = json.dumps({"version": BIG})
    _api_error(_raw_json(client, "POST", f"{API}/risk-appetite/sign/", body, ciso), 422)


@pytest.mark.parametrize("path", [f"/invitations/{BIG}/resend/", f"/invitations/{BIG}/revoke/",
                                  f"/tokens/{BIG}/revoke/", f"/risks/R-1/acceptances/{BIG}/sign/"])
def test_an_id_beyond_64_bits_in_an_api_path_is_refused(client, admin, org_a, path):
    risk_services.do_create_risk(None, org_a, RISK)
    response = client.post(f"{API}{path}", **admin.auth())
    assert response.status_code in (404, 422), response.content[:300]
    _api_error(response, response.status_code)


@pytest.mark.parametrize("key", [str(BIG), f"R-{BIG}", "9" * 400])
def test_a_risk_key_beyond_64_bits_is_not_found(client, ciso, key):
    _api_error(client.get(f"{API}/risks/{key}/", **ciso.auth()), 404)
    assert signed_in(ciso).get(f"/o/org-a/risks/register/{key}/").status_code == 404


@pytest.mark.parametrize("path", [f"/o/org-a/members/{BIG}/edit/", f"/o/org-a/members/invitations/{BIG}/resend/",
                                  f"/o/org-a/tokens/{BIG}/revoke/", f"/o/org-a/risks/settings/categories/{BIG}/",
                                  f"/o/org-a/risks/register/R-1/acceptances/{BIG}/sign/"])
def test_an_id_beyond_64_bits_in_a_web_path_is_not_found(admin, org_a, path):
    risk_services.do_create_risk(None, org_a, RISK)
    client = signed_in(admin)
    assert client.get(path).status_code == 404
    assert client.post(path).status_code == 404


# --- bodies ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("content_type", ["multipart/form-data", "multipart/form-data; boundary=",
                                          "multipart/form-data; boundary=\"\""])
def test_a_multipart_body_without_a_valid_boundary_is_a_400_on_the_api(client, ciso, content_type):
    response = client.generic("POST", f"{API}/risks/import/", b"--x\r\n\r\n", content_type=content_type,
                              **ciso.auth())
    assert "boundary" in _api_error(response, 400)["detail"]


def test_a_multipart_body_without_a_boundary_is_a_400_on_the_web(org_a, ciso):
    response = signed_in(ciso).generic("POST", "/o/org-a/risks/register/import/", b"--x\r\n\r\n",
                                       content_type="multipart/form-data")
    assert response.status_code == 400


# --- found by the fuzz suite (tests/test_api_fuzz.py) ------------------------------------------------------

@pytest.mark.parametrize("value", ["0", "1700000000", "-1.5", "1e3"])
def test_a_number_where_a_date_is_expected_is_refused(client, admin, value):
    errors = _api_error(client.get(f"{API}/audit-events/", {"until": value}, **admin.auth()), 422)["errors"]
    assert [e["field"] for e in errors] == ["until"]


def test_a_method_an_api_path_does_not_serve_answers_405_in_the_error_shape(client, ciso):
    response = client.delete(f"{API}/members/", **ciso.auth())
    body = _api_error(response, 405)
    assert "GET" in response["Allow"]
    assert "DELETE is not allowed" in body["detail"]


# --- the document states what the server enforces -------------------------------------------------------

def _body_schema(path, method):
    from accord.api import api

    doc = api.get_openapi_schema()
    ref = doc["paths"][path][method]["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    return doc["components"]["schemas"][ref.rsplit("/", 1)[1]]


def test_the_document_states_required_texts_are_not_empty_and_their_longest_length():
    created = _body_schema("/api/v1/orgs/{org}/risks/", "post")
    assert {"title", "category"} <= set(created["required"])
    assert created["properties"]["title"]["minLength"] == 1
    assert created["properties"]["title"]["maxLength"] == 200
    patched = _body_schema("/api/v1/orgs/{org}/risks/{risk_id}/", "patch")
    assert "null" not in str(patched["properties"]["title"])  # a required field cannot be cleared
    assert patched["properties"]["title"]["maxLength"] == 200


def test_a_patch_that_clears_a_required_field_is_refused_by_the_schema(client, ciso, org_a):
    risk_services.do_create_risk(None, org_a, RISK)
    errors = _api_error(client.patch(f"{API}/risks/R-001/", {"title": None}, content_type="application/json",
                                     **ciso.auth()), 422)["errors"]
    assert [e["field"] for e in errors] == ["title"]
