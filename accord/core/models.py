"""Organisations (tenants), users, memberships, invitations, the governance profile, API tokens and the audit
trail."""

from __future__ import annotations

from typing import Any, ClassVar
from zoneinfo import ZoneInfo, available_timezones

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils.formats import date_format
from django.utils.timezone import localtime, now
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accord.core.choices import (
    AuditAction,
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
from accord.core.languages import LANGUAGE_NAMES
from accord.core.tenancy import TenantManager, TenantModel
from accord.core.tokens import is_expired
from accord.core.workdays import countries, country_problem

SLUG_VALIDATOR = RegexValidator(
    r"^[a-z0-9](?:[a-z0-9-]{0,48}[a-z0-9])?$",
    _("Use 1 to 50 lower-case letters, digits and inner hyphens, for example 'acme-health'."),
)


def validate_timezone(value: str) -> None:
    """Accept only IANA time-zone names such as 'Europe/Paris'."""
    if value not in available_timezones():
        raise ValidationError(gettext("'%(value)s' is not a time zone name; use an IANA name such as "
                                      "'Europe/Paris'.") % {"value": value})


def validate_currency(value: str) -> None:
    """Accept three upper-case letters (ISO 4217)."""
    if len(value) != 3 or not value.isalpha() or not value.isupper():
        raise ValidationError(gettext("'%(value)s' is not an ISO 4217 currency code such as 'EUR'.")
                              % {"value": value})


class UserManager(BaseUserManager["User"]):
    """Users are identified by their e-mail address."""

    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        if not email:
            raise ValueError("A user needs an e-mail address.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.update(is_staff=True, is_superuser=True)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in; what they may do comes from their memberships, never from flags here."""

    email = models.EmailField(unique=True)
    full_name = models.CharField(max_length=150, blank=True)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False)
    date_joined = models.DateTimeField(default=now)
    # The person's own choice of language (accord/core/i18n.py); empty: their organisation's default, else
    # their browser's. A preference of the person, not tenant data: not audited.
    language = models.CharField(max_length=10, blank=True, default="", choices=LANGUAGE_NAMES)

    objects: ClassVar[UserManager] = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    class Meta:
        ordering = ("email",)

    def __str__(self) -> str:
        return self.full_name or self.email

    @property
    def display_name(self) -> str:
        return self.full_name or self.email


class Organization(models.Model):
    """The tenant: one client organisation, with its own data, members and audit chain."""

    slug = models.CharField(max_length=50, unique=True, validators=[SLUG_VALIDATOR])
    name = models.CharField(max_length=200)
    timezone = models.CharField(max_length=64, default="UTC", validators=[validate_timezone])
    currency = models.CharField(max_length=3, default="EUR", validators=[validate_currency])
    # What a person-day costs, in minor units of `currency`: prices the people-days of controls.
    day_rate = models.PositiveBigIntegerField(null=True, blank=True,
                                              help_text="Cost of one person-day, minor units of the currency")
    two_factor_required = models.BooleanField(
        default=False,
        help_text="Every member needs a second factor (authenticator app) to open the organisation's pages or API.",
    )
    # Beside the two-factor policy (decision 0009): loaded with every membership, so the check costs no query.
    sso_required = models.BooleanField(
        default=False,
        help_text="Members open the organisation's pages only from a session signed in through its identity provider.",
    )
    # Where it works, for the public holidays its clocks skip (accord/core/workdays.py); empty: none.
    country = models.CharField(max_length=2, blank=True, default="",
                               help_text="ISO 3166-1 alpha-2 code (FR): its public holidays are not working days")
    subdivision = models.CharField(max_length=10, blank=True, default="",
                                   help_text="The region whose public holidays apply too, as an ISO 3166-2 code (BY)")
    # NIS2 (Directive (EU) 2022/2555): an essential or important entity's incidents track the Art. 23 clocks.
    nis2 = models.CharField(max_length=10, choices=Nis2Designation.choices, default=Nis2Designation.NONE,
                            help_text="NIS2 designation: none, important or essential entity")
    # The language of members who chose none (accord/core/i18n.py); empty: each member's browser decides.
    language = models.CharField(max_length=10, blank=True, default="", choices=LANGUAGE_NAMES)
    created_at = models.DateTimeField(default=now)

    class Meta:
        ordering = ("name",)

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        """The country and subdivision name a calendar of public holidays (accord.core.workdays)."""
        self.country, self.subdivision = self.country.strip().upper(), self.subdivision.strip().upper()
        problem = country_problem(self.country, self.subdivision)
        if problem is None:
            return
        field, code = problem
        messages = {
            "no_country": gettext("A subdivision needs its country."),
            "unknown_country": gettext("'%(value)s' is not a country code Accord has public holidays for; use "
                                       "an ISO 3166-1 alpha-2 code such as 'FR'.") % {"value": self.country},
            "unknown_subdivision": gettext("'%(value)s' is not a subdivision of %(country)s; the subdivisions "
                                           "are: %(known)s.") % {
                "value": self.subdivision, "country": self.country,
                "known": ", ".join(countries().get(self.country, ())) or gettext("none")},
        }
        raise ValidationError({field: messages[code]})


class Membership(TenantModel):
    """A user's one role in one organisation; `external` marks a virtual CISO/DPO."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=20, choices=Role.choices)
    external = models.BooleanField(default=False)
    board_representative = models.BooleanField(
        default=False,
        help_text="Signs for the CEO/board where the governance profile asks for it (admin or viewer only).",
    )
    created_at = models.DateTimeField(default=now)

    objects = TenantManager()

    class Meta(TenantModel.Meta):
        ordering = ("organization", "user__email")
        constraints = [
            models.UniqueConstraint(fields=["organization", "user"], name="membership_one_per_user_and_org"),
            models.CheckConstraint(
                condition=models.Q(board_representative=False) | models.Q(role__in=["admin", "viewer"]),
                name="membership_board_rep_is_admin_or_viewer",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user.email} ({self.get_role_display()})"


class Invitation(TenantModel):
    """An e-mailed offer of one role in one organisation to an address that may have no account yet.

    Only the SHA-256 of the token is stored; the token itself exists only in the e-mailed link. It
    is used once (`accepted_at`), can be withdrawn (`revoked_at`) and stops working at `expires_at`;
    re-sending replaces the token and the expiry.
    """

    email = models.EmailField()
    role = models.CharField(max_length=20, choices=Role.choices)
    external = models.BooleanField(default=False)
    board_representative = models.BooleanField(default=False)
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=now)
    sent_at = models.DateTimeField(default=now)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = TenantManager()

    class Meta(TenantModel.Meta):
        ordering = ("organization", "-created_at")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "email"],
                condition=models.Q(accepted_at__isnull=True, revoked_at__isnull=True),
                name="invitation_one_open_per_address",
            ),
            models.CheckConstraint(
                condition=models.Q(board_representative=False) | models.Q(role__in=["admin", "viewer"]),
                name="invitation_board_rep_is_admin_or_viewer",
            ),
            models.CheckConstraint(
                condition=models.Q(accepted_at__isnull=True) | models.Q(revoked_at__isnull=True),
                name="invitation_not_accepted_and_revoked",
            ),
        ]

    def __str__(self) -> str:
        return f"Invitation of {self.email} as {self.get_role_display()}"

    @property
    def status(self) -> InvitationStatus:
        if self.accepted_at is not None:
            return InvitationStatus.ACCEPTED
        if self.revoked_at is not None:
            return InvitationStatus.REVOKED
        if self.expires_at <= now():
            return InvitationStatus.EXPIRED
        return InvitationStatus.PENDING

    @property
    def is_open(self) -> bool:
        """Neither accepted nor revoked: it can still be re-sent or revoked (even when expired)."""
        return self.accepted_at is None and self.revoked_at is None

    def closed_message(self) -> str:
        """Why the invitation's link no longer works, as the invitee reads it ("" while it is pending)."""
        org = self.organization.name
        status = self.status
        if status == InvitationStatus.EXPIRED:
            expired = localtime(self.expires_at, ZoneInfo(self.organization.timezone))
            return gettext("This invitation to %(org)s expired on %(date)s. Ask an administrator of %(org)s to "
                           "send it again.") % {"org": org, "date": date_format(expired, "SHORT_DATE_FORMAT")}
        if status == InvitationStatus.REVOKED:
            return gettext("This invitation to %(org)s was withdrawn by an administrator of %(org)s.") % {"org": org}
        if status == InvitationStatus.ACCEPTED:
            return gettext("This invitation to %(org)s has already been used. Sign in to open %(org)s.") % {"org": org}
        return ""


class IdentityProvider(TenantModel):
    """The organisation's identity provider, OpenID Connect (decision 0033) or SAML 2.0 (decision 0037), which
    allauth's `openid_connect` or `saml` provider reaches under the id `provider_id` (the organisation's slug).
    The OIDC fields (issuer, client) are empty for a SAML provider and the `saml_` fields for an OIDC one.

    The client secret is stored sealed (`accord.core.secrets`, a key derived from SECRET_KEY) and no front
    shows it back. Someone the provider signs in joins the organisation (and no other) with `join_role`, a
    low role or none, only for a verified address in `allowed_domains`.
    """

    organization = models.OneToOneField(Organization, on_delete=models.CASCADE, related_name="identity_provider")
    issuer = models.URLField(max_length=500)
    client_id = models.CharField(max_length=255)
    client_secret_sealed = models.TextField()
    allowed_domains = models.JSONField(default=list, blank=True)
    join_role = models.CharField(max_length=20, blank=True, default="")
    kind = models.CharField(max_length=10, choices=IdpKind.choices, default=IdpKind.OIDC)
    saml_entity_id = models.CharField(max_length=500, blank=True, default="")
    saml_sso_url = models.URLField(max_length=500, blank=True, default="")
    # The IdP's signing certificate, base64 DER without PEM armour (public: shown back to the admin).
    saml_x509_cert = models.TextField(blank=True, default="")
    saml_email_attribute = models.CharField(max_length=255, blank=True, default="")
    saml_name_attribute = models.CharField(max_length=255, blank=True, default="")
    # Single logout (decision 0063): where Accord sends a LogoutRequest when a member signs out, and whence the
    # IdP's own LogoutRequests come; empty: signing out of Accord ends only Accord's session.
    saml_slo_url = models.URLField(max_length=500, blank=True, default="")
    # Where the IdP publishes its metadata, when the admin gave that instead of the fields (read again on
    # request, e.g. after the IdP rotated its certificate).
    saml_idp_metadata_url = models.URLField(max_length=500, blank=True, default="")
    # Accord signs its AuthnRequests and logout messages, and requires the IdP to encrypt its assertions to it,
    # under the service provider key below (made for this provider when either is first asked for).
    saml_sign_requests = models.BooleanField(default=False)
    saml_encrypted_assertions = models.BooleanField(default=False)
    # The service provider's certificate (base64 DER, public: in Accord's SP metadata) and its private key
    # (PEM, sealed like the OIDC client secret; no front shows it).
    saml_sp_cert = models.TextField(blank=True, default="")
    saml_sp_key_sealed = models.TextField(blank=True, default="")
    created_at = models.DateTimeField(default=now)
    updated_at = models.DateTimeField(default=now)

    objects = TenantManager()

    class Meta(TenantModel.Meta):
        ordering = ("organization",)
        constraints = [
            models.CheckConstraint(condition=models.Q(join_role__in=["", "viewer", "contributor"]),
                                   name="identityprovider_join_role_low"),
            models.CheckConstraint(condition=models.Q(kind__in=["oidc", "saml"]), name="identityprovider_kind_valid"),
        ]

    def __str__(self) -> str:
        return f"Identity provider {self.saml_entity_id if self.kind == IdpKind.SAML else self.issuer}"

    @property
    def saml_sp_cert_pem(self) -> str:
        """Accord's service-provider certificate in PEM, as an IdP's console takes it ('' when none was made)."""
        body = self.saml_sp_cert
        if not body:
            return ""
        lines = "\n".join(body[i:i + 64] for i in range(0, len(body), 64))
        return f"-----BEGIN CERTIFICATE-----\n{lines}\n-----END CERTIFICATE-----"

    @property
    def provider_id(self) -> str:
        return self.organization.slug


class GovernanceProfile(TenantModel):
    """Who the CISO reports to and how CISO and DPO are staffed; decides who co-signs."""

    organization = models.OneToOneField(Organization, on_delete=models.CASCADE, related_name="governance")
    ciso_reports_to = models.CharField(max_length=10, choices=CisoReportsTo.choices, default=CisoReportsTo.CIO)
    ciso_model = models.CharField(max_length=10, choices=CisoModel.choices, default=CisoModel.INTERNAL)
    dpo_model = models.CharField(max_length=10, choices=DpoModel.choices, default=DpoModel.INTERNAL)
    # The DPO is consulted on the risk appetite: sees the draft and records an opinion the signatories see
    # (not a signature; it blocks nothing).
    dpo_consulted_on_appetite = models.BooleanField(
        default=True, help_text="The DPO is consulted on each draft risk appetite (an opinion, not a signature)")
    dpo_signs_privacy_acceptances = models.BooleanField(
        default=True, help_text="The DPO is a required signatory of every acceptance of a risk in a privacy category")
    updated_at = models.DateTimeField(default=now)

    objects = TenantManager()

    class Meta(TenantModel.Meta):
        ordering = ("organization",)

    def __str__(self) -> str:
        return f"Governance of {self.organization_id}"


class ApiToken(TenantModel):
    """A bearer token for one user in one organisation; only its SHA-256 is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=16, help_text="The first characters, to recognise a token in lists.")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    scope = models.CharField(max_length=10, choices=TokenScope.choices, default=TokenScope.READ_WRITE,
                             help_text="Read only (GET, HEAD, OPTIONS), or read and write with the owner's role.")
    expires_at = models.DateTimeField(null=True, blank=True, help_text="Refused from then on; empty: never expires.")

    objects = TenantManager()

    class Meta(TenantModel.Meta):
        ordering = ("organization", "-created_at")
        constraints = [
            models.CheckConstraint(condition=models.Q(scope__in=["read", "read_write"]), name="apitoken_scope_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def state(self) -> TokenState:
        if self.revoked_at is not None:
            return TokenState.REVOKED
        if is_expired(self.expires_at, now()):
            return TokenState.EXPIRED
        return TokenState.ACTIVE

    @property
    def is_active(self) -> bool:
        return self.state == TokenState.ACTIVE


class AuditChain(TenantModel):
    """The head of one organisation's audit chain; its row is the lock that serialises appends."""

    organization = models.OneToOneField(Organization, on_delete=models.PROTECT, related_name="audit_chain")
    last_seq = models.PositiveBigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="")
    # The key the newest event was signed with ("" = the unkeyed scheme of chains begun before keys).
    last_key_id = models.CharField(max_length=16, blank=True, default="")

    objects = TenantManager()

    class Meta(TenantModel.Meta):
        ordering = ("organization",)

    def __str__(self) -> str:
        return f"Audit chain of {self.organization_id} at {self.last_seq}"


