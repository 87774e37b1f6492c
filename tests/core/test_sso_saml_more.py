"""SAML single sign-on beyond the basics (decision 0063), against the tests' tiny IdP (tests/core/saml_idp.py):
configuring from the IdP's metadata (pasted, or fetched from its address and read again after a certificate
rotation), Accord signing its requests, assertions encrypted to Accord, and single logout both ways."""

from __future__ import annotations

import base64
import hashlib
import http.server
import threading
from collections.abc import Iterator

import pytest
from allauth.socialaccount.models import SocialAccount
from django.core.exceptions import ValidationError
from django.test import Client

from accord.cli import main as cli_main
from accord.core import secrets, selectors, services
from accord.core.choices import AuditAction, Role
from accord.core.models import AuditEvent, IdentityProvider, Membership, Organization
from accord.core.services.sso import make_sp_key
from tests.conftest import signed_in
from tests.core import saml_idp
from tests.core.saml_idp import SigningKey, make_signing_key
from tests.core.test_sso_saml import HOST, browser, signed_in_user
from tests.factories import make_member

SLS_URL = f"http://{HOST}/accounts/saml/acme/sls/"
pytestmark = pytest.mark.usefixtures("saml_host")


def configure(org: Organization, **extra) -> IdentityProvider:
    if not Membership.objects.for_org(org).filter(user__email="it-admin@acme.test").exists():
        make_member(org, Role.ADMIN, email="it-admin@acme.test")
    fields = {"email_attribute": saml_idp.EMAIL_ATTRIBUTE, "name_attribute": saml_idp.NAME_ATTRIBUTE,
              "allowed_domains": ["acme.test"], "join_role": "", **extra}
    return services.do_set_saml_identity_provider(None, org, **fields)


def trust(org: Organization, key: SigningKey, **extra) -> IdentityProvider:
    return configure(org, entity_id=saml_idp.ENTITY_ID, sso_url=saml_idp.SSO_URL, x509_cert=key.cert_text, **extra)


# --- metadata ---------------------------------------------------------------------------------------------------


def test_pasted_metadata_fills_the_entity_id_the_endpoints_and_the_certificate(idp_key, acme):
    idp = configure(acme, metadata_xml=saml_idp.metadata_xml(idp_key).decode())
    assert (idp.saml_entity_id, idp.saml_sso_url, idp.saml_slo_url) == (saml_idp.ENTITY_ID, saml_idp.SSO_URL,
                                                                         saml_idp.SLO_URL)
    assert idp.saml_x509_cert == "".join(line for line in idp_key.cert_text.splitlines() if "-----" not in line)
    make_member(acme, Role.CISO, email="alice@acme.test")
    client = browser()
    assert saml_idp.sign_in_through(client, "acme", idp_key, email="alice@acme.test")["Location"] == "/o/acme/"


def test_what_the_metadata_names_replaces_the_fields_and_a_logout_url_it_lacks_comes_from_them(idp_key, acme):
    other = make_signing_key()
    idp = configure(acme, metadata_xml=saml_idp.metadata_xml(idp_key).decode(), entity_id="https://old.test/idp",
                    x509_cert=other.cert_text, slo_url="https://idp.acme.test/bye")
    assert idp.saml_entity_id == saml_idp.ENTITY_ID and idp.saml_slo_url == saml_idp.SLO_URL
    assert idp.saml_x509_cert in idp_key.cert_text.replace("\n", "")
    idp = configure(acme, metadata_xml=saml_idp.metadata_xml(idp_key, slo=False).decode(),
                    slo_url="https://idp.acme.test/bye")
    assert idp.saml_slo_url == "https://idp.acme.test/bye"


