"""Writes of single sign-on (decision 0033): an organisation's identity provider, whether its members must
sign in through it, and what a sign-in through it does (a person joins, an account is linked)."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import urlsplit

from allauth.socialaccount.models import SocialAccount
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accord.core import audit, samlmeta, secrets, selectors, ssonet, ssorules
from accord.core.choices import JOIN_ROLES, AuditAction, IdpKind
from accord.core.conflict import Conflict
from accord.core.models import IdentityProvider, Membership, Organization, User
from accord.core.services.members import MEMBERSHIP_FIELDS
from accord.core.tenancy import check_same_org

IDP_FIELDS = ("kind", "issuer", "client_id", "allowed_domains", "join_role")
SAML_FIELDS = ("kind", "saml_entity_id", "saml_sso_url", "saml_x509_cert", "saml_email_attribute",
               "saml_name_attribute", "saml_slo_url", "saml_sign_requests", "saml_encrypted_assertions",
               "saml_idp_metadata_url", "allowed_domains", "join_role")
#: The SAML fields holding text, emptied when the organisation changes to OpenID Connect.
SAML_TEXT_FIELDS = ("saml_entity_id", "saml_sso_url", "saml_x509_cert", "saml_email_attribute",
                    "saml_name_attribute", "saml_slo_url", "saml_idp_metadata_url", "saml_sp_cert",
                    "saml_sp_key_sealed")
#: Every field a change of protocol may touch (the other protocol's fields are emptied).
ALL_FIELDS = tuple(dict.fromkeys((*IDP_FIELDS, *SAML_FIELDS, *SAML_TEXT_FIELDS, "client_secret_sealed")))
#: How long the service provider certificate Accord makes for an IdP is valid (the IdP may check it).
SP_CERT_YEARS = 10
MAX_DOMAINS = 20


ISSUER_EXAMPLE = "https://login.example.org/realms/acme"


def _issuer(value: str) -> str:
    """An issuer Accord may reach (accord.core.ssonet): https, at a host name or public address; a name is checked
    against what it resolves to now, and again before every request at sign-in."""
    issuer = value.strip().rstrip("/")
    found = ssonet.problem(issuer, unresolved_ok=True)
    if found is None:
        return issuer
    if found == ssonet.Problem.PRIVATE:
        message = _("'%(value)s' is a loopback, private, link-local or otherwise non-public address; give the "
                    "identity provider's public https:// address (an operator can allow a provider inside the "
                    "company network with ACCORD_SSO_ALLOW_PRIVATE_ISSUERS=1).")
    else:
        message = _("'%(value)s' is not an https:// address; give the issuer URL of the identity provider, for "
                    "example %(example)s.")
    raise ValidationError({"issuer": message % {"value": value, "example": ISSUER_EXAMPLE}})


def _domains(org: Organization, values: Iterable[str]) -> list[str]:
    """The e-mail domains the provider speaks for: well-formed, no public mail provider's (anyone has an address
    there), and each one the domain of at least one of the organisation's own members. That last rule reads
    only the organisation's own members, so the refusal says nothing about other organisations."""
    domains = sorted({ssorules.normalise_domain(v) for v in values if v.strip()})
    bad = [d for d in domains if not ssorules.is_domain(d)]
    if bad:
        raise ValidationError({"allowed_domains": _(
            "%(values)s: not a domain name; give domains such as example.org.") % {"values": ", ".join(bad)}})
    if not domains:
        raise ValidationError({"allowed_domains": _(
            "Give at least one e-mail domain (such as example.org) whose addresses this provider speaks for.")})
    if len(domains) > MAX_DOMAINS:
        raise ValidationError({"allowed_domains": _("At most %(n)d domains.") % {"n": MAX_DOMAINS}})
    public = [d for d in domains if ssorules.is_public_mail_domain(d)]
    if public:
        raise ValidationError({"allowed_domains": _(
            "%(values)s: a public mail provider's domain, where anyone can have an address; give your "
            "organisation's own domains.") % {"values": ", ".join(public)}})
    unheld = sorted(set(domains) - selectors.member_domains(org))
    if unheld:
        raise ValidationError({"allowed_domains": _(
            "%(values)s: no member of %(org)s has an address there; invite a member with an address at that "
            "domain first (external members do not count).") % {"values": ", ".join(unheld), "org": org.name}})
    return domains


