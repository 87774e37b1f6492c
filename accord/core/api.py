"""REST API of the core app: organisations, their security policy, governance, members, invitations,
the caller's API tokens, audit events."""

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import paginate

from accord.core import selectors, services
from accord.core.apikit import ERRORS, BodyIn, ErrorOut, Id, Pagination, TextIn, org_access
from accord.core.choices import (
    CisoModel,
    CisoReportsTo,
    DpoModel,
    IdpKind,
    InvitationStatus,
    Nis2Designation,
    Role,
    TokenScope,
    TokenState,
)
from accord.core.history import CSV_CONTENT_TYPE
from accord.core.models import ApiToken, AuditEvent, GovernanceProfile, Invitation, Membership, Organization, User
from accord.core.permissions import actions_for, allows
from accord.core.sso import sso_urls
from accord.core.tokens import MAX_TOKEN_DAYS
from accord.core.web import site_url

router = Router(tags=["organisations"])


class OrgOut(Schema):
    slug: str
    name: str
    timezone: str
    currency: str
    day_rate: int | None = Field(description="Cost of one person-day, minor units of the currency")
    country: str = Field(description="ISO 3166-1 alpha-2 code whose public holidays are not working days; "
                                     "empty: none")
    subdivision: str = Field(description="The ISO 3166-2 subdivision whose public holidays apply too; empty: none")
    nis2: Nis2Designation = Field(description="NIS2 designation: an essential or important entity's incidents track "
                                              "the Article 23 clocks")
    two_factor_required: bool
    role: str
    permissions: list[str]


class OrgPatch(BodyIn):
    """The settings to change; a field left out keeps its value."""

    name: str | None = Field(None, min_length=1, max_length=200)
    timezone: str | None = Field(None, max_length=64, description="IANA name, such as Europe/Paris")
    currency: str | None = Field(None, max_length=3, description="ISO 4217 code, such as EUR")
    day_rate: int | None = Field(None, ge=0, le=10**15, description="Minor units of the currency; null: none")
    country: str | None = Field(None, max_length=2, description="ISO 3166-1 alpha-2 code (FR); empty: none")
    subdivision: str | None = Field(None, max_length=10, description="ISO 3166-2 subdivision code (BY); empty: none")
    nis2: Nis2Designation | None = Field(None, description="none, important or essential (NIS2 entity)")


class TwoFactorPolicyOut(Schema):
    two_factor_required: bool


class TwoFactorPolicyIn(BodyIn):
    two_factor_required: bool


class IdentityProviderOut(Schema):
    configured: bool = Field(description="The organisation has an identity provider (single sign-on)")
    kind: IdpKind = Field(default=IdpKind.OIDC, description="oidc (OpenID Connect) or saml (SAML 2.0)")
    issuer: str = ""
    client_id: str = ""
    client_secret_set: bool = Field(default=False, description="A client secret is stored (sealed; never shown back)")
    allowed_domains: list[str] = Field(default_factory=list, description="E-mail domains the provider speaks for")
    join_role: str = Field(default="", description="viewer or contributor: the role of someone it signs in for "
                           "the first time; empty: only existing members sign in through it")
    sso_required: bool = Field(description="Members open the organisation only from a session signed in "
                               "through it")
    redirect_uri: str = Field(description="OpenID Connect: the redirect URI to register at the provider")
    saml_entity_id: str = ""
    saml_sso_url: str = ""
    saml_x509_cert: str = Field(default="", description="The IdP's signing certificate (base64 DER)")
    saml_email_attribute: str = ""
    saml_name_attribute: str = ""
    saml_slo_url: str = Field(default="", description="SAML: the IdP's single logout URL (empty: signing out of "
                              "Accord ends only Accord's session)")
    saml_sign_requests: bool = Field(default=False, description="SAML: Accord signs its requests")
    saml_encrypted_assertions: bool = Field(default=False, description="SAML: assertions must be encrypted to Accord")
    saml_idp_metadata_url: str = Field(default="", description="SAML: where the IdP's metadata was read from "
                                       "(PUT it again to read it again)")
    saml_sp_certificate: str = Field(default="", description="SAML: Accord's service-provider certificate (base64 "
                                     "DER) for signed requests and encrypted assertions; give it to the IdP")
    saml_metadata_url: str = Field(description="SAML: Accord's service-provider metadata (its address is the SP "
                                   "entity id)")
    saml_acs_url: str = Field(description="SAML: the assertion consumer service the IdP posts responses to")


