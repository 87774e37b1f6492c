"""Web pages of the core app: thin, each parses input, calls one service or selector, renders."""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urlencode

import xmlsec
from allauth.mfa.utils import is_mfa_enabled
from allauth.socialaccount.providers.openid_connect import views as openid_connect_views
from allauth.socialaccount.providers.saml import views as saml_views
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from requests import RequestException

from accord.core import selectors, services
from accord.core.answers import fragment
from accord.core.choices import IdpKind, Role, TokenScope
from accord.core.extensions import MEMBER_PANELS, PANELS
from accord.core.forms import (
    AuditFilterForm,
    GovernanceForm,
    IdentityProviderForm,
    InvitationAcceptForm,
    InvitationForm,
    MemberChangeForm,
    MemberRemoveForm,
    OrganizationCalendarForm,
    OrganizationLanguageForm,
    PersonLanguageForm,
    SamlIdentityProviderForm,
    TokenCreateForm,
    TwoFactorPolicyForm,
)
from accord.core.history import CSV_CONTENT_TYPE
from accord.core.i18n import activate_for
from accord.core.languages import LANGUAGE_NAMES
from accord.core.permissions import allows, require
from accord.core.sso import sso_urls, unavailable_message
from accord.core.web import (
    AuthenticatedRequest,
    OrgRequest,
    apply_errors,
    org_view,
    push_clean_url,
    query_string,
    render_page,
    site_url,
    vary_on_htmx,
    wants_partial,
)
from accord.core.workdays import WorkCalendar

log = logging.getLogger(__name__)
AUDIT_PAGE_SIZE = 50


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


@login_required
@require_GET
def home(request: AuthenticatedRequest) -> HttpResponse:
    """Send the user to their last organisation, their only one, or the chooser."""
    memberships = list(selectors.memberships_of(request.user))
    slugs = [m.organization.slug for m in memberships]
    last = request.session.get("last_org")
    if last in slugs:
        return redirect("core:dashboard", org=last)
    if len(slugs) == 1:
        return redirect("core:dashboard", org=slugs[0])
    return render(request, "core/org_list.html", {"memberships": memberships})


@login_required
@require_GET
def org_list(request: AuthenticatedRequest) -> HttpResponse:
    memberships = list(selectors.memberships_of(request.user))
    return render(request, "core/org_list.html", {"memberships": memberships})


@org_view("organization.view")
@require_GET
def dashboard(request: OrgRequest) -> HttpResponse:
    role = request.membership.role

    def cards() -> dict[str, Any]:
        org = request.org
        by_role = dict(
            selectors.members(org).order_by().values_list("role").annotate(n=Count("id")).values_list("role", "n")
        )
        return {
            "governance": selectors.governance(org),
            "role_counts": [(Role(r).label, n) for r in Role if (n := by_role.get(r))],
            "member_total": sum(by_role.values()),
            "recent_events": list(selectors.audit_events(org)[:8]) if allows(role, "audit.view") else [],
            "panels": [{"template": p.template, **p.context(org)}
                       for p in PANELS if allows(role, p.action)],
        }

    context = {
        "user_has_mfa": is_mfa_enabled(request.user),
        "body": fragment(request, "dashboard", "core/_dashboard_body.html", cards),
        # About the member reading (their own tasks): never in the body the members of a role share.
        "member_panels": [{"template": p.template, **p.context(request.org, request.membership)}
                          for p in MEMBER_PANELS if allows(role, p.action)],
    }
    return render(request, "core/dashboard.html", context)


def _members_page(request: OrgRequest, *, invite_form: InvitationForm | None = None) -> HttpResponse:
    org = request.org
    manage = allows(request.membership.role, "member.manage")
    context: dict[str, Any] = {
        # Who lacks a second factor is for those who manage members (and the two-factor policy) only.
        "members": selectors.members_with_second_factor(org) if manage else selectors.members(org),
        "invite_form": invite_form or InvitationForm(auto_id="invite-%s"),
        "invitations": selectors.open_invitations(org) if manage else [],
        "invitation_days": services.INVITATION_VALIDITY.days,
    }
    return render(request, "core/members.html", context)