def _join_role(value: str | None) -> str:
    role = (value or "").strip().lower()
    if role in ("", "none"):
        return ""
    if role not in JOIN_ROLES:
        raise ValidationError({"join_role": _(
            "'%(value)s' cannot be given by signing in; choose viewer, contributor or none.") % {"value": value}})
    return role


def _unlink_all(org: Organization) -> int:
    """Forget which provider accounts are linked to which Accord accounts: another provider (or another
    client) may reuse the same subject identifiers for other people."""
    _total, per_model = SocialAccount.objects.filter(provider=org.slug).delete()
    return per_model.get(SocialAccount._meta.label, 0)


def _same_secret(idp: IdentityProvider, secret: str) -> bool:
    try:
        return secrets.unseal(idp.client_secret_sealed) == secret
    except secrets.UnsealError:
        return False


class _Errors(dict[str, str]):
    """The errors of a provider's fields, gathered so one answer names them all."""

    def check(self, check: Callable[[], object]) -> object:
        try:
            return check()
        except ValidationError as exc:
            self.update({k: v[0] for k, v in exc.message_dict.items()})
            return None


def _shared_rules(org: Organization, errors: _Errors, allowed_domains: Iterable[str],
                  join_role: str | None) -> tuple[list[str], str]:
    """The rules both protocols share (allowed domains, join role); raises every field's error at once, then a
    conflict for a domain another organisation's provider speaks for."""
    domains = errors.check(lambda: _domains(org, allowed_domains))
    role = errors.check(lambda: _join_role(join_role))
    if errors:
        raise ValidationError(dict(errors))
    clean_domains = list(domains) if isinstance(domains, list) else []
    if claimed := selectors.domains_claimed_elsewhere(org, clean_domains):
        raise Conflict({"allowed_domains": _(
            "%(values)s: another organisation's identity provider already speaks for this domain; one domain has "
            "one provider.") % {"values": ", ".join(claimed)}})
    return clean_domains, str(role)


def _started(org: Organization, idp: IdentityProvider | None,
             fields: tuple[str, ...]) -> tuple[IdentityProvider, bool, dict[str, Any]]:
    """The provider to change (a new one if none), whether it is new, and its audited fields before."""
    if idp is None:
        return IdentityProvider(organization=org), True, {}
    return idp, False, audit.snapshot(idp, fields)


@transaction.atomic
def do_set_identity_provider(
    actor: User | None, org: Organization, *, issuer: str, client_id: str, client_secret: str | None,
    allowed_domains: Iterable[str], join_role: str | None,
) -> IdentityProvider:
    """Configure (or change) the organisation's OpenID Connect identity provider.

    `client_secret` None keeps the stored one (required the first time); it is stored sealed and never
    written to the audit trail. Changing the issuer or the client forgets every link between the old
    provider's accounts and Accord accounts, so that a new provider's subject cannot sign in as someone an
    old one knew."""
    idp = IdentityProvider.objects.for_org(org).select_for_update().first()
    errors = _Errors()
    checked = errors.check

    clean_issuer = checked(lambda: _issuer(issuer))
    client_id = client_id.strip()
    if not client_id or len(client_id) > 255:
        errors["client_id"] = _("Give the client id the identity provider issued to Accord (1 to 255 characters).")
    secret = (client_secret or "").strip()
    if client_secret is not None and not secret:
        errors["client_secret"] = _("The client secret is empty; give the one the identity provider issued.")
    if idp is None and client_secret is None:
        errors["client_secret"] = _("Give the client secret the identity provider issued to Accord.")
    clean_domains, clean_role = _shared_rules(org, errors, allowed_domains, join_role)
    idp, creating, before = _started(org, idp, IDP_FIELDS)
    idp.kind, idp.issuer, idp.client_id = IdpKind.OIDC, str(clean_issuer), client_id
    idp.allowed_domains, idp.join_role = clean_domains, str(clean_role)
    for name in SAML_TEXT_FIELDS:
        setattr(idp, name, "")
    idp.saml_sign_requests = idp.saml_encrypted_assertions = False
    changes = audit.diff(before, audit.snapshot(idp, IDP_FIELDS))
    if secret and (creating or not _same_secret(idp, secret)):
        idp.client_secret_sealed = secrets.seal(secret)
        changes["client_secret"] = [None if creating else "set", "set" if creating else "replaced"]
    return _save_identity_provider(actor, org, idp, changes, creating=creating,
                                   forget=not creating and bool({"kind", "issuer", "client_id"} & set(changes)))