class IdentityProviderIn(BodyIn):
    kind: IdpKind = Field(IdpKind.OIDC, description="oidc (the default) or saml; the other protocol's fields are "
                          "ignored, and changing protocol forgets every linked account")
    issuer: str = Field("", max_length=500, description="OpenID Connect: the issuer URL (https://; where "
                        "/.well-known/openid-configuration is found)")
    client_id: str = Field("", max_length=255, description="OpenID Connect: the client id")
    client_secret: str | None = Field(None, max_length=1000, description="Omitted: keep the stored one "
                                      "(required the first time)")
    allowed_domains: list[str] = Field(max_length=20, description="E-mail domains the provider speaks for")
    join_role: str = Field("", max_length=20, description="viewer, contributor, or empty (nobody joins by signing "
                           "in)")
    sso_required: bool | None = Field(None, description="Require members to sign in through it; omitted: unchanged")
    saml_entity_id: str = Field("", max_length=500, description="SAML: the IdP's entity id")
    saml_sso_url: str = Field("", max_length=500, description="SAML: the IdP's single sign-on URL (HTTP-Redirect)")
    saml_x509_cert: str = Field("", max_length=20000, description="SAML: the IdP's signing certificate (PEM)")
    saml_email_attribute: str = Field("", max_length=255, description="SAML: the attribute carrying the e-mail "
                                      "address")
    saml_name_attribute: str = Field("", max_length=255, description="SAML: the attribute carrying the full name")
    saml_slo_url: str = Field("", max_length=500, description="SAML: the IdP's single logout URL (HTTP-Redirect)")
    saml_sign_requests: bool = Field(False, description="SAML: Accord signs its requests (a key is made for it)")
    saml_encrypted_assertions: bool = Field(False, description="SAML: refuse assertions not encrypted to Accord")
    saml_idp_metadata: str = Field("", max_length=512 * 1024, description="SAML: the IdP's metadata XML; the entity "
                                   "id, endpoints and certificate it names replace the fields")
    saml_idp_metadata_url: str = Field("", max_length=500, description="SAML: the https:// address of the IdP's "
                                       "metadata, read now (and on every PUT naming it) and kept")


class GovernanceOut(Schema):
    ciso_reports_to: CisoReportsTo
    ciso_model: CisoModel
    dpo_model: DpoModel
    dpo_consulted_on_appetite: bool = Field(description="The DPO is consulted on each draft risk appetite "
                                            "(an opinion the signatories see, not a signature)")
    dpo_signs_privacy_acceptances: bool = Field(
        description="The DPO is a required signatory of every acceptance of a risk in a privacy category")
    updated_at: dt.datetime


class GovernanceIn(BodyIn):
    ciso_reports_to: CisoReportsTo
    ciso_model: CisoModel
    dpo_model: DpoModel
    dpo_consulted_on_appetite: bool | None = Field(default=None, description="Consult the DPO on the risk "
                                                   "appetite; omitted: unchanged")
    dpo_signs_privacy_acceptances: bool | None = Field(
        None, description="The DPO signs acceptances of privacy risks (default on); omitted: unchanged")