@pytest.mark.parametrize(("document", "reason"), [
    ("<not xml", "not SAML metadata"),
    ('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>', "not SAML metadata"),
    ('<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="x"/>', "single sign-on"),
    ("<x>" + "a" * (600 * 1024) + "</x>", "larger than"),
])
def test_unusable_metadata_is_refused_with_the_reason_and_nothing_is_stored(acme, document, reason):
    with pytest.raises(ValidationError, match=reason) as caught:
        configure(acme, metadata_xml=document)
    assert "saml_idp_metadata" in caught.value.message_dict
    assert not IdentityProvider.objects.for_org(acme).exists()


class _Metadata(http.server.BaseHTTPRequestHandler):
    body = b""

    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "application/samlmetadata+xml")
        self.end_headers()
        self.wfile.write(type(self).body)

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def metadata_server(settings) -> Iterator[tuple[str, type[_Metadata]]]:
    """An IdP's metadata published over http on this machine's loopback (an operator allowed private IdPs)."""
    settings.ACCORD_SSO_ALLOW_PRIVATE_ISSUERS = True
    handler = type("Handler", (_Metadata,), {})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/metadata", handler
    finally:
        server.shutdown()
        server.server_close()


def test_metadata_fetched_from_its_address_and_read_again_after_a_certificate_rotation(idp_key, acme,
                                                                                       metadata_server):
    url, handler = metadata_server
    handler.body = saml_idp.metadata_xml(idp_key)
    idp = configure(acme, metadata_url=url)
    assert idp.saml_idp_metadata_url == url and idp.saml_sso_url == saml_idp.SSO_URL
    alice = make_member(acme, Role.CISO, email="alice@acme.test")
    assert saml_idp.sign_in_through(browser(), "acme", idp_key, email="alice@acme.test", subject="alice-1")
    rotated = make_signing_key()
    handler.body = saml_idp.metadata_xml(rotated)
    refreshed = services.do_refresh_saml_metadata(None, acme)
    assert refreshed.saml_x509_cert != idp.saml_x509_cert
    event = AuditEvent.objects.for_org(acme).filter(action=AuditAction.UPDATE).latest("id")
    assert "saml_x509_cert" in event.changes
    # The same IdP with a new key: the link stays, and only the new key is trusted.
    assert SocialAccount.objects.get(provider="acme").user == alice.user
    client = browser()
    assert saml_idp.sign_in_through(client, "acme", rotated, email="alice@acme.test",
                                    subject="alice-1")["Location"] == "/o/acme/"
    assert signed_in_user(client) == alice.user
    stale = browser()
    saml_idp.sign_in_through(stale, "acme", idp_key, email="alice@acme.test", subject="alice-1")
    assert signed_in_user(stale) is None
    # Saving the settings again with the address (as the page does, the stored values beside it) reads it again.
    third = make_signing_key()
    handler.body = saml_idp.metadata_xml(third)
    again = configure(acme, metadata_url=url, entity_id=refreshed.saml_entity_id, x509_cert=refreshed.saml_x509_cert,
                      sso_url=refreshed.saml_sso_url)
    assert again.saml_x509_cert in third.cert_text.replace("\n", "")


def test_a_metadata_address_accord_may_not_reach_is_refused(acme, settings):
    settings.ACCORD_SSO_ALLOW_PRIVATE_ISSUERS = False
    for url in ("http://idp.acme.test/metadata", "https://127.0.0.1/metadata", "https://10.0.0.8/metadata"):
        with pytest.raises(ValidationError, match="not an address Accord may fetch"):
            configure(acme, metadata_url=url)
    with pytest.raises(ValidationError, match="was not configured from a metadata address"):
        services.do_refresh_saml_metadata(None, acme)


# --- Accord's own key: signed requests, encrypted assertions -----------------------------------------------------