def _save_identity_provider(actor: User | None, org: Organization, idp: IdentityProvider, changes: dict[str, Any],
                            *, creating: bool, forget: bool) -> IdentityProvider:
    """Store a provider either setter prepared, with its audit event; `forget` the links to its accounts when
    the provider's identity changed (another one may reuse the same subject identifiers for other people)."""
    if not changes:
        return idp
    if forget:
        changes["linked_accounts_forgotten"] = [None, _unlink_all(org)]
    idp.updated_at = timezone.now()
    if creating:
        idp.save(force_insert=True)
    else:
        idp.save(update_fields=[*ALL_FIELDS, "updated_at"])
    audit.record(org, actor, AuditAction.CREATE if creating else AuditAction.UPDATE, idp, changes=changes)
    return idp


SAML_ENTITY_EXAMPLE = "https://idp.example.org/saml/metadata"


def _saml_url(value: str, field: str = "saml_sso_url") -> str:
    """Where Accord sends the browser with a SAML message (sign-in, or logout for `saml_slo_url`): https (http
    only on this machine's loopback, where an operator allows private providers). Accord itself never calls it."""
    url = value.strip()
    parts = urlsplit(url)
    loopback_http = (parts.scheme == "http" and settings.ACCORD_SSO_ALLOW_PRIVATE_ISSUERS
                     and ssorules.is_loopback_host(parts.hostname or ""))
    if len(url) > 500 or not parts.hostname or not (parts.scheme == "https" or loopback_http):
        if field == "saml_slo_url":
            message = _("'%(value)s' is not an https:// address; give the identity provider's single logout URL "
                        "(HTTP-Redirect binding), for example https://idp.example.org/saml/slo, or leave it empty.")
        else:
            message = _("'%(value)s' is not an https:// address; give the identity provider's single sign-on URL "
                        "(HTTP-Redirect binding), for example https://idp.example.org/saml/sso.")
        raise ValidationError({field: message % {"value": value[:100]}})
    return url


def make_sp_key(common_name: str) -> tuple[str, str]:
    """A new RSA key for Accord as a SAML service provider and a self-signed certificate for it (IdPs trust
    SP certificates as pinned keys, not through a CA): (certificate as base64 DER, private key as PEM)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=3072)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name[:64] or "accord")])
    start = timezone.now() - dt.timedelta(minutes=5)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(start)
            .not_valid_after(start + dt.timedelta(days=365 * SP_CERT_YEARS)).sign(key, hashes.SHA256()))
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption()).decode()
    return base64.b64encode(cert.public_bytes(serialization.Encoding.DER)).decode(), pem


def _saml_certificate(value: str) -> str:
    """The IdP's signing certificate as base64 DER (PEM armour and blanks removed), once it parses as X.509."""
    body = "".join(line.strip() for line in value.strip().splitlines() if line.strip() and "-----" not in line)
    try:
        x509.load_der_x509_certificate(base64.b64decode(body, validate=True))
    except ValueError:
        raise ValidationError({"saml_x509_cert": _(
            "Not an X.509 certificate; paste the identity provider's signing certificate (PEM, "
            "-----BEGIN CERTIFICATE----- ...).")}) from None
    return body