class MemberOut(Schema):
    id: int
    email: str
    full_name: str
    role: str
    external: bool
    board_representative: bool
    has_second_factor: bool | None = None

    @staticmethod
    def resolve_email(obj: Membership) -> str:
        return obj.user.email

    @staticmethod
    def resolve_full_name(obj: Membership) -> str:
        return obj.user.full_name

    @staticmethod
    def resolve_has_second_factor(obj: Membership) -> bool | None:
        # Only callers who manage members learn who lacks a second factor; others get null.
        value = getattr(obj, "has_second_factor", None)
        return None if value is None else bool(value)


class InvitationOut(Schema):
    id: int
    email: str
    role: Role
    external: bool
    board_representative: bool
    status: InvitationStatus
    invited_by: str | None
    created_at: dt.datetime
    sent_at: dt.datetime
    expires_at: dt.datetime
    accepted_at: dt.datetime | None
    revoked_at: dt.datetime | None

    @staticmethod
    def resolve_invited_by(obj: Invitation) -> str | None:
        return obj.invited_by.display_name if obj.invited_by else None


class InvitationIn(BodyIn):
    email: str
    role: Role
    external: bool = False
    board_representative: bool = False


class TokenOut(Schema):
    """One of the caller's API tokens; the token itself is shown only once, when it is made."""

    id: int
    name: str
    prefix: str
    scope: TokenScope
    state: TokenState
    created_at: dt.datetime
    last_used_at: dt.datetime | None
    expires_at: dt.datetime | None
    revoked_at: dt.datetime | None


class TokenCreatedOut(TokenOut):
    token: str = Field(description="The token; store it now, it is not shown again.")


class TokenIn(BodyIn):
    name: str = Field("", max_length=100)
    scope: TokenScope = TokenScope.READ_WRITE
    expires_at: dt.datetime | None = Field(None, description="When it stops working (at most 366 days ahead).")
    expires_in_days: int | None = Field(None, ge=1, le=MAX_TOKEN_DAYS,
                                        description="Or: days from now until it stops working.")


class InvitationQuery(TextIn):
    status: InvitationStatus | None = None


class AuditEventOut(Schema):
    seq: int
    at: dt.datetime
    actor_id: int | None
    actor: str
    action: str
    object_type: str
    object_id: str
    object_repr: str
    changes: dict[str, object]
    prev_hash: str
    hash: str

    @staticmethod
    def resolve_actor(obj: AuditEvent) -> str:
        return obj.actor_label


class AuditQuery(TextIn):
    actor: str = ""
    object_type: str = ""
    object_id: str = ""
    action: str = ""
    since: dt.date | None = None
    until: dt.date | None = None


def _org_out(org: Organization, membership: Membership) -> OrgOut:
    return OrgOut(slug=org.slug, name=org.name, timezone=org.timezone, currency=org.currency,
                  day_rate=org.day_rate, country=org.country, subdivision=org.subdivision,
                  nis2=Nis2Designation(org.nis2), two_factor_required=org.two_factor_required, role=membership.role,
                  permissions=sorted(actions_for(membership.role)))


def _governance_out(p: GovernanceProfile) -> GovernanceOut:
    return GovernanceOut(ciso_reports_to=CisoReportsTo(p.ciso_reports_to), ciso_model=CisoModel(p.ciso_model),
                         dpo_model=DpoModel(p.dpo_model), dpo_consulted_on_appetite=p.dpo_consulted_on_appetite,
                         dpo_signs_privacy_acceptances=p.dpo_signs_privacy_acceptances, updated_at=p.updated_at)


@router.get("/", response={200: list[OrgOut], **ERRORS}, summary="The caller's organisations",
            operation_id="accord_core_api_list_orgs")
def list_orgs(request: HttpRequest) -> list[OrgOut]:
    """A token is bound to one organisation, so this lists that one (if the user still belongs to it and
    meets its two-factor policy: 403 otherwise, as for every route of the organisation)."""
    token = request.auth  # type: ignore[attr-defined]
    membership = selectors.memberships_of(token.user).filter(organization=token.organization).first()
    if membership is None:
        return []
    return [_org_out(membership.organization, org_access(request, membership.organization.slug, "organization.view"))]


