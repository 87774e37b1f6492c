"""allauth's SAML provider, and what single logout needs of a sign-in (decision 0063): the NameID the IdP
sent (with its format and qualifiers) and the session index of its AuthnStatement, kept in the Accord session
that sign-in opens, so that signing out of Accord can ask the IdP to end that same session. Named as the
`saml` provider's class in SOCIALACCOUNT_PROVIDERS; everything else is allauth's."""

from __future__ import annotations

from typing import Any

from allauth.socialaccount.models import SocialLogin
from allauth.socialaccount.providers.saml.provider import SAMLProvider
from allauth.socialaccount.providers.saml.utils import build_auth
from django.http import HttpRequest
from onelogin.saml2.errors import OneLogin_Saml2_Error

from accord.core.choices import IdpKind

#: The session key of the IdP session a SAML sign-in opened.
SESSION_KEY = "accord_saml_session"


class AccordSAMLProvider(SAMLProvider):
    package = SAMLProvider.get_package()  # allauth's URLs (ACS, metadata, logout) stay where they are

    def sociallogin_from_response(self, request: HttpRequest, response: Any) -> SocialLogin:
        request.session[SESSION_KEY] = {
            "organisation": self.app.client_id, "name_id": response.get_nameid(),
            "name_id_format": response.get_nameid_format(), "nq": response.get_nameid_nq(),
            "spnq": response.get_nameid_spnq(), "session_index": response.get_session_index(),
        }
        return super().sociallogin_from_response(request, response)


provider_classes = [AccordSAMLProvider]


def logout_url(request: HttpRequest) -> str | None:
    """Where to send the browser so that the IdP ends the session this Accord session was signed in with:
    its single logout endpoint with a LogoutRequest (signed when the organisation asks for it); None when the
    session did not come from a SAML sign-in, or its IdP has no single logout endpoint (any more)."""
    from accord.core.selectors import identity_provider_for
    from accord.core.sso import social_app

    held = request.session.get(SESSION_KEY)
    if not isinstance(held, dict) or not held.get("name_id"):
        return None
    idp = identity_provider_for(str(held.get("organisation", "")))
    if idp is None or idp.kind != IdpKind.SAML or not idp.saml_slo_url:
        return None
    provider = social_app(idp, request).get_provider(request)
    try:
        return str(build_auth(request, provider).logout(
            return_to=request.build_absolute_uri("/"), name_id=held["name_id"],
            session_index=held.get("session_index"), nq=held.get("nq"), name_id_format=held.get("name_id_format"),
            spnq=held.get("spnq")))
    except OneLogin_Saml2_Error:
        return None