@org_view("member.view")
@require_GET
def members(request: OrgRequest) -> HttpResponse:
    # Nobody is added directly by e-mail: that would tell an admin which addresses have an account on the
    # installation and add people without their consent. The one way in is an invitation (decision 0023).
    return _members_page(request)


@org_view("member.manage")
@require_POST
def invitation_create(request: OrgRequest) -> HttpResponse:
    org = request.org
    form = InvitationForm(request.POST, auto_id="invite-%s")
    if form.is_valid():
        data = form.cleaned_data
        try:
            invitation = services.do_invite_member(
                request.user, org, data["email"], data["role"], external=data["external"],
                board_representative=data["board_representative"], site_url=site_url(request),
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        except services.InvitationNotSent as exc:
            messages.warning(request, str(exc))
            return redirect("core:members", org=org.slug)
        else:
            days = services.INVITATION_VALIDITY.days
            messages.success(request, ngettext("Invitation sent to %(email)s; its link works for %(days)d day.",
                                               "Invitation sent to %(email)s; its link works for %(days)d days.",
                                               days) % {"email": invitation.email, "days": days})
            return redirect("core:members", org=org.slug)
    return _members_page(request, invite_form=form)


@org_view("member.manage")
@require_POST
def invitation_resend(request: OrgRequest, invitation_id: int) -> HttpResponse:
    org = request.org
    invitation = selectors.access_invitation(org, invitation_id)
    try:
        services.do_resend_invitation(request.user, org, invitation, site_url=site_url(request))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    except services.InvitationNotSent as exc:
        messages.warning(request, str(exc))
    else:
        messages.success(request, _("Invitation sent again to %(email)s, with a new link; the previous link no "
                                    "longer works.") % {"email": invitation.email})
    return redirect("core:members", org=org.slug)


@org_view("member.manage")
@require_POST
def invitation_revoke(request: OrgRequest, invitation_id: int) -> HttpResponse:
    org = request.org
    invitation = selectors.access_invitation(org, invitation_id)
    try:
        services.do_revoke_invitation(request.user, org, invitation)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The invitation of %(email)s is revoked; its link no longer works.")
                         % {"email": invitation.email})
    return redirect("core:members", org=org.slug)


@org_view("member.manage")
@require_http_methods(["GET", "POST"])
def member_edit(request: OrgRequest, member_id: int) -> HttpResponse:
    org = request.org
    membership = selectors.access_member(org, member_id)
    initial = {"role": membership.role, "external": membership.external,
               "board_representative": membership.board_representative}
    form = MemberChangeForm(request.POST or None, initial=initial, auto_id=f"member-{membership.pk}-%s")
    if request.method == "POST" and form.is_valid():
        try:
            membership = services.do_change_member(
                request.user, org, membership, **form.cleaned_data
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("%(email)s now holds the role %(role)s.")
                             % {"email": membership.user.email, "role": membership.get_role_display()})
            return redirect("core:members", org=org.slug)
    return render_page(request, "core/member_edit.html", "core/_member_edit.html", {"member": membership, "form": form})


