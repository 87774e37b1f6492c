"""Single sign-on through an organisation's identity provider, on allauth's `openid_connect` provider
(decision 0033) or its `saml` provider (decision 0037).

- Each organisation's provider is an allauth app built from its `IdentityProvider` row (never listed all at
  once: the sign-in page names no organisation), with the organisation's slug as provider id (and, for SAML,
  as the app's client id, which allauth puts in the SAML paths).
- What a sign-in through it does (sign in, link, join, refuse) is `ssorules.decide`; the joins and links
  are services with their audit event.
- A password sign-in is refused to an account all of whose organisations require single sign-on.
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urlencode

from allauth.account.forms import LoginForm as AllauthLoginForm
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.models import SocialApp, SocialLogin
from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from accord.core import secrets, selectors, services, ssonet, ssorules
from accord.core.auth import AccountAdapter
from accord.core.choices import IdpKind
from accord.core.models import IdentityProvider, User
from accord.core.web import site_url

log = logging.getLogger(__name__)

PROVIDER = "openid_connect"
SAML_PROVIDER = "saml"
#: The SAML attribute that carries a stable subject identifier, when the IdP sends it (else allauth uses the
#: NameID as the account's uid).
SAML_SUBJECT_ID = "urn:oasis:names:tc:SAML:attribute:subject-id"


def sso_urls(base: str, slug: str) -> dict[str, str]:
    """What an admin gives the identity provider, for either protocol, and the link members start from:
    OIDC's redirect URI; SAML's service-provider metadata (whose address is also the SP entity id) and
    assertion consumer service (ACS). `base` is the site's address (ACCORD_BASE_URL when set)."""
    base = base.rstrip("/")
    return {
        "redirect_uri": base + reverse("openid_connect_callback", kwargs={"provider_id": slug}),
        "saml_metadata_url": base + reverse("saml_metadata", kwargs={"organization_slug": slug}),
        "saml_acs_url": base + reverse("saml_acs", kwargs={"organization_slug": slug}),
        "sign_in_url": f"{base}{reverse('sso_start')}?{urlencode({'organisation': slug})}",
    }


def social_app(idp: IdentityProvider, request: HttpRequest | None = None) -> SocialApp:
    """The allauth app (never saved) that reaches `idp`.

    OIDC: discovery at the issuer, PKCE on, the user's claims read from the provider's userinfo endpoint.
    SAML: the IdP's entity id, SSO URL and signing certificate as the admin gave them (or as its metadata
    named them when saved; nothing is fetched at sign-in), the SP entity id fixed to the metadata address under
    ACCORD_BASE_URL, strict validation (signature, audience, destination, time), IdP-initiated sign-in refused;
    with decision 0063, the IdP's single logout endpoint, and Accord's own key to sign what it sends and to
    decrypt assertions encrypted to it."""
    if idp.kind != IdpKind.SAML:
        return SocialApp(provider=PROVIDER, provider_id=idp.provider_id, name=idp.organization.name,
                         client_id=idp.client_id, secret=secrets.unseal(idp.client_secret_sealed),
                         settings={"server_url": idp.issuer, "oauth_pkce_enabled": True, "fetch_userinfo": True})
    base = site_url(request) if request is not None else str(settings.ACCORD_BASE_URL or "")
    mapping = {"uid": [SAML_SUBJECT_ID], "email": [idp.saml_email_attribute]}
    if idp.saml_name_attribute:
        mapping["name"] = [idp.saml_name_attribute]
    idp_settings = {"entity_id": idp.saml_entity_id, "sso_url": idp.saml_sso_url, "x509cert": idp.saml_x509_cert}
    if idp.saml_slo_url:
        idp_settings["slo_url"] = idp.saml_slo_url
    advanced: dict[str, Any] = {"strict": True, "reject_idp_initiated_sso": True, "reject_deprecated_algorithm": True}
    if idp.saml_sp_cert and (idp.saml_sign_requests or idp.saml_encrypted_assertions):
        advanced.update({"x509cert": idp.saml_sp_cert, "private_key": secrets.unseal(idp.saml_sp_key_sealed)})
        signed = idp.saml_sign_requests
        advanced.update({"authn_request_signed": signed, "logout_request_signed": signed,
                         "logout_response_signed": signed, "want_assertion_encrypted": idp.saml_encrypted_assertions})
    return SocialApp(provider=SAML_PROVIDER, provider_id=idp.provider_id, name=idp.organization.name,
                     client_id=idp.provider_id, settings={
                         "idp": idp_settings,
                         "sp": {"entity_id": sso_urls(base, idp.provider_id)["saml_metadata_url"]},
                         "attribute_mapping": mapping, "advanced": advanced})