@router.get("/{org}/", response={200: OrgOut, **ERRORS}, summary="One organisation",
            operation_id="accord_core_api_get_org")
def get_org(request: HttpRequest, org: str) -> OrgOut:
    m = org_access(request, org, "organization.view")
    return _org_out(m.organization, m)


@router.patch("/{org}/", response={200: OrgOut, **ERRORS}, summary="Change the organisation's settings",
              operation_id="accord_core_api_patch_org")
def patch_org(request: HttpRequest, org: str, payload: OrgPatch) -> OrgOut:
    """Its name, time zone, currency, day rate, and the country and subdivision whose public holidays its
    clocks skip (a security review's target counts working days). One audit event naming what changed."""
    m = org_access(request, org, "organization.change")
    fields = payload.model_dump(exclude_unset=True)
    for name in ("name", "timezone", "currency", "country", "subdivision", "nis2"):
        if name in fields and fields[name] is None:
            raise ValidationError({name: _("This field cannot be null.")})
    updated = services.do_update_organization(m.user, m.organization, **fields)
    return _org_out(updated, m)


@router.get("/{org}/security-policy/", response={200: TwoFactorPolicyOut, **ERRORS}, summary="Security policy",
            operation_id="accord_core_api_get_security_policy")
def get_security_policy(request: HttpRequest, org: str) -> TwoFactorPolicyOut:
    """Whether every member needs a second factor to use the organisation (web pages and API)."""
    m = org_access(request, org, "organization.view")
    return TwoFactorPolicyOut(two_factor_required=m.organization.two_factor_required)


@router.put("/{org}/security-policy/", response={200: TwoFactorPolicyOut, **ERRORS},
            summary="Require two-factor authentication, or stop requiring it",
            operation_id="accord_core_api_put_security_policy")
def put_security_policy(request: HttpRequest, org: str, payload: TwoFactorPolicyIn) -> TwoFactorPolicyOut:
    """422 when the caller would require it without having a second factor themselves."""
    m = org_access(request, org, "security_policy.change")
    updated = services.do_set_two_factor_policy(m.user, m.organization, required=payload.two_factor_required)
    return TwoFactorPolicyOut(two_factor_required=updated.two_factor_required)


def _idp_out(request: HttpRequest, org: Organization) -> IdentityProviderOut:
    idp = selectors.identity_provider(org)
    urls = sso_urls(site_url(request), org.slug)
    common: dict[str, Any] = {"sso_required": org.sso_required, "redirect_uri": urls["redirect_uri"],
                              "saml_metadata_url": urls["saml_metadata_url"], "saml_acs_url": urls["saml_acs_url"]}
    if idp is None:
        return IdentityProviderOut(configured=False, **common)
    return IdentityProviderOut(
        configured=True, kind=IdpKind(idp.kind), issuer=idp.issuer, client_id=idp.client_id,
        client_secret_set=bool(idp.client_secret_sealed), allowed_domains=idp.allowed_domains,
        join_role=idp.join_role, saml_entity_id=idp.saml_entity_id, saml_sso_url=idp.saml_sso_url,
        saml_x509_cert=idp.saml_x509_cert, saml_email_attribute=idp.saml_email_attribute,
        saml_name_attribute=idp.saml_name_attribute, saml_slo_url=idp.saml_slo_url,
        saml_sign_requests=idp.saml_sign_requests, saml_encrypted_assertions=idp.saml_encrypted_assertions,
        saml_idp_metadata_url=idp.saml_idp_metadata_url, saml_sp_certificate=idp.saml_sp_cert, **common)


@router.get("/{org}/identity-provider/", response={200: IdentityProviderOut, **ERRORS},
            summary="The identity provider (single sign-on)", operation_id="accord_core_api_get_identity_provider")