def test_accord_signs_its_requests_with_a_key_of_its_own_published_in_its_metadata(idp_key, acme):
    idp = trust(acme, idp_key, sign_requests=True)
    assert idp.saml_sp_cert and secrets.unseal(idp.saml_sp_key_sealed).startswith("-----BEGIN PRIVATE KEY-----")
    event = AuditEvent.objects.for_org(acme).filter(action=AuditAction.CREATE).order_by("-id")[0]
    assert event.changes["sp_certificate"] == [None, "made"]
    assert "PRIVATE" not in str(event.changes) and idp.saml_sp_cert not in str(event.changes)
    client = browser()
    begin = client.get("/accounts/sso/", {"organisation": "acme"})
    location = str(client.post(begin["Location"])["Location"])
    assert saml_idp.redirect_signature_valid(location, idp.saml_sp_cert)
    assert not saml_idp.redirect_signature_valid(location, saml_idp.make_signing_key().cert_text.split("-----")[2]
                                                 .replace("\n", ""))
    metadata = client.get("/accounts/saml/acme/metadata/").content.decode()
    assert 'AuthnRequestsSigned="true"' in metadata and idp.saml_sp_cert in metadata.replace("\n", "")
    # The key is kept when the settings change again (the IdP holds a copy of the certificate).
    again = trust(acme, idp_key, sign_requests=True, encrypted_assertions=True)
    assert again.saml_sp_cert == idp.saml_sp_cert


def test_without_signing_the_request_carries_no_signature(idp_key, acme):
    idp = trust(acme, idp_key)
    assert not idp.saml_sp_cert
    client = browser()
    location = str(client.post(client.get("/accounts/sso/", {"organisation": "acme"})["Location"])["Location"])
    assert "Signature=" not in location


def test_an_assertion_encrypted_to_accord_signs_in_and_a_plain_one_is_refused_when_encryption_is_required(idp_key,
                                                                                                        acme):
    idp = trust(acme, idp_key, encrypted_assertions=True)
    alice = make_member(acme, Role.CISO, email="alice@acme.test")
    client = browser()
    request = saml_idp.start(client, "acme")
    xml = saml_idp.encrypt_assertion(saml_idp.response_xml(request, idp_key, email="alice@acme.test"),
                                     idp.saml_sp_cert)
    assert b"EncryptedAssertion" in xml and b"alice@acme.test" not in xml
    assert saml_idp.post_response(client, request, xml)["Location"] == "/o/acme/"
    assert signed_in_user(client) == alice.user
    plain = browser()
    saml_idp.sign_in_through(plain, "acme", idp_key, email="alice@acme.test")
    assert signed_in_user(plain) is None
    # Encrypted to someone else's key: Accord cannot read it, and refuses it.
    other = browser()
    request = saml_idp.start(other, "acme")
    stranger = "".join(line for line in make_signing_key().cert_text.splitlines() if "-----" not in line)
    xml = saml_idp.encrypt_assertion(saml_idp.response_xml(request, idp_key, email="alice@acme.test"), stranger)
    answer = saml_idp.post_response(other, request, xml)
    assert answer.status_code == 302 and answer["Location"] == "/accounts/login/"
    assert signed_in_user(other) is None


# --- single logout -------------------------------------------------------------------------------------------------


def _signed_in(idp_key: SigningKey, acme: Organization, **extra) -> tuple[Client, str, IdentityProvider]:
    idp = trust(acme, idp_key, slo_url=saml_idp.SLO_URL, **extra)
    make_member(acme, Role.CISO, email="alice@acme.test")
    client = browser()
    request = saml_idp.start(client, "acme")
    xml = saml_idp.response_xml(request, idp_key, email="alice@acme.test", subject="alice-1")
    assert saml_idp.post_response(client, request, xml)["Location"] == "/o/acme/"
    return client, saml_idp.read_session_index(xml), idp