def first_value(attributes: dict[str, Any], name: str) -> str:
    """The first value of a SAML attribute (attributes come as lists), or ''."""
    values = attributes.get(name) if name else None
    return str(values[0]) if isinstance(values, list) and values else ""


def claims_of(sociallogin: SocialLogin, idp: IdentityProvider) -> dict[str, Any]:
    """What the provider asserted, as OIDC claims. OIDC: its ID token's claims, overlaid by what its userinfo
    endpoint answered. SAML: the mapped e-mail and name attributes of the signed assertion; SAML has no
    "verified" claim, and the organisation's own directory signs the address, so it counts as verified (the
    allowed-domain rule still bounds it, decision 0037)."""
    data = sociallogin.account.extra_data or {}
    if idp.kind == IdpKind.SAML:
        return {"email": first_value(data, idp.saml_email_attribute),
                "name": first_value(data, idp.saml_name_attribute), "email_verified": True}
    return {**(data.get("id_token") or {}), **(data.get("userinfo") or {})}


def is_verified(value: Any) -> bool:
    """`email_verified` is a JSON boolean; some providers send the string "true"."""
    return value is True or (isinstance(value, str) and value.strip().lower() == "true")


def _refuse(request: HttpRequest, message: str) -> ImmediateHttpResponse:
    messages.error(request, message)
    return ImmediateHttpResponse(redirect("account_login"))


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    """allauth's social sign-in under Accord's rules: one provider per organisation, joins and links only as
    `ssorules.decide` says, no sign-up otherwise."""

    def list_apps(self, request: HttpRequest | None, provider: str | None = None,
                  client_id: str | None = None) -> list[SocialApp]:
        if not provider or provider == PROVIDER or (provider == SAML_PROVIDER and not client_id):
            return []  # never every organisation's provider at once: the sign-in page would list them
        if provider == SAML_PROVIDER:  # allauth's SAML views ask by client id, which is the slug
            idp = selectors.identity_provider_for(str(client_id))
            if idp is None or idp.kind != IdpKind.SAML:
                return []
        else:
            idp = selectors.identity_provider_for(provider)
            if idp is None or (client_id and client_id != (idp.provider_id if idp.kind == IdpKind.SAML
                                                           else idp.client_id)):
                return []
        try:
            return [social_app(idp, request)]
        except secrets.UnsealError:
            log.error("The client secret of %s's identity provider was sealed with another SECRET_KEY; an admin "
                      "must enter it again.", idp.organization.slug)
            return []

    def get_requests_session(self) -> ssonet.GuardedSession:
        """Every request to a provider (discovery, token, userinfo, keys) checked where it goes (accord.core.ssonet)."""
        return ssonet.GuardedSession()

    def pre_social_login(self, request: HttpRequest, sociallogin: SocialLogin) -> None:
        if sociallogin.state.get("process") != "login":
            raise _refuse(request, _("An account is linked to an organisation's identity provider when you first "
                                     "sign in through it, not from the account pages."))
        idp = selectors.identity_provider_for(sociallogin.account.provider)
        if idp is None:
            raise _refuse(request, _("This organisation no longer signs in through an identity provider."))
        org = idp.organization
        claims = claims_of(sociallogin, idp)
        email = str(claims.get("email") or "").strip().lower()
        linked_user = sociallogin.user if sociallogin.is_existing else None
        account = linked_user or (selectors.user_by_email(email) if email else None)
        membership = selectors.membership_in(org, account) if account is not None else None
        outcome = ssorules.decide(
            linked=linked_user is not None, account_exists=account is not None, is_member=membership is not None,
            external=bool(membership and membership.external), email=email,
            email_verified=is_verified(claims.get("email_verified")), allowed_domains=idp.allowed_domains,
            join_role=idp.join_role)
        if outcome == ssorules.Outcome.UNVERIFIED:
            raise _refuse(request, _("%(org)s's identity provider did not confirm that your e-mail address is "
                                     "verified, so Accord cannot sign you in through it. Ask the provider's "
                                     "administrator to verify it.") % {"org": org.name})
        if outcome == ssorules.Outcome.REFUSE:
            raise _refuse(request, _("%(org)s's identity provider cannot sign this account in to Accord. If you "
                                     "already use Accord, sign in with your password and ask an administrator of "
                                     "%(org)s for an invitation.") % {"org": org.name})
        if outcome == ssorules.Outcome.JOIN and isinstance(account, User):
            services.do_join_through_sso(account, org, idp)
        elif outcome == ssorules.Outcome.LINK and isinstance(account, User) and membership is not None:
            user = account
            services.do_link_to_identity_provider(user, org, membership, subject=sociallogin.account.uid,
                                                  attach=lambda: sociallogin.connect(request, user))
        elif outcome == ssorules.Outcome.CREATE:
            sociallogin.state["accord_join"] = org.slug

    def is_open_for_signup(self, request: HttpRequest, sociallogin: SocialLogin) -> bool:
        """Only a person `ssorules.decide` lets join (a new address, in the allowed domains, with a join role)."""
        return sociallogin.state.get("accord_join") == sociallogin.account.provider

    def is_auto_signup_allowed(self, request: HttpRequest, sociallogin: SocialLogin) -> bool:
        return True  # allauth's sign-up form would let the person type another address than the one asserted

    def populate_user(self, request: HttpRequest, sociallogin: SocialLogin, data: dict[str, Any]) -> Any:
        user = super().populate_user(request, sociallogin, data)
        user.email = (data.get("email") or "").strip().lower()
        user.full_name = str(data.get("name") or "")[:150]
        return user

    def save_user(self, request: HttpRequest, sociallogin: SocialLogin, form: Any = None) -> Any:
        """The new account (no password: it signs in through the provider) joins the provider's organisation."""
        idp = selectors.identity_provider_for(sociallogin.account.provider)
        if idp is None or form is not None or not self.is_open_for_signup(request, sociallogin):
            raise _refuse(request, _("Signing up through an identity provider is closed."))
        user = super().save_user(request, sociallogin, form)
        services.do_join_through_sso(user, idp.organization, idp)
        return user


