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


def _redirect_xml(location: str, parameter: str) -> Any:
    """The XML message of an HTTP-Redirect binding: base64 of raw DEFLATE in the query parameter."""
    raw = base64.b64decode(parse_qs(urlsplit(location).query)[parameter][0])
    return etree.fromstring(zlib.decompress(raw, -15), parser=etree.XMLParser(resolve_entities=False))


def read_request(location: str) -> AuthnRequest:
    """Accord's AuthnRequest from the HTTP-Redirect binding: base64 of raw DEFLATE in `SAMLRequest`."""
    parts = urlsplit(location)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == SSO_URL, location
    root = _redirect_xml(location, "SAMLRequest")
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


# --- decision 0063: metadata, encrypted assertions, signed requests, single logout ----------------------------

MD = "urn:oasis:names:tc:SAML:2.0:metadata"
DS = "http://www.w3.org/2000/09/xmldsig#"
REDIRECT = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect"
SLO_URL = "https://idp.acme.test/saml/slo"


def metadata_xml(key: SigningKey, *, entity_id: str = ENTITY_ID, slo: bool = True) -> bytes:
    """The IdP's metadata as an IdP console exports it: entity id, signing certificate, endpoints."""
    root = etree.Element(f"{{{MD}}}EntityDescriptor", nsmap={"md": MD, "ds": DS}, entityID=entity_id)
    descriptor = etree.SubElement(root, f"{{{MD}}}IDPSSODescriptor", protocolSupportEnumeration=SAMLP)
    key_info = etree.SubElement(etree.SubElement(descriptor, f"{{{MD}}}KeyDescriptor", use="signing"),
                                f"{{{DS}}}KeyInfo")
    body = "".join(line for line in key.cert_text.splitlines() if "-----" not in line)
    etree.SubElement(etree.SubElement(key_info, f"{{{DS}}}X509Data"), f"{{{DS}}}X509Certificate").text = body
    if slo:
        etree.SubElement(descriptor, f"{{{MD}}}SingleLogoutService", Binding=REDIRECT, Location=SLO_URL)
    etree.SubElement(descriptor, f"{{{MD}}}SingleSignOnService", Binding=REDIRECT, Location=SSO_URL)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def encrypt_assertion(xml: bytes, sp_cert_b64: str) -> bytes:
    """The response with its (already signed) assertion encrypted to Accord's service-provider certificate
    (AES-128-CBC under a session key, the key wrapped with RSA-OAEP), inside an EncryptedAssertion."""
    response = etree.fromstring(xml)
    assertion = response.find(f"{{{SAML}}}Assertion")
    wrapper = etree.Element(f"{{{SAML}}}EncryptedAssertion")
    assertion.addprevious(wrapper)
    wrapper.append(assertion)
    template = xmlsec.template.encrypted_data_create(response, xmlsec.constants.TransformAes128Cbc,
                                                     type=xmlsec.constants.TypeEncElement, ns="xenc")
    xmlsec.template.encrypted_data_ensure_cipher_value(template)
    key_info = xmlsec.template.encrypted_data_ensure_key_info(template, ns="dsig")
    encrypted_key = xmlsec.template.add_encrypted_key(key_info, xmlsec.constants.TransformRsaOaep)
    xmlsec.template.encrypted_data_ensure_cipher_value(encrypted_key)
    manager = xmlsec.KeysManager()
    manager.add_key(xmlsec.Key.from_memory(base64.b64decode(sp_cert_b64), xmlsec.constants.KeyDataFormatCertDer))
    context = xmlsec.EncryptionContext(manager)
    context.key = xmlsec.Key.generate(xmlsec.constants.KeyDataAes, 128, xmlsec.constants.KeyDataTypeSession)
    context.encrypt_xml(template, assertion)
    return etree.tostring(response)