def idp_metadata(metadata_xml: str = "", metadata_url: str = "") -> samlmeta.IdpMetadata | None:
    """The IdP metadata the admin gave (pasted XML, or the address it is published at, fetched now), or None;
    `ValidationError` on `saml_idp_metadata` / `saml_idp_metadata_url` when it cannot be used."""
    url = metadata_url.strip()
    try:
        if url:
            if len(url) > 500 or ssonet.problem(url, unresolved_ok=False) is not None:
                raise samlmeta.MetadataError(_(
                    "'%(value)s' is not an address Accord may fetch: give the https:// address of the identity "
                    "provider's metadata on a public host.") % {"value": url[:100]})
            return samlmeta.parse(samlmeta.fetch(url))
        if metadata_xml.strip():
            return samlmeta.parse(metadata_xml)
    except samlmeta.MetadataError as error:
        raise ValidationError({"saml_idp_metadata_url" if url else "saml_idp_metadata": str(error)}) from None
    return None


def do_set_saml_identity_provider(
    actor: User | None, org: Organization, *, entity_id: str = "", sso_url: str = "", x509_cert: str = "",
    email_attribute: str, name_attribute: str = "", allowed_domains: Iterable[str], join_role: str | None,
    slo_url: str = "", sign_requests: bool = False, encrypted_assertions: bool = False, metadata_xml: str = "",
    metadata_url: str = "",
) -> IdentityProvider:
    """`_set_saml_identity_provider` after reading the IdP's metadata when the admin gave it (`metadata_xml`, or
    `metadata_url` fetched before any row is locked): what it names replaces the fields given beside it (the
    IdP's own word; a form that shows the stored values then takes a rotated certificate when saved), a
    logout endpoint it does not name is taken from the fields, and the address is kept for a later refresh
    (`do_refresh_saml_metadata`)."""
    metadata = idp_metadata(metadata_xml, metadata_url)
    if metadata is not None:
        entity_id, sso_url, x509_cert = metadata.entity_id, metadata.sso_url, metadata.x509_cert
        slo_url = metadata.slo_url or slo_url
    return _set_saml_identity_provider(
        actor, org, entity_id=entity_id, sso_url=sso_url, x509_cert=x509_cert, email_attribute=email_attribute,
        name_attribute=name_attribute, allowed_domains=allowed_domains, join_role=join_role, slo_url=slo_url,
        sign_requests=sign_requests, encrypted_assertions=encrypted_assertions, metadata_url=metadata_url.strip())


def do_refresh_saml_metadata(actor: User | None, org: Organization) -> IdentityProvider:
    """Read the organisation's IdP metadata again from the address it was given at, and take its entity id,
    endpoints and certificate (a certificate rotated at the IdP); the rest of the settings stay."""
    idp = IdentityProvider.objects.for_org(org).first()
    if idp is None or idp.kind != IdpKind.SAML or not idp.saml_idp_metadata_url:
        raise ValidationError({"saml_idp_metadata_url": _(
            "%(org)s's identity provider was not configured from a metadata address.") % {"org": org.name}})
    metadata = idp_metadata(metadata_url=idp.saml_idp_metadata_url)
    assert metadata is not None  # noqa: S101 - an address was given
    return _set_saml_identity_provider(
        actor, org, entity_id=metadata.entity_id, sso_url=metadata.sso_url, x509_cert=metadata.x509_cert,
        email_attribute=idp.saml_email_attribute, name_attribute=idp.saml_name_attribute,
        allowed_domains=idp.allowed_domains, join_role=idp.join_role, slo_url=metadata.slo_url,
        sign_requests=idp.saml_sign_requests, encrypted_assertions=idp.saml_encrypted_assertions,
        metadata_url=idp.saml_idp_metadata_url)


