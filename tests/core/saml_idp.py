"""A tiny SAML 2.0 identity provider for the tests (decision 0037): it reads Accord's AuthnRequest from the
redirect, and answers with a Response whose assertion (or whole message) it signs with xmlsec, under an RSA key
and a self-signed certificate made when the test starts (cryptography). Nothing is mocked on Accord's side:
the response goes to the ACS like a browser would post it, and python3-saml checks it as it would any IdP's."""

from __future__ import annotations

import base64
import datetime as dt
import uuid
import zlib
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlsplit

import xmlsec
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from django.test import Client
from lxml import etree

SAMLP = "urn:oasis:names:tc:SAML:2.0:protocol"
SAML = "urn:oasis:names:tc:SAML:2.0:assertion"
ENTITY_ID = "https://idp.acme.test/saml/metadata"
SSO_URL = "https://idp.acme.test/saml/sso"
EMAIL_ATTRIBUTE = "urn:oid:0.9.2342.19200300.100.1.3"
NAME_ATTRIBUTE = "displayName"


@dataclass(frozen=True)
class SigningKey:
    key_pem: bytes
    cert_pem: bytes

    @property
    def cert_text(self) -> str:
        return self.cert_pem.decode()


def make_signing_key(common_name: str = "idp.acme.test") -> SigningKey:
    """An RSA key and a self-signed certificate for it, valid from a minute ago for a day."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(minutes=1))
            .not_valid_after(now + dt.timedelta(days=1)).sign(key, hashes.SHA256()))
    return SigningKey(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                        serialization.NoEncryption()),
                      cert.public_bytes(serialization.Encoding.PEM))


@dataclass(frozen=True)
class AuthnRequest:
    id: str
    acs_url: str
    issuer: str


def read_request(location: str) -> AuthnRequest:
    """Accord's AuthnRequest from the HTTP-Redirect binding: base64 of raw DEFLATE in `SAMLRequest`."""
    parts = urlsplit(location)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == SSO_URL, location
    raw = base64.b64decode(parse_qs(parts.query)["SAMLRequest"][0])
    root = etree.fromstring(zlib.decompress(raw, -15), parser=etree.XMLParser(resolve_entities=False))
    return AuthnRequest(id=root.get("ID"), acs_url=root.get("AssertionConsumerServiceURL"),
                        issuer=root.findtext(f"{{{SAML}}}Issuer"))


def _sign(element: Any, key: SigningKey) -> None:
    """An enveloped RSA-SHA256 signature of `element`, placed right after its Issuer as SAML wants."""
    signature = xmlsec.template.create(element, xmlsec.constants.TransformExclC14N,
                                       xmlsec.constants.TransformRsaSha256)
    element.insert(list(element).index(element.find(f"{{{SAML}}}Issuer")) + 1, signature)
    ref = xmlsec.template.add_reference(signature, xmlsec.constants.TransformSha256, uri="#" + element.get("ID"))
    xmlsec.template.add_transform(ref, xmlsec.constants.TransformEnveloped)
    xmlsec.template.add_transform(ref, xmlsec.constants.TransformExclC14N)
    xmlsec.template.add_x509_data(xmlsec.template.ensure_key_info(signature))
    xmlsec.tree.add_ids(element, ["ID"])
    context = xmlsec.SignatureContext()
    context.key = xmlsec.Key.from_memory(key.key_pem, xmlsec.constants.KeyDataFormatPem)
    context.key.load_cert_from_memory(key.cert_pem, xmlsec.constants.KeyDataFormatPem)
    context.sign(signature)