@org_view("member.manage")
@require_http_methods(["GET", "POST"])
def member_remove(request: OrgRequest, member_id: int) -> HttpResponse:
    """Ask what becomes of what the member holds (whom to hand it to, or clear it), then remove them."""
    org = request.org
    membership = selectors.access_member(org, member_id)
    members = list(selectors.members(org))
    form = MemberRemoveForm(request.POST or None, leaving=membership, members=members)
    if request.method == "POST":
        reassign_to, clear = form.choice(members)
        try:
            changed = services.do_remove_member(request.user, org, membership, reassign_to=reassign_to, clear=clear)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            said = {"email": membership.user.email, "org": org.name, "count": changed}
            if reassign_to:
                message = ngettext("%(email)s no longer belongs to %(org)s; %(count)d object they held went to "
                                   "%(name)s.", "%(email)s no longer belongs to %(org)s; %(count)d objects they held "
                                   "went to %(name)s.", changed) % {**said, "name": reassign_to.user.display_name}
            elif changed:
                message = ngettext("%(email)s no longer belongs to %(org)s; %(count)d object they held now has "
                                   "nobody.", "%(email)s no longer belongs to %(org)s; %(count)d objects they held "
                                   "now have nobody.", changed) % said
            else:
                message = _("%(email)s no longer belongs to %(org)s.") % said
            messages.success(request, message)
            return redirect("core:members", org=org.slug)
    context = {"member": membership, "form": form, "holdings": selectors.member_holdings(org, membership)}
    return render(request, "core/member_remove.html", context)


def _governance_page(request: OrgRequest, *, form: GovernanceForm | None = None,
                     policy_form: TwoFactorPolicyForm | None = None,
                     language_form: OrganizationLanguageForm | None = None,
                     calendar_form: OrganizationCalendarForm | None = None) -> HttpResponse:
    org = request.org
    profile = selectors.governance(org)
    initial = {"ciso_reports_to": profile.ciso_reports_to, "ciso_model": profile.ciso_model,
               "dpo_model": profile.dpo_model, "dpo_consulted_on_appetite": profile.dpo_consulted_on_appetite,
               "dpo_signs_privacy_acceptances": profile.dpo_signs_privacy_acceptances}
    context = {
        "profile": profile,
        "form": form or GovernanceForm(initial=initial),
        "policy_form": policy_form or TwoFactorPolicyForm(initial={"two_factor_required": org.two_factor_required}),
        "language_form": language_form or OrganizationLanguageForm(initial={"language": org.language}),
        "org_language": dict(LANGUAGE_NAMES).get(org.language, ""),
        "calendar_form": calendar_form or OrganizationCalendarForm(
            initial={"country": org.country, "subdivision": org.subdivision, "nis2": org.nis2}),
        "calendar_place": WorkCalendar.of(org).place,
        "upcoming_holidays": selectors.upcoming_holidays(org),
    }
    return render(request, "core/governance.html", context)