def test_signing_out_of_accord_signs_out_at_the_idp_too(idp_key, acme):
    client, session_index, _ = _signed_in(idp_key, acme)
    answer = client.post("/accounts/logout/")
    assert answer.status_code == 302
    logout = saml_idp.read_logout_request(str(answer["Location"]))
    assert (logout.name_id, logout.session_index) == ("alice-1", session_index)
    assert logout.destination == saml_idp.SLO_URL
    assert logout.issuer == f"http://{HOST}/accounts/saml/acme/metadata/"
    assert signed_in_user(client) is None
    # The IdP answers at Accord's logout endpoint, which accepts it and goes on.
    back = client.get("/accounts/saml/acme/sls/", {"SAMLResponse": saml_idp.logout_response(logout.id, SLS_URL)})
    assert back.status_code == 302 and signed_in_user(client) is None


def test_the_logout_request_is_signed_when_the_organisation_signs_its_requests(idp_key, acme):
    client, _, idp = _signed_in(idp_key, acme, sign_requests=True)
    answer = client.post("/accounts/logout/")
    assert saml_idp.redirect_signature_valid(str(answer["Location"]), idp.saml_sp_cert)


def test_without_a_logout_endpoint_signing_out_ends_only_accords_session(idp_key, acme):
    trust(acme, idp_key)
    make_member(acme, Role.CISO, email="alice@acme.test")
    client = browser()
    saml_idp.sign_in_through(client, "acme", idp_key, email="alice@acme.test")
    answer = client.post("/accounts/logout/")
    assert answer.status_code == 302 and not str(answer["Location"]).startswith(saml_idp.SLO_URL)
    assert signed_in_user(client) is None


def test_a_password_session_signs_out_locally(idp_key, acme, django_user_model):
    trust(acme, idp_key, slo_url=saml_idp.SLO_URL)
    member = make_member(acme, Role.CISO, email="bob@acme.test")
    client = browser()
    client.force_login(member.user)
    answer = client.post("/accounts/logout/")
    assert answer.status_code == 302 and not str(answer["Location"]).startswith(saml_idp.SLO_URL)


def test_signing_out_at_the_idp_ends_the_accord_session(idp_key, acme):
    client, session_index, _ = _signed_in(idp_key, acme)
    answer = client.get("/accounts/saml/acme/sls/", {
        "SAMLRequest": saml_idp.idp_logout_request(SLS_URL, "alice-1", session_index)})
    assert answer.status_code == 302 and str(answer["Location"]).startswith(saml_idp.SLO_URL + "?SAMLResponse=")
    assert signed_in_user(client) is None
    assert client.get("/o/acme/").status_code == 302


def test_the_api_and_the_page_set_the_new_saml_settings(idp_key, acme):
    admin = make_member(acme, Role.ADMIN, email="it-admin@acme.test")
    _, token = services.do_create_token(None, acme, admin.user, name="t")
    api = Client(HTTP_HOST=HOST, HTTP_AUTHORIZATION=f"Bearer {token}")
    answer = api.put("/api/v1/orgs/acme/identity-provider/", {
        "kind": "saml", "saml_idp_metadata": saml_idp.metadata_xml(idp_key).decode(),
        "saml_email_attribute": saml_idp.EMAIL_ATTRIBUTE, "saml_sign_requests": True,
        "saml_encrypted_assertions": True, "allowed_domains": ["acme.test"]}, content_type="application/json")
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert body["saml_slo_url"] == saml_idp.SLO_URL and body["saml_sign_requests"] is True
    assert body["saml_encrypted_assertions"] is True and body["saml_sp_certificate"]
    assert "private" not in str(body).lower()
    bad = api.put("/api/v1/orgs/acme/identity-provider/", {
        "kind": "saml", "saml_idp_metadata": "<oops", "saml_email_attribute": "email",
        "allowed_domains": ["acme.test"]}, content_type="application/json")
    assert bad.status_code == 422 and "saml_idp_metadata" in bad.content.decode()
    assert selectors.identity_provider(acme).saml_sign_requests is True  # the bad call changed nothing
    client = signed_in(admin)
    client.defaults["HTTP_HOST"] = HOST
    page = client.get("/o/acme/sso/").content.decode()
    assert "saml-saml_slo_url" in page and "saml-saml_idp_metadata" in page
    assert "BEGIN CERTIFICATE" in page and "PRIVATE" not in page
    answer = client.post("/o/acme/sso/", {
        "kind": "saml", "saml-saml_idp_metadata": saml_idp.metadata_xml(idp_key, slo=False).decode(),
        "saml-saml_email_attribute": "email", "saml-allowed_domains": "acme.test", "saml-join_role": ""})
    assert answer.status_code == 302
    idp = selectors.identity_provider(acme)
    assert idp.saml_slo_url == "" and idp.saml_sign_requests is False and idp.saml_sp_cert  # the key stays


