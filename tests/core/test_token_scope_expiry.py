"""API tokens with an optional expiry and a scope: an expired token is refused (401), a read-only token
may read but never write (403), in the one error shape, whichever front made the token (decision 0022)."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from accord.cli import main
from accord.core import services
from accord.core.models import ApiToken, AuditEvent
from tests.conftest import signed_in
from tests.factories import Persona

WRITE = ("/api/v1/orgs/org-a/invitations/", {"email": "newcomer@example.test", "role": "viewer"})


def _bearer(plaintext: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {plaintext}"}


def _token(persona: Persona, **options) -> tuple[ApiToken, str]:
    return services.do_create_token(None, persona.org, persona.user, name="scoped", **options)


# --- expiry ----------------------------------------------------------------------------------------

def test_a_token_past_its_expiry_is_refused_with_401_in_the_error_shape(client, org_a, admin):
    token, plaintext = _token(admin, expires_in_days=30)
    assert client.get("/api/v1/orgs/org-a/", **_bearer(plaintext)).status_code == 200
    ApiToken.objects.for_org(org_a).filter(pk=token.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    response = client.get("/api/v1/orgs/org-a/", **_bearer(plaintext))
    assert response.status_code == 401
    body = response.json()
    assert set(body) == {"detail", "errors"}
    assert "expired" in body["detail"]
    assert response["WWW-Authenticate"] == "Bearer"


def test_an_expiry_in_days_sets_the_date_and_is_audited(org_a, admin):
    before = timezone.now()
    token, _ = _token(admin, expires_in_days=30)
    assert before + dt.timedelta(days=30) <= token.expires_at <= timezone.now() + dt.timedelta(days=30)
    event = AuditEvent.objects.for_org(org_a).filter(object_type="core.apitoken").order_by("seq").last()
    assert event.changes["scope"] == [None, "read_write"]
    assert event.changes["expires_at"][1].startswith(token.expires_at.date().isoformat())


@pytest.mark.parametrize(
    ("options", "field", "message"),
    [
        ({"expires_in_days": 0}, "expires_in_days", "between 1 and 366 days"),
        ({"expires_in_days": 367}, "expires_in_days", "between 1 and 366 days"),
        ({"expires_at": dt.datetime(2000, 1, 1, tzinfo=dt.UTC)}, "expires_at", "in the future"),
        ({"expires_at": dt.datetime(2999, 1, 1, tzinfo=dt.UTC)}, "expires_at", "at most 366 days"),
        ({"expires_in_days": 3, "expires_at": dt.datetime(2999, 1, 1, tzinfo=dt.UTC)}, "expires_at",
         "either expires_at or expires_in_days"),
        ({"scope": "admin"}, "scope", "choose one of: read, read_write"),
    ],
)
def test_bad_expiries_and_scopes_are_refused_naming_the_field(org_a, admin, options, field, message):
    with pytest.raises(ValidationError, match=message) as caught:
        _token(admin, **options)
    assert field in caught.value.message_dict
    assert not ApiToken.objects.for_org(org_a).filter(name="scoped").exists()


# --- scope -----------------------------------------------------------------------------------------

def test_a_read_only_token_reads(client, org_a, admin):
    _, plaintext = _token(admin, scope="read")
    assert client.get("/api/v1/orgs/org-a/members/", **_bearer(plaintext)).status_code == 200
    assert client.get("/api/v1/orgs/org-a/risks/", **_bearer(plaintext)).status_code == 200


def _write_operations() -> list[tuple[str, str]]:
    """Every write operation the API serves (hidden aliases included), with its path filled in."""
    from tests.route_suite import served_api_operations

    writes = sorted(op for op in served_api_operations() if not op.startswith(("GET ", "HEAD ", "OPTIONS ")))
    return [(op.split(" ")[0], re.sub(r"\{(\w+)\}", lambda m: "org-a" if m[1] == "org" else "1", op.split(" ")[1]))
            for op in writes]


def test_a_read_only_token_is_refused_every_write_operation_with_403(client, org_a, admin):
    _, plaintext = _token(admin, scope="read")
    before = AuditEvent.objects.for_org(org_a).count()
    operations = _write_operations()
    assert ("POST", "/api/v1/orgs/org-a/tokens/") in operations
    for method, path in operations:
        response = client.generic(method, path, json.dumps(WRITE[1]), content_type="application/json",
                                  **_bearer(plaintext))
        assert response.status_code == 403, (method, path, response.status_code)
        assert set(response.json()) == {"detail", "errors"}
        assert "read-only" in response.json()["detail"]
    assert AuditEvent.objects.for_org(org_a).count() == before


def test_a_read_write_token_writes(client, org_a, admin, mailoutbox):
    _, plaintext = _token(admin, scope="read_write")
    path, body = WRITE
    assert client.post(path, body, content_type="application/json", **_bearer(plaintext)).status_code == 201


# --- the fronts ------------------------------------------------------------------------------------

def test_the_tokens_page_creates_a_read_only_token_that_expires_and_lists_both(org_a, admin):
    client = signed_in(admin)
    response = client.post(reverse("core:tokens", kwargs={"org": "org-a"}),
                           {"name": "SIEM export", "scope": "read", "expires_in_days": "90"})
    assert response.status_code == 200
    token = ApiToken.objects.for_org(org_a).get(name="SIEM export")
    assert token.scope == "read"
    assert token.expires_at is not None
    page = response.content.decode()
    assert "Read only" in page
    assert token.expires_at.strftime("%Y-%m-%d") in page


def test_the_tokens_page_refuses_a_bad_expiry_naming_the_field(org_a, admin):
    response = signed_in(admin).post(reverse("core:tokens", kwargs={"org": "org-a"}),
                                     {"name": "x", "scope": "read", "expires_in_days": "0"})
    assert response.status_code == 200
    assert "between 1 and 366 days" in response.content.decode()
    assert not ApiToken.objects.for_org(org_a).filter(name="x").exists()


def test_the_tokens_page_shows_an_expired_token_as_expired(org_a, admin):
    token, _ = _token(admin, expires_in_days=1)
    ApiToken.objects.for_org(org_a).filter(pk=token.pk).update(expires_at=timezone.now() - dt.timedelta(hours=1))
    page = signed_in(admin).get(reverse("core:tokens", kwargs={"org": "org-a"})).content.decode()
    assert "expired" in page


def test_the_api_creates_lists_and_revokes_the_callers_tokens(client, org_a, admin):
    response = client.post("/api/v1/orgs/org-a/tokens/", {"name": "backup", "scope": "read", "expires_in_days": 7},
                           content_type="application/json", **admin.auth())
    assert response.status_code == 201
    body = response.json()
    assert body["token"].startswith("acc_")
    assert (body["name"], body["scope"]) == ("backup", "read")
    assert body["expires_at"] is not None
    listed = client.get("/api/v1/orgs/org-a/tokens/", **admin.auth()).json()
    assert {t["name"]: t["scope"] for t in listed} == {"tests": "read_write", "backup": "read"}
    assert all("token" not in t for t in listed)
    revoked = client.post(f"/api/v1/orgs/org-a/tokens/{body['id']}/revoke/", **admin.auth())
    assert revoked.status_code == 200 and revoked.json()["state"] == "revoked"
    assert client.get("/api/v1/orgs/org-a/", **_bearer(body["token"])).status_code == 401


def test_a_token_made_through_the_api_cannot_outlive_the_token_that_made_it(client, org_a, admin):
    _, parent = _token(admin, expires_in_days=5)
    response = client.post("/api/v1/orgs/org-a/tokens/", {"name": "longer", "expires_in_days": 30},
                           content_type="application/json", **_bearer(parent))
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "expires_in_days"
    inherited = client.post("/api/v1/orgs/org-a/tokens/", {"name": "same"}, content_type="application/json",
                            **_bearer(parent)).json()
    parent_token = ApiToken.objects.for_org(org_a).get(name="scoped")
    assert inherited["expires_at"] is not None
    assert ApiToken.objects.for_org(org_a).get(pk=inherited["id"]).expires_at == parent_token.expires_at


def test_the_api_refuses_bad_token_input_naming_the_field(client, org_a, admin):
    response = client.post("/api/v1/orgs/org-a/tokens/", {"name": "x", "scope": "everything"},
                           content_type="application/json", **admin.auth())
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["scope"]


def test_the_cli_creates_a_read_only_token_that_expires_and_lists_both(org_a, admin, capsys):
    assert main(["token", "create", admin.user.email, "--org", "org-a", "--name", "nightly", "--scope", "read",
                 "--expires-in-days", "10"]) == 0
    plaintext = capsys.readouterr().out.strip()
    token = ApiToken.objects.for_org(org_a).get(name="nightly")
    assert plaintext.startswith(token.prefix)
    assert (token.scope, token.expires_at is not None) == ("read", True)
    assert main(["token", "list", admin.user.email, "--org", "org-a"]) == 0
    line = next(row for row in capsys.readouterr().out.splitlines() if "nightly" in row)
    assert "read" in line.split("\t") and f"expires {token.expires_at:%Y-%m-%d}" in line


def test_the_cli_refuses_a_bad_expiry_in_one_line(org_a, admin, capsys):
    assert main(["token", "create", admin.user.email, "--org", "org-a", "--expires-in-days", "0"]) == 1
    err = capsys.readouterr().err
    assert "between 1 and 366 days" in err and "Traceback" not in err


def test_an_organisation_that_requires_a_second_factor_makes_tokens_only_in_a_session_that_proved_one(
        client, org_a, admin):
    from tests.core.test_two_factor_policy import give_second_factor, require_two_factor

    give_second_factor(admin)
    require_two_factor(org_a)
    response = client.post("/api/v1/orgs/org-a/tokens/", {"name": "more"}, content_type="application/json",
                           **admin.auth())
    assert response.status_code == 403
    assert "API tokens page" in response.json()["detail"]
    assert not ApiToken.objects.for_org(org_a).filter(name="more").exists()