def get_identity_provider(request: HttpRequest, org: str) -> IdentityProviderOut:
    m = org_access(request, org, "sso.view")
    return _idp_out(request, m.organization)


@router.put("/{org}/identity-provider/", response={200: IdentityProviderOut, **ERRORS},
            summary="Configure the identity provider (single sign-on)",
            operation_id="accord_core_api_put_identity_provider")
def put_identity_provider(request: HttpRequest, org: str, payload: IdentityProviderIn) -> IdentityProviderOut:
    """422 naming the field for an issuer (OIDC) or SSO URL (SAML) that is not https://, a certificate that is
    not X.509 (SAML), no allowed domain, a join role above contributor, or `sso_required` asked of a caller who
    never signed in through the provider."""
    m = org_access(request, org, "sso.change")
    if payload.kind == IdpKind.SAML:
        services.do_set_saml_identity_provider(
            m.user, m.organization, entity_id=payload.saml_entity_id, sso_url=payload.saml_sso_url,
            x509_cert=payload.saml_x509_cert, email_attribute=payload.saml_email_attribute,
            name_attribute=payload.saml_name_attribute, allowed_domains=payload.allowed_domains,
            join_role=payload.join_role, slo_url=payload.saml_slo_url, sign_requests=payload.saml_sign_requests,
            encrypted_assertions=payload.saml_encrypted_assertions, metadata_xml=payload.saml_idp_metadata,
            metadata_url=payload.saml_idp_metadata_url)
    else:
        services.do_set_identity_provider(m.user, m.organization, issuer=payload.issuer, client_id=payload.client_id,
                                          client_secret=payload.client_secret, allowed_domains=payload.allowed_domains,
                                          join_role=payload.join_role)
    if payload.sso_required is not None:
        services.do_set_sso_policy(m.user, m.organization, required=payload.sso_required)
    return _idp_out(request, m.organization)


@router.post("/{org}/identity-provider/rotate-sp-key/", response={200: IdentityProviderOut, **ERRORS},
             summary="Replace Accord's SAML service provider key (give the IdP the new certificate at once)",
             operation_id="accord_core_api_rotate_sp_key")
def rotate_sp_key(request: HttpRequest, org: str) -> IdentityProviderOut:
    """A new key and certificate (`saml_sp_certificate`), in force at once; 422 when the provider has none."""
    m = org_access(request, org, "sso.change")
    services.do_rotate_saml_sp_key(m.user, m.organization)
    return _idp_out(request, m.organization)


@router.post("/{org}/identity-provider/remove/", response={200: IdentityProviderOut, **ERRORS},
             summary="Remove the identity provider", operation_id="accord_core_api_remove_identity_provider")
def remove_identity_provider(request: HttpRequest, org: str) -> IdentityProviderOut:
    """Nobody signs in through it any more; the requirement to do so ends with it."""
    m = org_access(request, org, "sso.change")
    services.do_remove_identity_provider(m.user, m.organization)
    return _idp_out(request, m.organization)


@router.get("/{org}/governance/", response={200: GovernanceOut, **ERRORS}, summary="Governance profile",
            operation_id="accord_core_api_get_governance")
def get_governance(request: HttpRequest, org: str) -> GovernanceOut:
    m = org_access(request, org, "governance.view")
    return _governance_out(selectors.governance(m.organization))


@router.put("/{org}/governance/", response={200: GovernanceOut, **ERRORS}, summary="Change the governance profile",
            operation_id="accord_core_api_put_governance")
def put_governance(request: HttpRequest, org: str, payload: GovernanceIn) -> GovernanceOut:
    m = org_access(request, org, "governance.change")
    actor: User = m.user
    profile = services.do_update_governance(actor, m.organization, **{
        k: getattr(v, "value", v) for k, v in payload if v is not None})
    return _governance_out(profile)


@router.get("/{org}/members/", response={200: list[MemberOut], **ERRORS}, summary="Members and roles",
            operation_id="accord_core_api_list_members")
