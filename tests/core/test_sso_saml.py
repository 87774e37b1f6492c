"""Single sign-on through an organisation's SAML 2.0 identity provider (decision 0037), against a tiny but real
IdP (tests/core/saml_idp.py): it reads Accord's AuthnRequest and answers with a response signed by xmlsec under
a key made for the test, posted to the ACS as a browser would. The same rule as OpenID Connect decides who signs
in and who joins (only this organisation, never above the join role); what is not signed by the trusted key, or
is meant for another audience, is refused."""

from __future__ import annotations

import pytest
from allauth.socialaccount.models import SocialAccount
from django.contrib.auth import SESSION_KEY
from django.core.exceptions import ValidationError
from django.test import Client

from accord.core import selectors, services
from accord.core.choices import AuditAction, IdpKind, Role
from accord.core.models import AuditEvent, Membership, Organization, User
from tests.conftest import signed_in
from tests.core import saml_idp
from tests.core.conftest import SAML_HOST as HOST
from tests.core.saml_idp import SigningKey, make_signing_key
from tests.factories import make_member

pytestmark = pytest.mark.usefixtures("saml_host")


def trust(org: Organization, key: SigningKey, *, join_role: str = "", entity_id: str = saml_idp.ENTITY_ID) -> None:
    """`org` trusts the test IdP for acme.test (a member of its own has an address there, as the service wants)."""
    if not Membership.objects.for_org(org).filter(user__email__endswith="@acme.test", external=False).exists():
        make_member(org, Role.ADMIN, email="it-admin@acme.test")
    services.do_set_saml_identity_provider(
        None, org, entity_id=entity_id, sso_url=saml_idp.SSO_URL, x509_cert=key.cert_text,
        email_attribute=saml_idp.EMAIL_ATTRIBUTE, name_attribute=saml_idp.NAME_ATTRIBUTE,
        allowed_domains=["acme.test"], join_role=join_role)


def browser() -> Client:
    """A client that sends a Host header, as every browser does (allauth's SAML views read it), at a dotted host."""
    return Client(HTTP_HOST=HOST)


def signed_in_user(client: Client) -> User | None:
    pk = client.session.get(SESSION_KEY)
    return User.objects.filter(pk=pk).first() if pk else None


def test_the_request_names_accords_acs_and_entity_id_for_that_organisation(idp_key, acme):
    trust(acme, idp_key)
    request = saml_idp.start(browser(), "acme")
    assert request.acs_url == "http://accord.test/accounts/saml/acme/acs/"
    assert request.issuer == "http://accord.test/accounts/saml/acme/metadata/"


def test_a_member_signs_in_through_the_saml_idp_and_is_linked(idp_key, acme):
    alice = make_member(acme, Role.CISO, email="alice@acme.test")
    trust(acme, idp_key)
    client = browser()
    answer = saml_idp.sign_in_through(client, "acme", idp_key, email="alice@acme.test", subject="alice-1")
    assert answer.status_code == 302 and answer["Location"] == "/o/acme/"
    assert signed_in_user(client) == alice.user
    assert client.get("/o/acme/").status_code == 200
    linked = SocialAccount.objects.get(provider="acme")
    assert linked.user == alice.user and linked.uid == "alice-1"
    assert AuditEvent.objects.for_org(acme).filter(action=AuditAction.LINK).count() == 1
    # The second time the link signs her in, whatever address the assertion carries now.
    again = browser()
    assert saml_idp.sign_in_through(again, "acme", idp_key, email="alice@acme.test",
                                    subject="alice-1")["Location"] == "/o/acme/"
    assert signed_in_user(again) == alice.user


def test_a_response_signed_as_a_whole_is_accepted_too(idp_key, acme):
    alice = make_member(acme, Role.CIO, email="alice@acme.test")
    trust(acme, idp_key)
    client = browser()
    saml_idp.sign_in_through(client, "acme", idp_key, email="alice@acme.test", sign="response")
    assert signed_in_user(client) == alice.user