@transaction.atomic
def _set_saml_identity_provider(
    actor: User | None, org: Organization, *, entity_id: str, sso_url: str, x509_cert: str, email_attribute: str,
    name_attribute: str, allowed_domains: Iterable[str], join_role: str | None, slo_url: str,
    sign_requests: bool, encrypted_assertions: bool, metadata_url: str,
) -> IdentityProvider:
    """Configure (or change) the organisation's SAML 2.0 identity provider (decision 0037): the IdP's entity id,
    its single sign-on URL, the certificate its responses are signed with, and the attributes that carry a
    person's e-mail address and name. The same domain and join-role rules as OpenID Connect.

    Decision 0063: `slo_url`, the IdP's single logout endpoint (signing out of Accord then signs out there too,
    and the IdP's own logout requests end Accord's session); `sign_requests`, Accord signs what it sends;
    `encrypted_assertions`, Accord refuses an assertion not encrypted to it. Either makes a service provider
    key for this IdP the first time (kept across later changes, so the IdP's copy of the certificate stays
    good); the certificate is in Accord's SP metadata.

    A new entity id, or a change from OpenID Connect, forgets every link to the provider's accounts; a new
    certificate (a key rotation of the same IdP) does not."""
    idp = IdentityProvider.objects.for_org(org).select_for_update().first()
    errors = _Errors()
    checked = errors.check

    entity = entity_id.strip()
    if not entity or len(entity) > 500:
        errors["saml_entity_id"] = _("Give the identity provider's entity id (its issuer, 1 to 500 characters), for "
                                     "example %(example)s.") % {"example": SAML_ENTITY_EXAMPLE}
    clean_url = checked(lambda: _saml_url(sso_url))
    clean_cert = checked(lambda: _saml_certificate(x509_cert))
    email_attr, name_attr = email_attribute.strip(), name_attribute.strip()
    if not email_attr or len(email_attr) > 255:
        errors["saml_email_attribute"] = _("Give the name of the attribute that carries the person's e-mail address "
                                           "(1 to 255 characters), for example email.")
    if len(name_attr) > 255:
        errors["saml_name_attribute"] = _("At most 255 characters.")
    clean_slo = checked(lambda: _saml_url(slo_url, "saml_slo_url")) if slo_url.strip() else ""
    clean_domains, clean_role = _shared_rules(org, errors, allowed_domains, join_role)
    idp, creating, before = _started(org, idp, SAML_FIELDS)
    idp.kind, idp.saml_entity_id = IdpKind.SAML, entity
    idp.saml_sso_url, idp.saml_x509_cert = str(clean_url), str(clean_cert)
    idp.saml_email_attribute, idp.saml_name_attribute = email_attr, name_attr
    idp.saml_slo_url, idp.saml_idp_metadata_url = str(clean_slo or ""), metadata_url
    idp.saml_sign_requests, idp.saml_encrypted_assertions = bool(sign_requests), bool(encrypted_assertions)
    made_key = (sign_requests or encrypted_assertions) and not idp.saml_sp_cert
    if made_key:
        idp.saml_sp_cert, key_pem = make_sp_key(f"{org.slug} SAML service provider")
        idp.saml_sp_key_sealed = secrets.seal(key_pem)
    idp.allowed_domains, idp.join_role = clean_domains, str(clean_role)
    idp.issuer = idp.client_id = idp.client_secret_sealed = ""
    changes = audit.diff(before, audit.snapshot(idp, SAML_FIELDS))
    if made_key:
        changes["sp_certificate"] = [None, "made"]
    return _save_identity_provider(actor, org, idp, changes, creating=creating,
                                   forget=not creating and bool({"kind", "saml_entity_id"} & set(changes)))


def _certificate_fingerprint(certificate_b64: str) -> str:
    """SHA-256 of a certificate (base64 DER), as IdP consoles show it: colon-separated upper-case pairs."""
    digest = hashlib.sha256(base64.b64decode(certificate_b64)).hexdigest().upper()
    return ":".join(digest[i:i + 2] for i in range(0, len(digest), 2))


@transaction.atomic
def do_rotate_saml_sp_key(actor: User | None, org: Organization) -> IdentityProvider:
    """Replace Accord's service provider key for the organisation's SAML IdP with a new one (a key suspected
    leaked, or the certificate nearing its end). Takes effect at once: the IdP must be given the new
    certificate (the SP metadata, or the PEM on the settings page) now, since it will not trust requests
    signed with the new key, nor may it encrypt to the old certificate, until it has. Audited with both
    certificates' fingerprints."""
    idp = IdentityProvider.objects.for_org(org).select_for_update().first()
    if idp is None or idp.kind != IdpKind.SAML or not idp.saml_sp_cert:
        raise ValidationError({"saml_sp_certificate": _(
            "%(org)s has no SAML service provider key to replace: one is made when requests are signed or "
            "assertions encrypted.") % {"org": org.name}})
    before = _certificate_fingerprint(idp.saml_sp_cert)
    idp.saml_sp_cert, key_pem = make_sp_key(f"{org.slug} SAML service provider")
    idp.saml_sp_key_sealed = secrets.seal(key_pem)
    idp.save(update_fields=["saml_sp_cert", "saml_sp_key_sealed"])
    audit.record(org, actor, AuditAction.UPDATE, idp,
                 changes={"sp_certificate": [before, _certificate_fingerprint(idp.saml_sp_cert)]})
    return idp