def test_the_cli_sets_saml_from_a_metadata_file_and_refreshes_from_an_address(idp_key, acme, capsys, tmp_path,
                                                                              metadata_server):
    from accord.cli import main

    make_member(acme, Role.ADMIN, email="it-admin@acme.test")
    metadata = tmp_path / "idp.xml"
    metadata.write_bytes(saml_idp.metadata_xml(idp_key))
    assert main(["org", "sso", "set-saml", "acme", "--metadata", str(metadata), "--email-attribute", "email",
                 "--allowed-domains", "acme.test", "--sign-requests"]) == 0
    out = capsys.readouterr().out
    assert f"slo_url={saml_idp.SLO_URL}" in out and "sign_requests=yes" in out and "BEGIN CERTIFICATE" in out
    assert main(["org", "sso", "refresh-metadata", "acme"]) != 0
    assert "was not configured from a metadata address" in capsys.readouterr().err
    url, handler = metadata_server
    rotated = make_signing_key()
    handler.body = saml_idp.metadata_xml(rotated, slo=False)
    assert main(["org", "sso", "set-saml", "acme", "--metadata-url", url, "--email-attribute", "email",
                 "--allowed-domains", "acme.test"]) == 0
    assert f"metadata_url={url}" in capsys.readouterr().out
    assert main(["org", "sso", "refresh-metadata", "acme"]) == 0
    assert "slo_url=none" in capsys.readouterr().out
    assert main(["org", "sso", "set-saml", "acme", "--metadata", str(tmp_path / "missing.xml"),
                 "--email-attribute", "email", "--allowed-domains", "acme.test"]) != 0
    assert "cannot read" in capsys.readouterr().err


def test_the_sp_key_is_replaced_at_once_audited_with_both_fingerprints(org_a, admin):
    with pytest.raises(ValidationError, match="no SAML service provider key"):
        services.do_rotate_saml_sp_key(admin.user, org_a)
    certificate, _key = make_sp_key("test identity provider")
    services.do_set_saml_identity_provider(
        admin.user, org_a, entity_id="https://idp.a.test/saml", sso_url="https://idp.a.test/sso", x509_cert=certificate,
        email_attribute="email", allowed_domains=["a.test"], join_role="", sign_requests=True)
    before = IdentityProvider.objects.for_org(org_a).get()
    services.do_rotate_saml_sp_key(admin.user, org_a)
    after = IdentityProvider.objects.for_org(org_a).get()
    assert after.saml_sp_cert != before.saml_sp_cert and after.saml_sp_key_sealed != before.saml_sp_key_sealed

    def fingerprint(cert):
        digest = hashlib.sha256(base64.b64decode(cert)).hexdigest().upper()
        return ":".join(digest[i:i + 2] for i in range(0, 64, 2))

    event = AuditEvent.objects.for_org(org_a).latest("pk")
    assert event.changes == {"sp_certificate": [fingerprint(before.saml_sp_cert), fingerprint(after.saml_sp_cert)]}
    assert "private" not in str(event.changes).lower()
    assert cli_main(["org", "sso", "rotate-sp-key", org_a.slug]) == 0
    assert IdentityProvider.objects.for_org(org_a).get().saml_sp_cert != after.saml_sp_cert