@org_view("governance.view")
@require_http_methods(["GET", "POST"])
def governance(request: OrgRequest) -> HttpResponse:
    org = request.org
    if request.method != "POST":
        return _governance_page(request)
    require(request.membership.role, "governance.change")
    form = GovernanceForm(request.POST)
    if form.is_valid():
        try:
            services.do_update_governance(request.user, org, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Governance profile saved."))
            return redirect("core:governance", org=org.slug)
    return _governance_page(request, form=form)


@org_view("security_policy.change")
@require_POST
def two_factor_policy(request: OrgRequest) -> HttpResponse:
    """The switch on the governance page; htmx swaps its card in place, other browsers reload the page."""
    org = request.org
    form = TwoFactorPolicyForm(request.POST)
    saved = False
    if form.is_valid():
        try:
            services.do_set_two_factor_policy(request.user, org,
                                              required=form.cleaned_data["two_factor_required"])
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            saved = True
    if wants_partial(request):
        return vary_on_htmx(render(request, "core/_two_factor_policy.html", {"policy_form": form, "saved": saved}))
    if saved:
        messages.success(request, _("Two-factor authentication is now required of every member.")
                         if org.two_factor_required else _("Two-factor authentication is now optional."))
        return redirect("core:governance", org=org.slug)
    return _governance_page(request, policy_form=form)


@org_view("sso.view")
@require_http_methods(["GET", "POST"])
def sso(request: OrgRequest) -> HttpResponse:
    """The organisation's identity provider: what it is, and for an admin, the forms that set it (OpenID Connect,
    or SAML 2.0: a POST with `kind=saml`)."""
    org = request.org
    idp = selectors.identity_provider(org)
    initial: dict[str, Any] = {"sso_required": org.sso_required}
    if idp is not None:
        initial |= {"join_role": idp.join_role, "allowed_domains": ", ".join(idp.allowed_domains)}
    oidc_initial, saml_initial = dict(initial), dict(initial)
    if idp is not None and idp.kind == IdpKind.SAML:
        saml_initial |= {name: getattr(idp, name) for name in (
            "saml_entity_id", "saml_sso_url", "saml_x509_cert", "saml_email_attribute", "saml_name_attribute",
            "saml_slo_url", "saml_sign_requests", "saml_encrypted_assertions", "saml_idp_metadata_url")}
    elif idp is not None:
        oidc_initial |= {"issuer": idp.issuer, "client_id": idp.client_id}
    posted_saml = request.method == "POST" and request.POST.get("kind") == IdpKind.SAML
    form = IdentityProviderForm(None if posted_saml else request.POST or None, initial=oidc_initial)
    saml_form = SamlIdentityProviderForm(request.POST if posted_saml else None, initial=saml_initial, prefix="saml")
    if request.method == "POST":
        require(request.membership.role, "sso.change")
        bound = saml_form if posted_saml else form
        if bound.is_valid():
            data = bound.cleaned_data
            try:
                if posted_saml:
                    services.do_set_saml_identity_provider(
                        request.user, org, entity_id=data["saml_entity_id"], sso_url=data["saml_sso_url"],
                        x509_cert=data["saml_x509_cert"], email_attribute=data["saml_email_attribute"],
                        name_attribute=data["saml_name_attribute"], allowed_domains=bound.domains(),
                        join_role=data["join_role"], slo_url=data["saml_slo_url"],
                        sign_requests=data["saml_sign_requests"],
                        encrypted_assertions=data["saml_encrypted_assertions"],
                        metadata_xml=data["saml_idp_metadata"], metadata_url=data["saml_idp_metadata_url"])
                else:
                    services.do_set_identity_provider(
                        request.user, org, issuer=data["issuer"], client_id=data["client_id"],
                        client_secret=data["client_secret"] or None, allowed_domains=bound.domains(),
                        join_role=data["join_role"])
                services.do_set_sso_policy(request.user, org, required=data["sso_required"])
            except ValidationError as exc:
                apply_errors(bound, exc)
            else:
                messages.success(request, _("Single sign-on settings saved."))
                return redirect("core:sso", org=org.slug)
    context = {"idp": idp, "form": form, "saml_form": saml_form, "saml_posted": posted_saml,
               **sso_urls(site_url(request), org.slug)}
    return render(request, "core/sso.html", context)


def _sso_action(request: OrgRequest, action: Any, done: str) -> HttpResponse:
    """Run a change of the organisation's identity provider, say what came of it, and go back to the page."""
    try:
        action(request.user, request.org)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, done)
    return redirect("core:sso", org=request.org.slug)


@org_view("sso.change")
@require_POST
def sso_rotate_sp_key(request: OrgRequest) -> HttpResponse:
    return _sso_action(request, services.do_rotate_saml_sp_key,
                       _("A new service provider key is in force: give the identity provider its certificate now."))


@org_view("sso.change")
@require_POST
def sso_remove(request: OrgRequest) -> HttpResponse:
    return _sso_action(request, services.do_remove_identity_provider,
                       _("%(org)s no longer signs in through an identity provider.") % {"org": request.org.name})


@require_GET
def sso_start(request: HttpRequest) -> HttpResponse:
    """Outside any organisation: from an organisation's slug (the sign-in page's field, or the link its admin
    shares) to allauth's sign-in through that organisation's provider, then back to `next` or its dashboard."""
    slug = request.GET.get("organisation", "").strip().lower()
    if not slug or selectors.identity_provider_for(slug) is None:
        messages.error(request, _("No organisation named '%(slug)s' signs in through an identity provider. Check "
                                  "the name (as in its web address, /o/name/) or sign in with your password.")
                       % {"slug": slug[:60]})
        return redirect("account_login")
    back = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts=None) or not back.startswith("/"):
        back = reverse("core:dashboard", kwargs={"org": slug})
    idp = selectors.identity_provider_for(slug)
    login_url = (reverse("saml_login", kwargs={"organization_slug": slug})
                 if idp is not None and idp.kind == IdpKind.SAML
                 else reverse("openid_connect_login", kwargs={"provider_id": slug}))
    return redirect(f"{login_url}?{urlencode({'process': 'login', 'next': back})}")