def _time(moment: dt.datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def response_xml(request: AuthnRequest, key: SigningKey | None, *, email: str, name: str = "", subject: str = "",
                 audience: str | None = None, sign: str = "assertion", issuer: str = ENTITY_ID) -> bytes:
    """A Response to `request` asserting `email` (and `name`) for `subject`; `sign` is "assertion", "response"
    or "none"; `audience` defaults to the requester (Accord's SP entity id)."""
    now = dt.datetime.now(dt.UTC)
    response = etree.Element(f"{{{SAMLP}}}Response", nsmap={"samlp": SAMLP, "saml": SAML}, attrib={
        "ID": "_" + uuid.uuid4().hex, "Version": "2.0", "IssueInstant": _time(now),
        "Destination": request.acs_url, "InResponseTo": request.id})
    etree.SubElement(response, f"{{{SAML}}}Issuer").text = issuer
    status = etree.SubElement(response, f"{{{SAMLP}}}Status")
    etree.SubElement(status, f"{{{SAMLP}}}StatusCode", Value="urn:oasis:names:tc:SAML:2.0:status:Success")
    assertion = etree.SubElement(response, f"{{{SAML}}}Assertion", ID="_" + uuid.uuid4().hex, Version="2.0",
                                 IssueInstant=_time(now))
    etree.SubElement(assertion, f"{{{SAML}}}Issuer").text = issuer
    subj = etree.SubElement(assertion, f"{{{SAML}}}Subject")
    etree.SubElement(subj, f"{{{SAML}}}NameID",
                     Format="urn:oasis:names:tc:SAML:2.0:nameid-format:persistent").text = subject or email
    confirmation = etree.SubElement(subj, f"{{{SAML}}}SubjectConfirmation",
                                    Method="urn:oasis:names:tc:SAML:2.0:cm:bearer")
    etree.SubElement(confirmation, f"{{{SAML}}}SubjectConfirmationData", InResponseTo=request.id,
                     Recipient=request.acs_url, NotOnOrAfter=_time(now + dt.timedelta(minutes=5)))
    conditions = etree.SubElement(assertion, f"{{{SAML}}}Conditions", NotBefore=_time(now - dt.timedelta(minutes=1)),
                                  NotOnOrAfter=_time(now + dt.timedelta(minutes=5)))
    restriction = etree.SubElement(conditions, f"{{{SAML}}}AudienceRestriction")
    etree.SubElement(restriction, f"{{{SAML}}}Audience").text = audience or request.issuer
    authn = etree.SubElement(assertion, f"{{{SAML}}}AuthnStatement", AuthnInstant=_time(now),
                             SessionIndex="_" + uuid.uuid4().hex)
    context = etree.SubElement(authn, f"{{{SAML}}}AuthnContext")
    etree.SubElement(context, f"{{{SAML}}}AuthnContextClassRef").text = (
        "urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport")
    statement = etree.SubElement(assertion, f"{{{SAML}}}AttributeStatement")
    for attr, value in ((EMAIL_ATTRIBUTE, email), (NAME_ATTRIBUTE, name)):
        if value:
            attribute = etree.SubElement(statement, f"{{{SAML}}}Attribute", Name=attr)
            etree.SubElement(attribute, f"{{{SAML}}}AttributeValue").text = value
    if key is not None and sign == "assertion":
        _sign(assertion, key)
    elif key is not None and sign == "response":
        _sign(response, key)
    return etree.tostring(response)


def start(client: Client, organisation: str) -> AuthnRequest:
    """From Accord's sign-in page field to the IdP: Accord's SAML request (allauth asks for a POST first)."""
    begin = client.get("/accounts/sso/", {"organisation": organisation})
    assert begin.status_code == 302, begin
    login = client.post(begin["Location"])
    assert login.status_code == 302, login.content[:500]
    return read_request(str(login["Location"]))


def post_response(client: Client, request: AuthnRequest, xml: bytes) -> Any:
    """The browser posts the IdP's response to Accord's ACS, which hands it to its finishing step; returns
    Accord's answer to that step."""
    path = urlsplit(request.acs_url).path
    acs = client.post(path, {"SAMLResponse": base64.b64encode(xml).decode()})
    assert acs.status_code == 302, acs
    return client.get(acs["Location"])


def sign_in_through(client: Client, organisation: str, key: SigningKey | None, **assertion: Any) -> Any:
    """A whole sign-in through `organisation`'s SAML IdP; `assertion` goes to `response_xml`."""
    request = start(client, organisation)
    return post_response(client, request, response_xml(request, key, **assertion))