def redirect_signature_valid(location: str, sp_cert_b64: str) -> bool:
    """True if the HTTP-Redirect message at `location` carries an RSA-SHA256 signature that Accord's
    service-provider certificate verifies (over the query as sent, up to the Signature parameter)."""
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric import padding

    query = urlsplit(location).query
    raw = dict(part.split("=", 1) for part in query.split("&") if "=" in part)
    params = parse_qs(query)
    if "Signature" not in raw or params.get("SigAlg") != ["http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"]:
        return False
    # What the binding signs: the message, its RelayState and SigAlg, in that order, as they were encoded.
    message = "SAMLRequest" if "SAMLRequest" in raw else "SAMLResponse"
    signed = "&".join(f"{name}={raw[name]}" for name in (message, "RelayState", "SigAlg") if name in raw)
    cert = x509.load_der_x509_certificate(base64.b64decode(sp_cert_b64))
    try:
        cert.public_key().verify(base64.b64decode(params["Signature"][0]), signed.encode(),  # type: ignore[call-arg]
                                 padding.PKCS1v15(), hashes.SHA256())
    except InvalidSignature:
        return False
    return True


@dataclass(frozen=True)
class LogoutRequest:
    id: str
    destination: str
    issuer: str
    name_id: str
    session_index: str


def read_logout_request(location: str) -> LogoutRequest:
    """Accord's LogoutRequest, sent to the IdP's single logout endpoint by the HTTP-Redirect binding."""
    parts = urlsplit(location)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == SLO_URL, location
    root = _redirect_xml(location, "SAMLRequest")
    assert etree.QName(root).localname == "LogoutRequest", root.tag
    return LogoutRequest(id=root.get("ID"), destination=root.get("Destination"),
                         issuer=root.findtext(f"{{{SAML}}}Issuer"), name_id=root.findtext(f"{{{SAML}}}NameID"),
                         session_index=root.findtext(f"{{{SAMLP}}}SessionIndex") or "")


def read_session_index(xml: bytes) -> str:
    """The session index of the AuthnStatement in a response `response_xml` made."""
    return etree.fromstring(xml).find(f".//{{{SAML}}}AuthnStatement").get("SessionIndex")


def _deflated(element: Any) -> str:
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    return base64.b64encode(compressor.compress(etree.tostring(element)) + compressor.flush()).decode()


def logout_response(in_response_to: str, destination: str) -> str:
    """The IdP's LogoutResponse (success) for Accord's SLS endpoint, as the `SAMLResponse` query value."""
    root = etree.Element(f"{{{SAMLP}}}LogoutResponse", nsmap={"samlp": SAMLP, "saml": SAML}, attrib={
        "ID": "_" + uuid.uuid4().hex, "Version": "2.0", "IssueInstant": _time(dt.datetime.now(dt.UTC)),
        "Destination": destination, "InResponseTo": in_response_to})
    etree.SubElement(root, f"{{{SAML}}}Issuer").text = ENTITY_ID
    status = etree.SubElement(root, f"{{{SAMLP}}}Status")
    etree.SubElement(status, f"{{{SAMLP}}}StatusCode", Value="urn:oasis:names:tc:SAML:2.0:status:Success")
    return _deflated(root)


def idp_logout_request(destination: str, name_id: str, session_index: str) -> str:
    """A LogoutRequest the IdP sends when the person signed out there (IdP-initiated single logout)."""
    root = etree.Element(f"{{{SAMLP}}}LogoutRequest", nsmap={"samlp": SAMLP, "saml": SAML}, attrib={
        "ID": "_" + uuid.uuid4().hex, "Version": "2.0", "IssueInstant": _time(dt.datetime.now(dt.UTC)),
        "Destination": destination})
    etree.SubElement(root, f"{{{SAML}}}Issuer").text = ENTITY_ID
    etree.SubElement(root, f"{{{SAML}}}NameID",
                     Format="urn:oasis:names:tc:SAML:2.0:nameid-format:persistent").text = name_id
    etree.SubElement(root, f"{{{SAMLP}}}SessionIndex").text = session_index
    return _deflated(root)