@require_http_methods(["GET", "POST"])
def sso_login(request: HttpRequest, provider_id: str) -> HttpResponse:
    """allauth's step to the organisation's provider (it reads the provider's discovery document first); a
    provider that is unreachable, too slow, refused (accord.core.ssonet) or answers garbage gets the visitor
    a 502 page saying so, not a server error."""
    try:
        return openid_connect_views.login(request, provider_id)
    except RequestException as exc:
        idp = selectors.identity_provider_for(provider_id)
        name = idp.organization.name if idp is not None else provider_id[:60]
        log.warning("Single sign-on of %s: the identity provider did not answer: %s", provider_id[:60], exc)
        return render(request, "core/sso_unavailable.html", {"message": unavailable_message(name)},
                      status=502)


@require_http_methods(["GET", "POST"])
def saml_finish_acs(request: HttpRequest, organization_slug: str) -> HttpResponse:
    """allauth's last step of a SAML sign-in; an encrypted assertion Accord's key cannot decrypt (the IdP
    encrypts to an old or another certificate), which python3-saml lets through as an xmlsec error, sends the
    visitor back to the sign-in page saying so, not to a server error (decision 0063)."""
    try:
        return saml_views.finish_acs(request, organization_slug=organization_slug)
    except xmlsec.Error as exc:
        log.warning("Single sign-on of %s: an assertion could not be decrypted: %s", organization_slug[:60], exc)
        messages.error(request, _("The identity provider's answer could not be decrypted with Accord's key: it "
                                  "must encrypt assertions to the service-provider certificate on the Single "
                                  "sign-on page of the organisation."))
        return redirect("account_login")


@org_view("organization.change")
@require_POST
def organization_language(request: OrgRequest) -> HttpResponse:
    """The organisation's default language, on the governance page."""
    org = request.org
    form = OrganizationLanguageForm(request.POST)
    if form.is_valid():
        try:
            services.do_set_organization_language(request.user, org, language=form.cleaned_data["language"])
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            activate_for(request, organisation=org.language)  # the confirmation in the language it set
            messages.success(request, _("The organisation's default language is saved."))
            return redirect("core:governance", org=org.slug)
    return _governance_page(request, language_form=form)


@org_view("organization.change")
@require_POST
def organization_calendar(request: OrgRequest) -> HttpResponse:
    """The country and subdivision whose public holidays the organisation's clocks skip, on the governance page."""
    form = OrganizationCalendarForm(request.POST)
    if form.is_valid():
        fields = {name: value for name, value in form.cleaned_data.items() if name != "nis2" or value}
        try:
            services.do_update_organization(request.user, request.org, **fields)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The organisation's public holidays are saved."))
            return redirect("core:governance", org=request.org.slug)
    return _governance_page(request, calendar_form=form)


@login_required
@require_http_methods(["GET", "POST"])
def account_preferences(request: AuthenticatedRequest) -> HttpResponse:
    """The person's own settings: their language."""
    form = PersonLanguageForm(request.POST or None, initial={"language": request.user.language})
    if request.method == "POST" and form.is_valid():
        try:
            services.do_set_user_language(request.user, language=form.cleaned_data["language"])
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            activate_for(request)  # the confirmation in the language just chosen
            messages.success(request, _("Your language is saved."))
            return redirect("account_preferences")
    return render(request, "core/account_preferences.html", {"form": form})