@paginate(Pagination)
def list_members(request: HttpRequest, org: str) -> QuerySet[Membership]:
    m = org_access(request, org, "member.view")
    if allows(m.role, "member.manage"):
        return selectors.members_with_second_factor(m.organization)
    return selectors.members(m.organization)


class MemberRemoveIn(BodyIn):
    reassign_to: str | None = Field(None, description="The e-mail address of the member who takes over what the "
                                                       "leaving member holds (risks they own or treat, ...)")
    clear: bool = Field(False, description="Clear what they hold instead (the objects keep no owner); one of "
                                           "`reassign_to` and `clear` is required when they hold anything")


class MemberRemovedOut(Schema):
    email: str = Field(description="The member removed")
    reassigned_to: str | None = Field(description="Who took over what they held; null when cleared or nothing")
    changed: int = Field(description="Objects handed over or cleared, each with its audit event")


@router.post("/{org}/members/{member_id}/remove/", response={200: MemberRemovedOut, **ERRORS},
             summary="Remove a member, handing over what they hold", operation_id="accord_core_api_remove_member")
def remove_member(request: HttpRequest, org: str, member_id: int, payload: MemberRemoveIn) -> MemberRemovedOut:
    """Revokes their API tokens for the organisation. What they hold in the apps goes to `reassign_to` or is
    cleared (`clear`): 422 on `reassign_to` naming what they hold when neither is given. The last admin stays."""
    m = org_access(request, org, "member.manage")
    membership = selectors.access_member(m.organization, member_id)
    target = None
    if payload.reassign_to:
        target = selectors.member_by_email(m.organization, payload.reassign_to)
        if target is None:
            raise ValidationError({"reassign_to": f"'{payload.reassign_to}' is not a member of this organisation."})
    changed = services.do_remove_member(m.user, m.organization, membership, reassign_to=target, clear=payload.clear)
    return MemberRemovedOut(email=membership.user.email, reassigned_to=target.user.email if target else None,
                            changed=changed)


@router.get("/{org}/invitations/", response={200: list[InvitationOut], **ERRORS}, summary="Invitations",
            operation_id="accord_core_api_list_invitations")
@paginate(Pagination)
def list_invitations(request: HttpRequest, org: str, filters: Query[InvitationQuery]) -> QuerySet[Invitation]:
    """Newest first; `status` = pending, expired, accepted or revoked."""
    m = org_access(request, org, "member.manage")
    return selectors.invitations(m.organization, status=filters.status or "")


@router.post("/{org}/invitations/", response={201: InvitationOut, **ERRORS, 502: ErrorOut},
             summary="Invite an e-mail address", operation_id="accord_core_api_create_invitation")
def create_invitation(request: HttpRequest, org: str, payload: InvitationIn) -> Status:
    """E-mails a link (valid 7 days, used once) to create an account or sign in and join with the role given."""
    m = org_access(request, org, "member.manage")
    try:
        invitation = services.do_invite_member(
            m.user, m.organization, payload.email, payload.role.value, external=payload.external,
            board_representative=payload.board_representative, site_url=site_url(request),
        )
    except services.InvitationNotSent as exc:
        raise HttpError(502, str(exc)) from exc
    return Status(201, invitation)


@router.post("/{org}/invitations/{invitation_id}/resend/", response={200: InvitationOut, **ERRORS, 502: ErrorOut},
             summary="Send an invitation again",
             operation_id="accord_core_api_resend_invitation")
def resend_invitation(request: HttpRequest, org: str, invitation_id: Id) -> Invitation:
    """A new link with a new 7-day expiry; the previous link stops working."""
    m = org_access(request, org, "member.manage")
    invitation = selectors.access_invitation(m.organization, invitation_id)
    try:
        return services.do_resend_invitation(m.user, m.organization, invitation, site_url=site_url(request))
    except services.InvitationNotSent as exc:
        raise HttpError(502, str(exc)) from exc