def test_someone_new_joins_that_organisation_only_at_the_join_role(idp_key, acme, beta):
    make_member(beta, Role.ADMIN, email="boss@beta.test")
    trust(acme, idp_key, join_role="contributor")
    client = browser()
    answer = saml_idp.sign_in_through(client, "acme", idp_key, email="newbie@acme.test", name="New Bie",
                                      subject="newbie-1")
    assert answer["Location"] == "/o/acme/"
    newbie = User.objects.get(email="newbie@acme.test")
    assert newbie.full_name == "New Bie" and not newbie.has_usable_password()
    assert [(m.organization.slug, m.role) for m in Membership.unscoped.filter(user=newbie)] == [("acme", "contributor")]
    assert AuditEvent.objects.for_org(acme).filter(action=AuditAction.JOIN).count() == 1
    # Beta's pages are not theirs: a 404 like any outsider's.
    assert client.get("/o/beta/").status_code == 404


def test_with_no_join_role_a_stranger_is_refused(idp_key, acme):
    trust(acme, idp_key)
    client = browser()
    answer = saml_idp.sign_in_through(client, "acme", idp_key, email="stranger@acme.test")
    assert answer.status_code == 302 and answer["Location"] == "/accounts/login/"
    assert signed_in_user(client) is None and not User.objects.filter(email="stranger@acme.test").exists()


def test_an_address_outside_the_allowed_domains_never_joins(idp_key, acme):
    trust(acme, idp_key, join_role="viewer")
    client = browser()
    saml_idp.sign_in_through(client, "acme", idp_key, email="someone@elsewhere.test")
    assert signed_in_user(client) is None and not User.objects.filter(email="someone@elsewhere.test").exists()


def test_the_idp_cannot_take_over_an_account_of_another_organisation(idp_key, acme, beta):
    bob = make_member(beta, Role.ADMIN, email="bob@acme.test")  # a beta admin with an address at acme's domain
    trust(acme, idp_key, join_role="viewer")
    client = browser()
    saml_idp.sign_in_through(client, "acme", idp_key, email="bob@acme.test")
    assert signed_in_user(client) is None
    assert not Membership.objects.for_org(acme).filter(user=bob.user).exists()


@pytest.mark.parametrize(("how", "reason"), [
    ("unsigned", "No Signature found"), ("tampered", "Signature validation failed"),
    ("other key", "Signature validation failed"), ("wrong audience", "is not a valid audience"),
    ("other issuer", "Invalid issuer"),
])
def test_a_response_not_signed_by_the_trusted_key_or_not_meant_for_accord_is_refused(idp_key, acme, how, reason,
                                                                                      caplog):
    make_member(acme, Role.CISO, email="alice@acme.test")
    trust(acme, idp_key, join_role="viewer")
    client = browser()
    request = saml_idp.start(client, "acme")
    if how == "unsigned":
        xml = saml_idp.response_xml(request, None, email="alice@acme.test")
    elif how == "tampered":  # signed for alice, then the address changed
        xml = saml_idp.response_xml(request, idp_key, email="alice@acme.test").replace(b"alice@", b"mallory@")
    elif how == "other key":
        xml = saml_idp.response_xml(request, make_signing_key(), email="alice@acme.test")
    elif how == "wrong audience":
        xml = saml_idp.response_xml(request, idp_key, email="alice@acme.test",
                                    audience="http://accord.test/accounts/saml/beta/metadata/")
    else:
        xml = saml_idp.response_xml(request, idp_key, email="alice@acme.test", issuer="https://evil.test/idp")
    answer = saml_idp.post_response(client, request, xml)
    assert answer.status_code == 401 and signed_in_user(client) is None
    assert reason in caplog.text
    assert not SocialAccount.objects.exists() and not User.objects.filter(email="mallory@acme.test").exists()


