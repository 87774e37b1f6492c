import pytest

from accord.core import services
from accord.core.models import ApiToken
from accord.core.tokens import hash_token


def test_it_requires_a_bearer_token(client, cio):
    response = client.get("/api/v1/orgs/org-a/")
    assert response.status_code == 401
    assert response.json() == {"detail": "A valid bearer token is required.", "errors": []}


def test_a_revoked_token_is_refused(client, cio):
    headers = cio.auth()
    token = ApiToken.objects.for_org(cio.org).get(user=cio.user)
    services.do_revoke_token(None, cio.org, token)
    assert client.get("/api/v1/orgs/org-a/", **headers).status_code == 401


def test_a_token_records_its_last_use(client, cio):
    headers = cio.auth()
    client.get("/api/v1/orgs/org-a/", **headers)
    assert ApiToken.objects.for_org(cio.org).get(user=cio.user).last_used_at is not None


def test_tokens_are_stored_hashed(cio):
    plaintext = cio.token
    stored = ApiToken.objects.for_org(cio.org).get(user=cio.user)
    assert plaintext not in (stored.token_hash, stored.prefix)
    assert stored.token_hash == hash_token(plaintext)


def test_org_detail_reports_the_callers_role_and_permissions(client, ciso):
    body = client.get("/api/v1/orgs/org-a/", **ciso.auth()).json()
    assert body["role"] == "ciso"
    assert "audit.view" in body["permissions"]
    assert "governance.change" not in body["permissions"]


def test_governance_put_changes_the_profile_and_is_audited(client, admin):
    payload = {"ciso_reports_to": "board", "ciso_model": "external", "dpo_model": "external"}
    response = client.put("/api/v1/orgs/org-a/governance/", payload, content_type="application/json", **admin.auth())
    assert response.status_code == 200
    assert response.json()["ciso_model"] == "external"
    events = client.get("/api/v1/orgs/org-a/audit-events/?object_type=core.governanceprofile", **admin.auth()).json()
    assert events["count"] == 1
    assert events["items"][0]["changes"]["ciso_model"] == ["internal", "external"]


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"ciso_reports_to": "mars", "ciso_model": "internal", "dpo_model": "internal"}, "ciso_reports_to"),
        ({"ciso_model": "internal", "dpo_model": "internal"}, "ciso_reports_to"),
        ({"ciso_reports_to": "cio", "ciso_model": 3, "dpo_model": "internal"}, "ciso_model"),
    ],
)
def test_invalid_input_answers_422_naming_the_field(client, admin, payload, field):
    response = client.put("/api/v1/orgs/org-a/governance/", payload, content_type="application/json", **admin.auth())
    assert response.status_code == 422
    body = response.json()
    assert set(body) == {"detail", "errors"}
    assert field in [e["field"] for e in body["errors"]]


def test_a_rule_broken_in_the_service_answers_422_with_the_field(client, admin):
    payload = {"ciso_reports_to": "cio", "ciso_model": "hybrid", "dpo_model": "internal"}
    response = client.put("/api/v1/orgs/org-a/governance/", payload, content_type="application/json", **admin.auth())
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "ciso_reports_to"


def test_malformed_json_is_a_client_error_not_a_crash(client, admin):
    response = client.put("/api/v1/orgs/org-a/governance/", "{not json", content_type="application/json",
                          **admin.auth())
    assert response.status_code == 400
    assert response.json() == {"detail": "Cannot parse request body", "errors": []}


def test_audit_events_filter_by_actor_and_date(client, admin):
    services.do_update_governance(admin.user, admin.org, ciso_reports_to="board")
    mine = client.get("/api/v1/orgs/org-a/audit-events/?actor=admin@a.test", **admin.auth()).json()
    assert mine["count"] == 1
    assert client.get("/api/v1/orgs/org-a/audit-events/?since=2999-01-01", **admin.auth()).json()["count"] == 0
    bad = client.get("/api/v1/orgs/org-a/audit-events/?since=yesterday", **admin.auth())
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "since"


def test_members_are_paginated(client, admin, cio, ciso):
    body = client.get("/api/v1/orgs/org-a/members/?limit=2", **admin.auth()).json()
    assert body["count"] == 3
    assert len(body["items"]) == 2


def test_openapi_document_and_docs_are_served(client):
    schema = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/orgs/{org}/governance/" in schema["paths"]
    assert client.get("/api/v1/docs").status_code == 200