@router.post("/{org}/invitations/{invitation_id}/revoke/", response={200: InvitationOut, **ERRORS},
             summary="Revoke an invitation",
             operation_id="accord_core_api_revoke_invitation")
def revoke_invitation(request: HttpRequest, org: str, invitation_id: Id) -> Invitation:
    m = org_access(request, org, "member.manage")
    invitation = selectors.access_invitation(m.organization, invitation_id)
    return services.do_revoke_invitation(m.user, m.organization, invitation)


@router.get("/{org}/tokens/", response={200: list[TokenOut], **ERRORS}, summary="The caller's API tokens",
            operation_id="accord_core_api_list_tokens")
def list_tokens(request: HttpRequest, org: str) -> QuerySet[ApiToken]:
    """The caller's own tokens in this organisation, newest first, with their scope, expiry and state."""
    m = org_access(request, org, "token.manage_own")
    return selectors.tokens_of(m.organization, m.user)


@router.post("/{org}/tokens/", response={201: TokenCreatedOut, **ERRORS}, summary="Create an API token",
             operation_id="accord_core_api_create_token")
def create_token(request: HttpRequest, org: str, payload: TokenIn) -> Status:
    """A new token of the caller's: `scope` read or read_write, an optional expiry (`expires_at` or
    `expires_in_days`). It never outlives the token that makes it (without an expiry it gets that one's)."""
    m = org_access(request, org, "token.manage_own")
    token, plaintext = services.do_create_token(
        m.user, m.organization, m.user, name=payload.name, scope=payload.scope.value, expires_at=payload.expires_at,
        expires_in_days=payload.expires_in_days, made_by=request.auth,  # type: ignore[attr-defined]
    )
    return Status(201, {**TokenOut.from_orm(token).dict(), "token": plaintext})


@router.post("/{org}/tokens/{token_id}/revoke/", response={200: TokenOut, **ERRORS}, summary="Revoke an API token",
             operation_id="accord_core_api_revoke_token")
def revoke_token(request: HttpRequest, org: str, token_id: Id) -> ApiToken:
    """Revoke one of the caller's tokens (this one included); it stays listed as revoked."""
    m = org_access(request, org, "token.manage_own")
    return services.do_revoke_token(m.user, m.organization, selectors.access_token(m.organization, m.user, token_id))


@router.get("/{org}/audit-events/", response={200: list[AuditEventOut], **ERRORS}, summary="Audit trail",
            operation_id="accord_core_api_list_audit_events")
@paginate(Pagination)
def list_audit_events(request: HttpRequest, org: str, filters: Query[AuditQuery]) -> QuerySet[AuditEvent]:
    """Newest first; filter by actor e-mail, object type and id, action and date range."""
    m = org_access(request, org, "audit.view")
    return selectors.audit_events(m.organization, selectors.AuditFilter(**filters.dict()))


@router.get("/{org}/audit-events/export", response=ERRORS, include_in_schema=False,
            operation_id="export_audit_events_alias")
@router.get("/{org}/audit-events/export/", response=ERRORS, summary="Export the audit trail (CSV)",
            openapi_extra={"responses": {"200": {"description": "The file", "content": {
                CSV_CONTENT_TYPE.split(";")[0]: {"schema": {"type": "string"}}}}}},
            operation_id="accord_core_api_export_audit_events")
def export_audit_events(request: HttpRequest, org: str, filters: Query[AuditQuery]) -> HttpResponse:
    """The events the filters select, newest first, as CSV: every cell quoted, cells a spreadsheet would
    run as formulas prefixed with a quote; names and references as the audit trail page shows them,
    then the stored changes (`changes_json`) and the hashes of the chain."""
    m = org_access(request, org, "audit.view")
    content, filename = selectors.audit_csv(m.organization, selectors.AuditFilter(**filters.dict()))
    response = HttpResponse(content, content_type=CSV_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