def _audit_filters(request: OrgRequest) -> tuple[AuditFilterForm, selectors.AuditFilter]:
    """The audit trail's filter form and the filters its valid fields give (none while it is invalid)."""
    form = AuditFilterForm(request.GET or None, object_types=selectors.audit_object_types(request.org))
    if not form.is_valid():
        return form, selectors.AuditFilter()
    return form, selectors.AuditFilter(**{k: v for k, v in form.cleaned_data.items() if v})


@org_view("audit.view")
@require_GET
def audit_trail(request: OrgRequest) -> HttpResponse:
    org = request.org
    form, filters = _audit_filters(request)
    page = Paginator(selectors.audit_events(org, filters), AUDIT_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"form": form, "page": page, "rows": selectors.audit_rows(org, page.object_list),
               "query": query_string(request)}
    return push_clean_url(request, render_page(request, "core/audit_trail.html", "core/_audit_table.html", context))


@org_view("audit.view")
@require_GET
def audit_export(request: OrgRequest) -> HttpResponse:
    """The audit trail as a CSV file, with the page's filters."""
    org = request.org
    _, filters = _audit_filters(request)
    content, filename = selectors.audit_csv(org, filters)
    response = HttpResponse(content, content_type=CSV_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@org_view("token.manage_own")
@require_http_methods(["GET", "POST"])
def tokens(request: OrgRequest) -> HttpResponse:
    org = request.org
    form = TokenCreateForm(request.POST or None)
    plaintext = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            _, plaintext = services.do_create_token(request.user, org, request.user, name=data["name"],
                                                    scope=data["scope"] or TokenScope.READ_WRITE,
                                                    expires_in_days=data["expires_in_days"])
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            form = TokenCreateForm()
    user_tokens = selectors.tokens_of(org, request.user)
    return render(request, "core/tokens.html", {"tokens": user_tokens, "form": form, "plaintext": plaintext})


@org_view("token.manage_own")
@require_POST
def token_revoke(request: OrgRequest, token_id: int) -> HttpResponse:
    org = request.org
    token = selectors.access_token(org, request.user, token_id)
    services.do_revoke_token(request.user, org, token)
    messages.success(request, _("Token %(name)s revoked.") % {"name": token.name})
    return redirect("core:tokens", org=org.slug)


INVALID_LINK = gettext_lazy("This invitation link is not valid. Check that you opened the whole link from the "
                            "e-mail, or ask the organisation's administrator for a new invitation.")


@require_http_methods(["GET", "POST"])
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    """The e-mailed link, outside any organisation: the token alone names the invitation. A newcomer
    creates their account here; someone with an account signs in first; then they join."""
    invitation = selectors.invitation_by_token(token)
    if invitation is None:
        return render(request, "core/invitation_closed.html", {"message": INVALID_LINK}, status=404)
    if closed := invitation.closed_message():
        return render(request, "core/invitation_closed.html", {"message": closed}, status=410)
    user = request.user if request.user.is_authenticated else None
    account_exists = user is None and selectors.user_by_email(invitation.email) is not None
    form = InvitationAcceptForm(request.POST or None) if user is None and not account_exists else None
    error = ""
    if request.method == "POST" and not account_exists and (form is None or form.is_valid()):
        data = form.cleaned_data if form is not None else {}
        try:
            membership = services.do_accept_invitation(
                invitation, user=user, full_name=data.get("full_name", ""), password=data.get("password"),
            )
        except ValidationError as exc:
            if form is not None:
                apply_errors(form, exc)
            else:
                error = " ".join(exc.messages)
        else:
            if user is None:
                login(request, membership.user, backend="django.contrib.auth.backends.ModelBackend")
            org = membership.organization
            messages.success(request, _("Welcome to %(org)s: you joined as %(role)s.")
                             % {"org": org.name, "role": membership.get_role_display()})
            return redirect("core:dashboard", org=org.slug)
    context = {
        "invitation": invitation,
        "form": form,
        "error": error,
        "account_exists": account_exists,
        "wrong_user": user is not None and user.email.lower() != invitation.email,
        "login_url": f"{reverse('account_login')}?{urlencode({'next': request.path})}",
    }
    return render(request, "core/invitation.html", context)
