"""An organisation's identity provider as its admin sets it (web, API, CLI), the rules of who single sign-on
lets in (accord.core.ssorules), and how the client secret is kept (decision 0033). The sign-ins themselves,
against a real provider, are in test_sso.py."""

from __future__ import annotations

import io
import json

import pytest
from allauth.socialaccount.models import SocialAccount
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client

from accord.cli import main
from accord.core import selectors, services, ssorules
from accord.core.choices import Role
from accord.core.models import AuditEvent, IdentityProvider
from accord.core.ssorules import Door, Outcome
from tests.conftest import signed_in

SECRET = "a-client-secret-nobody-may-read"


def configure(org, **overrides):
    values = {"issuer": "https://login.example.org/realms/acme", "client_id": "accord", "client_secret": SECRET,
              "allowed_domains": ["Example.org", "@example.com"], "join_role": "viewer"} | overrides
    return services.do_set_identity_provider(None, org, **values)


# --- the rules ------------------------------------------------------------------------------------------

def _decide(**given):
    values = {"linked": False, "account_exists": False, "is_member": False, "external": False,
              "email": "ann@example.org", "email_verified": True, "allowed_domains": ["example.org"],
              "join_role": "viewer"} | given
    return ssorules.decide(**values)


@pytest.mark.parametrize(("given", "outcome"), [
    ({"linked": True, "is_member": True}, Outcome.SIGN_IN),
    ({"linked": True, "is_member": True, "email_verified": False, "join_role": ""}, Outcome.SIGN_IN),
    ({"linked": True}, Outcome.JOIN),
    ({"linked": True, "join_role": ""}, Outcome.REFUSE),
    ({"linked": True, "email": "ann@other.org"}, Outcome.REFUSE),
    ({"email_verified": False}, Outcome.UNVERIFIED),
    ({"email": ""}, Outcome.UNVERIFIED),
    ({"account_exists": True, "is_member": True}, Outcome.LINK),
    ({"account_exists": True, "is_member": True, "join_role": ""}, Outcome.LINK),
    ({"account_exists": True, "is_member": True, "external": True}, Outcome.REFUSE),
    ({"account_exists": True, "is_member": True, "email": "ann@other.org"}, Outcome.REFUSE),
    ({"account_exists": True}, Outcome.REFUSE),  # an account the organisation does not hold: never taken over
    ({"account_exists": True, "email_verified": False, "is_member": True}, Outcome.UNVERIFIED),
    ({}, Outcome.CREATE),
    ({"join_role": ""}, Outcome.REFUSE),
    ({"email": "ann@sub.example.org"}, Outcome.REFUSE),  # a sub-domain is another domain
])
def test_what_a_sign_in_through_the_provider_does(given, outcome):
    assert _decide(**given) == outcome


PASSWORD_RECORD = {"method": "password"}
ACME_RECORD = {"method": "socialaccount", "provider": "acme"}


@pytest.mark.parametrize(("slug", "required", "records", "door"), [
    ("acme", False, [], Door.OPEN),
    ("acme", True, [], Door.SSO),
    ("acme", True, [PASSWORD_RECORD], Door.SSO),
    ("acme", True, [ACME_RECORD], Door.OPEN),
    ("beta", True, [ACME_RECORD], Door.SSO),
    ("beta", False, [ACME_RECORD], Door.ACCOUNT),
    ("beta", False, [ACME_RECORD, {"method": "mfa"}], Door.OPEN),
    ("beta", False, [ACME_RECORD, PASSWORD_RECORD], Door.OPEN),
    ("acme", False, [ACME_RECORD], Door.OPEN),
    ("beta", False, [PASSWORD_RECORD], Door.OPEN),
])
def test_which_organisations_a_session_opens(slug, required, records, door):
    assert ssorules.door(slug, sso_required=required, records=records) == door


# --- the service ----------------------------------------------------------------------------------------

def test_the_client_secret_is_stored_sealed_and_never_audited(org_a):
    idp = configure(org_a)
    assert idp.allowed_domains == ["example.com", "example.org"] and idp.join_role == "viewer"
    with connection.cursor() as cursor:
        cursor.execute("SELECT client_secret_sealed FROM core_identityprovider")
        (stored,) = cursor.fetchone()
    assert SECRET not in stored
    assert SECRET not in json.dumps(list(AuditEvent.objects.for_org(org_a).values_list("changes", flat=True)))
    from accord.core.sso import social_app
    assert social_app(IdentityProvider.objects.for_org(org_a).get()).secret == SECRET


