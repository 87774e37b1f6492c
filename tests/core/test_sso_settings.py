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
from tests.factories import make_member, make_org

SECRET = "a-client-secret-nobody-may-read"


@pytest.fixture(autouse=True)
def org_a_staff(request):
    """Alpha Clinic has members of its own at example.org and example.com, the domains its provider speaks for
    (the service accepts only domains the organisation's own members have addresses at)."""
    if "org_a" in request.fixturenames:
        org_a = request.getfixturevalue("org_a")
        make_member(org_a, Role.CONTRIBUTOR, email="staff@example.org")
        make_member(org_a, Role.VIEWER, email="staff@example.com")


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


def test_a_loopback_http_issuer_is_accepted_only_where_the_operator_allows_private_issuers(org_a, settings):
    with pytest.raises(ValidationError, match="is not an https:// address") as refused:
        configure(org_a, issuer="http://127.0.0.1:8001/o/")
    assert list(refused.value.message_dict) == ["issuer"]
    settings.ACCORD_SSO_ALLOW_PRIVATE_ISSUERS = True
    assert configure(org_a, issuer="http://127.0.0.1:8001/o/").issuer == "http://127.0.0.1:8001/o"
    with pytest.raises(ValidationError, match="is not an https:// address"):
        configure(org_a, issuer="http://10.0.0.1/o")  # plain http only on this machine, even then


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


# --- where Accord may send a request (SSRF), and whose domains a provider may speak for ---------------------

@pytest.mark.parametrize("issuer", [
    "http://127.0.0.1:9977/internal", "https://127.0.0.1:9977/internal", "https://10.0.0.1:1",
    "https://192.168.1.10/o", "https://172.16.0.1/o", "https://169.254.169.254/latest", "https://[::1]/o",
    "https://[fe80::1]/o", "https://[::ffff:127.0.0.1]/o", "https://0.0.0.0/o", "https://224.0.0.1/o",
    "https://100.64.0.1/o", "https://240.0.0.1/o", "https://localhost/o",
])
def test_an_issuer_on_a_loopback_private_or_reserved_address_is_refused(org_a, issuer):
    with pytest.raises(ValidationError, match=r"not an https:// address|non-public address") as refused:
        configure(org_a, issuer=issuer)
    assert list(refused.value.message_dict) == ["issuer"]
    assert not IdentityProvider.objects.for_org(org_a).exists()


def test_an_issuer_whose_name_resolves_to_a_private_address_is_refused(org_a, monkeypatch):
    monkeypatch.setattr("accord.core.ssonet.resolve", lambda host, port: ["10.1.2.3"])
    with pytest.raises(ValidationError, match="non-public address") as refused:
        configure(org_a, issuer="https://idp.internal.example.org/o")
    assert list(refused.value.message_dict) == ["issuer"]
    monkeypatch.setattr("accord.core.ssonet.resolve", lambda host, port: ["93.184.215.14", "fd00::1"])
    with pytest.raises(ValidationError, match="non-public address"):  # one private address is enough
        configure(org_a, issuer="https://idp.example.org/o")
    monkeypatch.setattr("accord.core.ssonet.resolve", lambda host, port: ["93.184.215.14"])
    assert configure(org_a, issuer="https://idp.example.org/o").issuer == "https://idp.example.org/o"


def test_the_operator_setting_allows_a_provider_inside_the_company_network(org_a, settings, monkeypatch):
    settings.ACCORD_SSO_ALLOW_PRIVATE_ISSUERS = True
    monkeypatch.setattr("accord.core.ssonet.resolve", lambda host, port: ["10.1.2.3"])
    assert configure(org_a, issuer="https://idp.corp.example.org/o").issuer == "https://idp.corp.example.org/o"
    assert configure(org_a, issuer="https://10.0.0.1:8443/o").issuer == "https://10.0.0.1:8443/o"


def test_the_api_answers_a_private_issuer_with_422_naming_it(org_a, admin):
    body = {"issuer": "http://127.0.0.1:9977/internal", "client_id": "accord-api", "client_secret": SECRET,
            "allowed_domains": ["example.org"], "join_role": "viewer"}
    answer = Client().put(f"/api/v1/orgs/{org_a.slug}/identity-provider/", body, content_type="application/json",
                          **admin.auth())
    assert answer.status_code == 422 and [e["field"] for e in answer.json()["errors"]] == ["issuer"]