def test_a_response_for_one_organisation_posted_to_anothers_acs_is_refused(idp_key, acme, beta):
    boss = make_member(beta, Role.ADMIN, email="boss@beta.test")
    trust(acme, idp_key, join_role="viewer")
    services.do_set_saml_identity_provider(  # beta trusts its own IdP, with the same entity id even
        None, beta, entity_id=saml_idp.ENTITY_ID, sso_url=saml_idp.SSO_URL,
        x509_cert=make_signing_key("idp.beta.test").cert_text, email_attribute=saml_idp.EMAIL_ATTRIBUTE,
        allowed_domains=["beta.test"], join_role="viewer")
    client = browser()
    request = saml_idp.start(client, "acme")
    xml = saml_idp.response_xml(request, idp_key, email="boss@beta.test")
    beta_request = saml_idp.AuthnRequest(id=request.id, acs_url="http://accord.test/accounts/saml/beta/acs/",
                                         issuer=request.issuer)
    assert saml_idp.post_response(client, beta_request, xml).status_code == 401
    assert signed_in_user(client) is None and not SocialAccount.objects.exists()
    assert [m.organization.slug for m in Membership.unscoped.filter(user=boss.user)] == ["beta"]


def test_an_idp_initiated_response_is_refused(idp_key, acme):
    make_member(acme, Role.CISO, email="alice@acme.test")
    trust(acme, idp_key)
    client = browser()
    request = saml_idp.AuthnRequest(id="", acs_url="http://accord.test/accounts/saml/acme/acs/",
                                    issuer="http://accord.test/accounts/saml/acme/metadata/")
    xml = saml_idp.response_xml(request, idp_key, email="alice@acme.test").replace(b' InResponseTo=""', b"")
    assert saml_idp.post_response(client, request, xml).status_code == 401
    assert signed_in_user(client) is None


def test_sso_required_applies_to_a_saml_organisation_like_an_oidc_one(idp_key, acme):
    alice = make_member(acme, Role.ADMIN, email="alice@acme.test")
    trust(acme, idp_key)
    with pytest.raises(ValidationError, match="Sign in through"):
        services.do_set_sso_policy(alice.user, acme, required=True)  # she never came through it
    client = browser()
    saml_idp.sign_in_through(client, "acme", idp_key, email="alice@acme.test")
    services.do_set_sso_policy(alice.user, acme, required=True)
    assert client.get("/o/acme/").status_code == 200
    password = signed_in(alice)
    password.defaults["HTTP_HOST"] = HOST
    assert password.get("/o/acme/").status_code == 302


def test_the_sp_metadata_names_the_acs_and_entity_id(idp_key, acme):
    trust(acme, idp_key)
    answer = browser().get("/accounts/saml/acme/metadata/")
    assert answer.status_code == 200
    assert b'entityID="http://accord.test/accounts/saml/acme/metadata/"' in answer.content
    assert b'Location="http://accord.test/accounts/saml/acme/acs/"' in answer.content
    assert browser().get("/accounts/saml/beta/metadata/").status_code == 404  # no such SAML provider


def test_an_oidc_organisation_has_no_saml_endpoints(acme):
    make_member(acme, Role.ADMIN, email="it-admin@acme.test")
    services.do_set_identity_provider(None, acme, issuer="https://login.acme.test", client_id="c", client_secret="s",
                                      allowed_domains=["acme.test"], join_role="")
    assert browser().get("/accounts/saml/acme/metadata/").status_code == 404


def test_a_new_entity_id_or_a_change_of_protocol_forgets_the_links_but_a_new_certificate_does_not(idp_key, acme):
    make_member(acme, Role.CISO, email="alice@acme.test")
    trust(acme, idp_key)
    saml_idp.sign_in_through(browser(), "acme", idp_key, email="alice@acme.test")
    assert SocialAccount.objects.filter(provider="acme").count() == 1
    trust(acme, make_signing_key())  # a key rotation at the same IdP
    assert SocialAccount.objects.filter(provider="acme").count() == 1
    trust(acme, idp_key, entity_id="https://other-idp.acme.test/saml")
    assert SocialAccount.objects.filter(provider="acme").count() == 0
    saml_idp.sign_in_through(browser(), "acme", idp_key, email="alice@acme.test",
                             issuer="https://other-idp.acme.test/saml")
    services.do_set_identity_provider(None, acme, issuer="https://login.acme.test", client_id="c", client_secret="s",
                                      allowed_domains=["acme.test"], join_role="")
    idp = selectors.identity_provider(acme)
    assert idp is not None and idp.kind == IdpKind.OIDC and idp.saml_entity_id == "" and idp.saml_x509_cert == ""
    assert SocialAccount.objects.filter(provider="acme").count() == 0