def test_an_unchanged_form_writes_nothing_and_a_new_secret_is_recorded_as_replaced(org_a):
    configure(org_a)
    before = AuditEvent.objects.for_org(org_a).count()
    configure(org_a)  # the same values and the same secret
    configure(org_a, client_secret=None)
    assert AuditEvent.objects.for_org(org_a).count() == before
    configure(org_a, client_secret="another-secret")
    assert AuditEvent.objects.for_org(org_a).first().changes == {"client_secret": ["set", "replaced"]}


@pytest.mark.parametrize(("field", "overrides", "message"), [
    ("issuer", {"issuer": "http://login.example.org"}, "is not an https:// address"),
    ("issuer", {"issuer": "login.example.org"}, "is not an https:// address"),
    ("allowed_domains", {"allowed_domains": []}, "Give at least one e-mail domain"),
    ("allowed_domains", {"allowed_domains": ["not a domain"]}, "not a domain name"),
    ("join_role", {"join_role": "admin"}, "choose viewer, contributor or none"),
    ("join_role", {"join_role": "ciso"}, "choose viewer, contributor or none"),
    ("client_id", {"client_id": " "}, "Give the client id"),
    ("client_secret", {"client_secret": None}, "Give the client secret"),
])
def test_a_provider_the_service_refuses_names_the_field(org_a, field, overrides, message):
    with pytest.raises(ValidationError, match=message) as refused:
        configure(org_a, **overrides)
    assert field in refused.value.message_dict
    assert not IdentityProvider.objects.for_org(org_a).exists()


def test_a_loopback_http_issuer_is_accepted_for_development(org_a):
    assert configure(org_a, issuer="http://127.0.0.1:8001/o/").issuer == "http://127.0.0.1:8001/o"


def test_changing_the_issuer_forgets_every_link_to_the_old_providers_accounts(org_a, org_b, admin, outsider):
    configure(org_a)
    SocialAccount.objects.create(user=admin.user, provider=org_a.slug, uid="1")
    SocialAccount.objects.create(user=outsider.user, provider=org_b.slug, uid="1")
    configure(org_a, join_role="contributor")
    assert SocialAccount.objects.filter(provider=org_a.slug).count() == 1
    configure(org_a, issuer="https://new-login.example.org")
    assert not SocialAccount.objects.filter(provider=org_a.slug).exists()
    assert SocialAccount.objects.filter(provider=org_b.slug).count() == 1  # another organisation's stay
    assert AuditEvent.objects.for_org(org_a).first().changes["linked_accounts_forgotten"] == [None, 1]


def test_requiring_it_needs_a_provider_and_an_admin_who_signed_in_through_it(org_a, admin):
    with pytest.raises(ValidationError, match=r"Configure .*'s identity provider first"):
        services.do_set_sso_policy(admin.user, org_a, required=True)
    configure(org_a)
    with pytest.raises(ValidationError, match=r"Sign in through .* identity provider once first"):
        services.do_set_sso_policy(admin.user, org_a, required=True)
    SocialAccount.objects.create(user=admin.user, provider=org_a.slug, uid="admin-sub")
    assert services.do_set_sso_policy(admin.user, org_a, required=True).sso_required
    org_a.refresh_from_db()
    assert org_a.sso_required


def test_removing_the_provider_ends_the_requirement_and_the_links(org_a, admin):
    configure(org_a)
    services.do_set_sso_policy(None, org_a, required=True)
    SocialAccount.objects.create(user=admin.user, provider=org_a.slug, uid="admin-sub")
    services.do_remove_identity_provider(None, org_a)
    org_a.refresh_from_db()
    assert not org_a.sso_required and selectors.identity_provider(org_a) is None
    assert not SocialAccount.objects.exists()
    with pytest.raises(ValidationError, match="has no identity provider"):
        services.do_remove_identity_provider(None, org_a)


def test_allauth_reaches_only_a_configured_organisations_provider(org_a, org_b):
    configure(org_a)
    assert Client().get(f"/accounts/oidc/{org_a.slug}/login/").status_code == 200
    assert Client().get(f"/accounts/oidc/{org_b.slug}/login/").status_code == 404
    assert Client().get("/accounts/oidc/openid_connect/login/").status_code == 404