@transaction.atomic
def do_remove_identity_provider(actor: User | None, org: Organization) -> None:
    """Remove the organisation's identity provider: nobody signs in through it any more, the requirement to
    do so ends with it, and the links between its accounts and Accord accounts are forgotten."""
    idp = IdentityProvider.objects.for_org(org).select_for_update().first()
    if idp is None:
        raise ValidationError({"identity_provider": _("%(org)s has no identity provider.") % {"org": org.name}})
    if org.sso_required:
        org.sso_required = False
        org.save(update_fields=["sso_required"])
        audit.record(org, actor, AuditAction.UPDATE, org, changes={"sso_required": [True, False]})
    forgotten = _unlink_all(org)
    fields = SAML_FIELDS if idp.kind == IdpKind.SAML else IDP_FIELDS
    changes = {**audit.diff(audit.snapshot(idp, fields), {}), "linked_accounts_forgotten": [None, forgotten]}
    audit.record(org, actor, AuditAction.DELETE, idp, changes=changes)
    idp.delete()


def is_linked(user: User, org: Organization) -> bool:
    """True if `user`'s account is linked to an account of `org`'s identity provider (has signed in through it)."""
    return SocialAccount.objects.filter(user=user, provider=org.slug).exists()


@transaction.atomic
def do_set_sso_policy(actor: User | None, org: Organization, *, required: bool) -> Organization:
    """Require (or stop requiring) that members open `org` only from a session signed in through its identity
    provider. Requiring it needs a provider, and an admin who has signed in through it (else the setting
    would shut them out of the organisation they are changing). Operators (no actor) can always change it."""
    if required and not IdentityProvider.objects.for_org(org).exists():
        raise ValidationError({"sso_required": _("Configure %(org)s's identity provider first.") % {"org": org.name}})
    if required and actor is not None and not is_linked(actor, org):
        raise ValidationError({"sso_required": _(
            "Sign in through %(org)s's identity provider once first: requiring it now could lock you out of "
            "%(org)s.") % {"org": org.name}})
    if org.sso_required != required:
        org.sso_required = required
        org.save(update_fields=["sso_required"])
        audit.record(org, actor, AuditAction.UPDATE, org, changes={"sso_required": [not required, required]})
    return org


@transaction.atomic
def do_join_through_sso(actor: User, org: Organization, idp: IdentityProvider) -> Membership:
    """`actor`, signed in through `idp`, joins its organisation `org` (and no other) with the provider's join
    role, never a higher one; the person is the actor of the event."""
    user = actor
    check_same_org(org, idp=idp)
    if idp.join_role not in JOIN_ROLES:
        raise ValidationError({"join_role": _("%(org)s lets nobody join by signing in.") % {"org": org.name}})
    membership = Membership.objects.for_org(org).create(organization=org, user=user, role=idp.join_role)
    audit.record(org, user, AuditAction.JOIN, membership,
                 changes=audit.diff({}, audit.snapshot(membership, MEMBERSHIP_FIELDS)),
                 object_repr=f"{user.email} as {membership.get_role_display()}")
    return membership


@transaction.atomic
def do_link_to_identity_provider(actor: User, org: Organization, membership: Membership, *, subject: str,
                                 attach: Callable[[], None]) -> Membership:
    """Link the member `actor`'s account to their account at the organisation's identity provider (`subject`, the
    provider's `sub`); `attach` stores the link (allauth's `SocialLogin.connect`), inside this transaction."""
    check_same_org(org, membership=membership)
    if membership.user_id != actor.pk:
        raise ValidationError({"membership": _("Only one's own membership is linked to the identity provider.")})
    attach()
    audit.record(org, actor, AuditAction.LINK, membership,
                 changes={"identity_provider_subject": [None, subject]},
                 object_repr=f"{membership.user.email} as {membership.get_role_display()}")
    return membership