@pytest.mark.parametrize(("field", "values"), [
    ("saml_sso_url", {"sso_url": "http://idp.acme.test/sso"}),
    ("saml_x509_cert", {"x509_cert": "-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydA==\n-----END CERTIFICATE-----"}),
    ("saml_entity_id", {"entity_id": " "}),
    ("saml_email_attribute", {"email_attribute": ""}),
    ("join_role", {"join_role": "admin"}),
])
def test_the_saml_settings_are_checked_field_by_field(idp_key, acme, field, values):
    make_member(acme, Role.ADMIN, email="it-admin@acme.test")
    given = {"entity_id": saml_idp.ENTITY_ID, "sso_url": saml_idp.SSO_URL, "x509_cert": idp_key.cert_text,
             "email_attribute": "email", "allowed_domains": ["acme.test"], "join_role": "viewer", **values}
    with pytest.raises(ValidationError, match=field) as caught:
        services.do_set_saml_identity_provider(None, acme, **given)
    assert field in caught.value.message_dict


def test_the_admin_configures_saml_on_the_page_and_sees_the_sp_urls(idp_key, acme):
    admin = make_member(acme, Role.ADMIN, email="it-admin@acme.test")
    client = signed_in(admin)
    client.defaults["HTTP_HOST"] = HOST
    page = client.get("/o/acme/sso/")
    assert b"http://accord.test/accounts/saml/acme/metadata/" in page.content
    assert b"http://accord.test/accounts/saml/acme/acs/" in page.content
    answer = client.post("/o/acme/sso/", {
        "kind": "saml", "saml-saml_entity_id": saml_idp.ENTITY_ID, "saml-saml_sso_url": saml_idp.SSO_URL,
        "saml-saml_x509_cert": idp_key.cert_text, "saml-saml_email_attribute": "email",
        "saml-allowed_domains": "acme.test", "saml-join_role": "viewer"})
    assert answer.status_code == 302
    idp = selectors.identity_provider(acme)
    assert idp is not None and idp.kind == IdpKind.SAML and idp.join_role == "viewer"
    assert "BEGIN" not in idp.saml_x509_cert
    assert saml_idp.ENTITY_ID.encode() in client.get("/o/acme/sso/").content


def test_the_api_configures_saml_and_answers_the_sp_urls(idp_key, acme):
    admin = make_member(acme, Role.ADMIN, email="it-admin@acme.test")
    client = Client(HTTP_HOST=HOST, **admin.auth())
    answer = client.put("/api/v1/orgs/acme/identity-provider/", content_type="application/json", data={
        "kind": "saml", "saml_entity_id": saml_idp.ENTITY_ID, "saml_sso_url": saml_idp.SSO_URL,
        "saml_x509_cert": idp_key.cert_text, "saml_email_attribute": "email", "allowed_domains": ["acme.test"]})
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert body["kind"] == "saml" and body["saml_entity_id"] == saml_idp.ENTITY_ID
    assert body["saml_acs_url"] == "http://accord.test/accounts/saml/acme/acs/"
    assert body["saml_metadata_url"] == "http://accord.test/accounts/saml/acme/metadata/"
    bad = client.put("/api/v1/orgs/acme/identity-provider/", content_type="application/json", data={
        "kind": "saml", "saml_entity_id": saml_idp.ENTITY_ID, "saml_sso_url": saml_idp.SSO_URL,
        "saml_x509_cert": "nope", "saml_email_attribute": "email", "allowed_domains": ["acme.test"]})
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "saml_x509_cert"


def test_the_cli_shows_a_saml_provider_and_sets_its_requirement_only(idp_key, acme, capsys):
    from accord.cli import main

    trust(acme, idp_key)
    assert main(["org", "sso", "show", "acme"]) == 0
    assert f"kind=saml entity_id={saml_idp.ENTITY_ID}" in capsys.readouterr().out
    assert main(["org", "sso", "set", "acme", "--required"]) == 0
    assert Organization.objects.get(pk=acme.pk).sso_required
    assert main(["org", "sso", "set", "acme", "--join-role", "viewer"]) != 0
    assert "signs in through SAML" in capsys.readouterr().err