def test_sign_in_checks_the_issuer_again_before_any_request(org_a, monkeypatch):
    """The name resolved to a public address when it was saved, and to a private one now: nothing is sent."""
    monkeypatch.setattr("accord.core.ssonet.resolve", lambda host, port: ["93.184.215.14"])
    configure(org_a, issuer="https://idp.example.org/o")
    monkeypatch.setattr("accord.core.ssonet.resolve", lambda host, port: ["127.0.0.1"])
    sent = []
    monkeypatch.setattr("requests.Session.send", lambda self, *a, **k: sent.append(a) or None)
    answer = Client().post(f"/accounts/oidc/{org_a.slug}/login/", {"process": "login"})
    assert answer.status_code == 502 and not sent
    assert "The identity provider of Alpha Clinic did not answer; try again later" in answer.content.decode()


@pytest.mark.parametrize(("url", "allowed", "problem"), [
    ("https://93.184.215.14/o", False, None),
    ("https://10.0.0.1/o", False, "private"),
    ("https://10.0.0.1/o", True, None),
    ("http://93.184.215.14/o", False, "not_https"),
    ("http://93.184.215.14/o", True, "not_https"),
    ("http://[::1]:8000/o", True, None),
    ("ftp://93.184.215.14/o", True, "not_https"),
    ("https://[::1/o", True, "not_https"),
])
def test_where_a_request_for_sign_in_may_go(settings, url, allowed, problem):
    from accord.core import ssonet
    settings.ACCORD_SSO_ALLOW_PRIVATE_ISSUERS = allowed
    assert ssonet.problem(url, unresolved_ok=False) == problem


@pytest.mark.parametrize("domain", ["gmail.com", "outlook.com", "hotmail.com", "yahoo.com", "yahoo.fr",
                                    "icloud.com", "proton.me", "gmx.de", "gmx.net"])
def test_a_public_mail_providers_domain_is_refused(org_a, domain):
    make_member(org_a, Role.VIEWER, email=f"someone@{domain}")  # even with a member there
    with pytest.raises(ValidationError, match="public mail provider") as refused:
        configure(org_a, allowed_domains=[domain])
    assert list(refused.value.message_dict) == ["allowed_domains"]


def test_public_mail_domains_do_not_catch_a_companys_own():
    assert not ssorules.is_public_mail_domain("gmx-consulting.de")
    assert not ssorules.is_public_mail_domain("mail.gmx.example.org")
    assert not ssorules.is_public_mail_domain("example.org")


def test_a_domain_another_organisations_provider_speaks_for_is_a_conflict(org_a, org_b):
    from accord.core.conflict import Conflict
    make_member(org_b, Role.ADMIN, email="it@example.org")
    configure(org_b, allowed_domains=["example.org"])
    with pytest.raises(Conflict, match="another organisation's identity provider") as refused:
        configure(org_a, allowed_domains=["example.org", "example.com"])
    message = refused.value.message_dict["allowed_domains"][0]
    assert "example.org" in message and org_b.name not in message and org_b.slug not in message
    assert "example.com" not in message
    assert configure(org_a, allowed_domains=["example.com"]).allowed_domains == ["example.com"]


def test_the_api_answers_a_claimed_domain_with_409(org_a, org_b, admin):
    make_member(org_b, Role.ADMIN, email="it@example.org")
    configure(org_b, allowed_domains=["example.org"])
    body = {"issuer": "https://login.example.org", "client_id": "accord-api", "client_secret": SECRET,
            "allowed_domains": ["example.org"], "join_role": "viewer"}
    answer = Client().put(f"/api/v1/orgs/{org_a.slug}/identity-provider/", body, content_type="application/json",
                          **admin.auth())
    assert answer.status_code == 409 and org_b.name not in answer.content.decode()


def test_a_domain_none_of_the_organisations_own_members_use_is_refused_alike_whoever_else_uses_it(org_a):
    """A consultant's domain, another tenant's members' domain, or one nobody uses: the same refusal, from the
    organisation's own members alone, so it tells nothing about other organisations."""
    make_member(org_a, Role.CISO, email="vic@vciso.example", external=True)  # an external member does not count
    other = make_org("nordpay", name="Nordpay")
    make_member(other, Role.ADMIN, email="cfo@nordpay.example")
    messages = []
    for domain in ("nordpay.example", "vciso.example", "nobody-uses-this.example"):
        with pytest.raises(ValidationError, match="no member of") as refused:
            configure(org_a, allowed_domains=[domain])
        messages.append(refused.value.message_dict["allowed_domains"][0].replace(domain, "DOMAIN"))
    assert len(set(messages)) == 1 and "no member of Alpha Clinic has an address there" in messages[0]
    assert "Nordpay" not in messages[0]
    # Once the organisation has a member of its own there, the domain is its to name.
    make_member(org_a, Role.VIEWER, email="ann@nordpay.example")
    assert configure(org_a, allowed_domains=["nordpay.example"]).allowed_domains == ["nordpay.example"]