def unavailable_message(org_name: str) -> str:
    return _("The identity provider of %(org)s did not answer; try again later, or sign in with your password if "
             "%(org)s allows it.") % {"org": org_name}


def password_refused_message(organizations: list[str]) -> str:
    names = ", ".join(organizations)
    return _("%(names)s requires signing in through its identity provider, not with a password: use "
             "\"Sign in through your organisation\" below.") % {"names": names}


class LoginForm(AllauthLoginForm):
    """allauth's sign-in form, refusing a password (once it is right) to an account all of whose organisations
    require single sign-on; accounts with any other organisation sign in, and the SSO-only ones stay shut to
    that session (`ssorules.door`)."""

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean()
        user = getattr(self, "user", None)
        if isinstance(user, User) and (organizations := selectors.sso_only_organizations(user)):
            raise forms.ValidationError(password_refused_message(organizations), code="sso_required")
        return cleaned



class SingleLogoutAccountAdapter(AccountAdapter):
    """Accord's account adapter (`accord.core.auth.AccountAdapter`) with SAML single logout (decision 0063):
    signing out of a session a SAML sign-in opened leads to the IdP's single logout endpoint."""

    def get_logout_redirect_url(self, request: HttpRequest) -> str:
        """Where signing out leads (asked before the session ends): from Accord's own sign-out (not from the
        IdP's logout request, which allauth answers itself) of a session a SAML sign-in opened, the IdP's single
        logout endpoint with a LogoutRequest for that session."""
        if request.method == "POST" and request.path == reverse("account_logout") and request.user.is_authenticated:
            from accord.core import saml_provider  # imports allauth's providers, which need the apps loaded

            if idp_logout := saml_provider.logout_url(request):
                return idp_logout
        return str(super().get_logout_redirect_url(request))
