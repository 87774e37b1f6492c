"""A SAML identity provider's metadata (decision 0063): the admin may paste the XML its console exports, or
give the address it is published at, instead of copying the entity id, the endpoints and the certificate by
hand. python3-saml's parser reads it (no DTD, no entities, no network); the address is fetched through the same
guard as OpenID Connect discovery (accord.core.ssonet: https, public hosts, no redirects, bounded time), with a
size limit."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _
from onelogin.saml2.constants import OneLogin_Saml2_Constants
from onelogin.saml2.idp_metadata_parser import OneLogin_Saml2_IdPMetadataParser

from accord.core import ssonet

#: The largest metadata document Accord reads (a federation's aggregate is far larger: give the IdP's own).
MAX_BYTES = 512 * 1024


class MetadataError(ValueError):
    """The metadata cannot be used; the message says why, for the admin."""


@dataclass(frozen=True)
class IdpMetadata:
    entity_id: str
    sso_url: str
    slo_url: str
    x509_cert: str  # base64 DER, as python3-saml gives it


def parse(document: str | bytes) -> IdpMetadata:
    """The IdP's entity id, HTTP-Redirect single sign-on and single logout endpoints and signing certificate."""
    raw = document.encode() if isinstance(document, str) else document
    if len(raw) > MAX_BYTES:
        raise MetadataError(_("The metadata is larger than %(n)s KB; give the identity provider's own metadata, "
                              "not a federation's.") % {"n": MAX_BYTES // 1024})
    try:
        found = OneLogin_Saml2_IdPMetadataParser.parse(
            raw, required_sso_binding=OneLogin_Saml2_Constants.BINDING_HTTP_REDIRECT,
            required_slo_binding=OneLogin_Saml2_Constants.BINDING_HTTP_REDIRECT).get("idp", {})
    except Exception as error:
        raise MetadataError(_("This is not SAML metadata Accord can read (%(error)s).")
                            % {"error": str(error)[:200] or type(error).__name__}) from None
    signing = found.get("x509certMulti", {}).get("signing") or ([found["x509cert"]] if found.get("x509cert") else [])
    metadata = IdpMetadata(entity_id=str(found.get("entityId") or ""),
                           sso_url=str(found.get("singleSignOnService", {}).get("url") or ""),
                           slo_url=str(found.get("singleLogoutService", {}).get("url") or ""),
                           x509_cert="".join(str(signing[0]).split()) if signing else "")
    if not metadata.entity_id or not metadata.sso_url:
        raise MetadataError(_("The metadata names no identity provider with a single sign-on endpoint for the "
                              "HTTP-Redirect binding, which Accord uses."))
    if not metadata.x509_cert:
        raise MetadataError(_("The metadata names no signing certificate for the identity provider."))
    return metadata


def fetch(url: str) -> bytes:
    """The document at `url`, through the single sign-on network guard, at most `MAX_BYTES`."""
    try:
        with ssonet.GuardedSession() as session, session.get(url, stream=True) as response:
            if response.status_code != 200:
                raise MetadataError(_("%(url)s answered HTTP %(status)s.")
                                    % {"url": url, "status": response.status_code})
            body = b""
            for chunk in response.iter_content(64 * 1024):
                body += chunk
                if len(body) > MAX_BYTES:
                    raise MetadataError(_("The metadata at %(url)s is larger than %(n)s KB.")
                                        % {"url": url, "n": MAX_BYTES // 1024})
            return body
    except ssonet.Refused as error:
        raise MetadataError(_("Accord does not fetch %(url)s: %(why)s.") % {"url": url, "why": str(error)}) from None
    except OSError as error:  # requests' errors are OSErrors: unreachable, timed out, refused
        raise MetadataError(_("%(url)s could not be read (%(error)s).")
                            % {"url": url, "error": type(error).__name__}) from None