class AuditEvent(TenantModel):
    """One append-only, hash-chained record of a write to tenant data.

    `actor_id` is a plain number, not a foreign key, so that nothing done to users can change an
    audit row. `hash` = HMAC-SHA-256, with the audit key named by `key_id`, over the canonical JSON
    of the event's fields and `prev_hash`; events written before audit keys existed have an empty
    `key_id` and a plain SHA-256 `hash` (docs/audit.md).
    """

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    seq = models.PositiveBigIntegerField()
    at = models.DateTimeField()
    actor_id = models.BigIntegerField(null=True, blank=True)
    actor_label = models.CharField(max_length=254)
    action = models.CharField(max_length=30)
    object_type = models.CharField(max_length=60)
    object_id = models.CharField(max_length=64)
    object_repr = models.CharField(max_length=200)
    changes = models.JSONField(default=dict)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)
    key_id = models.CharField(max_length=16, blank=True, default="")

    objects = TenantManager()

    class Meta(TenantModel.Meta):
        ordering = ("organization", "-seq")
        constraints = [
            models.UniqueConstraint(fields=["organization", "seq"], name="auditevent_seq_unique_per_org"),
        ]
        indexes = [
            models.Index(fields=["organization", "object_type", "object_id"], name="auditevent_object_idx"),
            models.Index(fields=["organization", "at"], name="auditevent_at_idx"),
            models.Index(fields=["organization", "actor_id"], name="auditevent_actor_idx"),
        ]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.object_type}:{self.object_id}"

    @property
    def action_label(self) -> str:
        """The action as a person reads it ('Created'), or its code if an app defined its own."""
        return str(AuditAction(self.action).label) if self.action in AuditAction.values else self.action


# The kit packages keep their models beside their code; importing them here registers them with Django.
from accord.core.jobs.models import Job  # noqa: E402
from accord.core.notifications.models import Notification, NotificationPreference  # noqa: E402

__all__ = ["ApiToken", "AuditChain", "AuditEvent", "GovernanceProfile", "Invitation", "Job", "Membership",
           "Notification", "NotificationPreference", "Organization", "User"]