# --- the fronts -----------------------------------------------------------------------------------------

def test_the_admin_configures_it_on_the_web_and_members_see_it_without_the_secret(org_a, admin, viewer):
    client = signed_in(admin)
    answer = client.post(f"/o/{org_a.slug}/sso/", {
        "issuer": "https://login.example.org", "client_id": "accord-web", "client_secret": SECRET,
        "allowed_domains": "example.org, example.com", "join_role": "contributor"})
    assert answer.status_code == 302
    idp = IdentityProvider.objects.for_org(org_a).get()
    assert (idp.client_id, idp.allowed_domains, idp.join_role) == ("accord-web", ["example.com", "example.org"],
                                                                    "contributor")
    page = signed_in(viewer).get(f"/o/{org_a.slug}/sso/").content.decode()
    assert "accord-web" in page and SECRET not in page and 'name="client_secret"' not in page
    admin_page = client.get(f"/o/{org_a.slug}/sso/").content.decode()
    assert SECRET not in admin_page
    assert f"http://testserver/accounts/oidc/{org_a.slug}/login/callback/" in admin_page
    refused = client.post(f"/o/{org_a.slug}/sso/", {
        "issuer": "https://login.example.org", "client_id": "accord-web", "allowed_domains": "example.org",
        "join_role": "contributor", "sso_required": "on"})
    assert refused.status_code == 200 and "Sign in through" in refused.content.decode()
    assert signed_in(viewer).post(f"/o/{org_a.slug}/sso/", {"issuer": "https://x.example.org"}).status_code == 403


def test_the_api_sets_shows_and_removes_it_and_never_returns_the_secret(org_a, admin):
    url = f"/api/v1/orgs/{org_a.slug}/identity-provider/"
    body = {"issuer": "https://login.example.org", "client_id": "accord-api", "client_secret": SECRET,
            "allowed_domains": ["example.org"], "join_role": "viewer"}
    answer = Client().put(url, body, content_type="application/json", **admin.auth())
    assert answer.status_code == 200, answer.content
    data = answer.json()
    assert data["configured"] and data["client_secret_set"] and SECRET not in answer.content.decode()
    assert data["redirect_uri"] == f"http://testserver/accounts/oidc/{org_a.slug}/login/callback/"
    bad = Client().put(url, {**body, "join_role": "admin"}, content_type="application/json", **admin.auth())
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "join_role"
    removed = Client().post(url + "remove/", **admin.auth())
    assert removed.status_code == 200 and removed.json()["configured"] is False


def test_the_cli_reads_the_secret_from_standard_input(org_a, monkeypatch, capsys):
    monkeypatch.setattr("sys.stdin", io.StringIO(SECRET + "\n"))
    assert main(["org", "sso", "set", org_a.slug, "--issuer", "https://login.example.org", "--client-id", "cli",
                 "--client-secret-stdin", "--allowed-domains", "example.org,example.com",
                 "--join-role", "contributor"]) == 0
    out = capsys.readouterr().out
    assert "client_id=cli" in out and "join_role=contributor" in out and SECRET not in out
    assert main(["org", "sso", "set", org_a.slug, "--required"]) == 0  # operators always may
    assert "sso_required=yes" in capsys.readouterr().out
    assert main(["org", "sso", "set", org_a.slug, "--join-role", "admin"]) == 2
    assert main(["org", "sso", "set", org_a.slug, "--issuer", "ftp://x"]) == 1
    assert "issuer:" in capsys.readouterr().err
    assert main(["org", "sso", "remove", org_a.slug]) == 0
    assert main(["org", "sso", "show", org_a.slug]) == 0
    assert "identity_provider=none sso_required=no" in capsys.readouterr().out


def test_a_new_provider_on_the_cli_needs_every_part(org_a, capsys):
    assert main(["org", "sso", "set", org_a.slug, "--issuer", "https://login.example.org"]) == 1
    assert "needs --issuer, --client-id, --allowed-domains" in capsys.readouterr().err


def test_only_an_admin_holds_the_change(org_a):
    from accord.core.permissions import allows
    assert [r for r in Role if allows(r, "sso.change")] == [Role.ADMIN]
    assert all(allows(r, "sso.view") for r in Role)
