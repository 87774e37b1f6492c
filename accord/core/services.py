"""Writes of the core app. Each `do_<verb>_<noun>` validates, writes, appends its audit event and
returns the object, inside one transaction. Validation problems raise `ValidationError` keyed by
field, which every front turns into its own error shape.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import Any
from zoneinfo import ZoneInfo

from allauth.account.models import EmailAddress
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import IntegrityError, models, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from accord.core import audit
from accord.core.auth import has_second_factor
from accord.core.choices import AuditAction, CisoModel, CisoReportsTo, DpoModel, Role
from accord.core.models import ApiToken, GovernanceProfile, Invitation, Membership, Organization, User
from accord.core.permissions import allows
from accord.core.signals import organization_created

MEMBERSHIP_FIELDS = ("user", "role", "external", "board_representative")
GOVERNANCE_FIELDS = ("ciso_reports_to", "ciso_model", "dpo_model")
ORGANIZATION_FIELDS = ("slug", "name", "timezone", "currency")
INVITATION_FIELDS = ("email", "role", "external", "board_representative", "expires_at")
INVITATION_VALIDITY = dt.timedelta(days=7)
TOKEN_PREFIX = "acc_"  # noqa: S105 - a marker that makes leaked tokens easy to scan for, not a secret


def _full_clean(obj: Any, *, exclude: list[str] | None = None) -> None:
    obj.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)


@transaction.atomic
def do_create_organization(
    actor: User | None, *, slug: str, name: str, timezone_name: str = "UTC", currency: str = "EUR"
) -> Organization:
    """Create a tenant with its governance profile and an audit chain whose first event is its birth."""
    org = Organization(slug=slug.strip().lower(), name=name.strip(), timezone=timezone_name,
                       currency=currency.strip().upper())
    _full_clean(org)
    if Organization.objects.filter(slug=org.slug).exists():
        raise ValidationError({"slug": f"An organisation with the slug '{org.slug}' already exists."})
    org.save()
    audit.start_chain(org)
    GovernanceProfile.objects.for_org(org).create(organization=org)
    audit.record(org, actor, AuditAction.CREATE, org, changes=audit.diff({}, audit.snapshot(org, ORGANIZATION_FIELDS)))
    organization_created.send(sender=Organization, organization=org, actor=actor)
    return org


@transaction.atomic
def do_update_organization(actor: User, org: Organization, **fields: Any) -> Organization:
    """Change an organisation's name, time zone or currency."""
    allowed = {"name", "timezone", "currency"}
    unknown = set(fields) - allowed
    if unknown:
        raise ValidationError(dict.fromkeys(sorted(unknown), "This field cannot be changed."))
    before = audit.snapshot(org, ORGANIZATION_FIELDS)
    for name, value in fields.items():
        setattr(org, name, value)
    _full_clean(org)
    changes = audit.diff(before, audit.snapshot(org, ORGANIZATION_FIELDS))
    if changes:
        org.save(update_fields=list(changes))
        audit.record(org, actor, AuditAction.UPDATE, org, changes=changes)
    return org


@transaction.atomic
def do_set_two_factor_policy(actor: User | None, org: Organization, *, required: bool) -> Organization:
    """Require (or stop requiring) a second factor of every member before they work in `org`.

    An admin cannot require it while having no second factor: the policy would shut them out of
    the organisation they are changing. Operators (no actor, the CLI) can always change it, which
    is also the way back in for an organisation whose admins all lost their second factor.
    """
    if required and actor is not None and not has_second_factor(actor):
        raise ValidationError({"two_factor_required": (
            f"Set up two-factor authentication for your own account first: requiring it now would lock you "
            f"out of {org.name}."
        )})
    before = audit.snapshot(org, ("two_factor_required",))
    org.two_factor_required = required
    changes = audit.diff(before, audit.snapshot(org, ("two_factor_required",)))
    if changes:
        org.save(update_fields=["two_factor_required"])
        audit.record(org, actor, AuditAction.UPDATE, org, changes=changes)
    return org


def do_create_user(email: str, *, password: str | None = None, full_name: str = "") -> User:
    """Create a sign-in; users are global, their rights come from memberships."""
    email = email.strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError({"email": f"'{email}' is not an e-mail address."}) from None
    if User.objects.filter(email=email).exists():
        raise ValidationError({"email": f"A user with the e-mail address {email} already exists."})
    user = User(email=email, full_name=full_name.strip())
    if password is not None:
        try:
            validate_password(password, user)
        except ValidationError as exc:
            raise ValidationError({"password": exc.messages}) from None
    with transaction.atomic():
        user = User.objects.create_user(email, password, full_name=full_name.strip())
        EmailAddress.objects.create(user=user, email=email, primary=True, verified=True)
    return user


def _validate_membership(m: Membership) -> None:
    _full_clean(m, exclude=["organization", "user"])
    if m.board_representative and m.role not in (Role.ADMIN, Role.VIEWER):
        raise ValidationError({"board_representative": "Only an admin or a viewer (board) member can represent "
                                                        "the CEO/board."})


@transaction.atomic
def do_add_member(
    actor: User | None, org: Organization, user: User, role: str, *, external: bool = False,
    board_representative: bool = False,
) -> Membership:
    """Give `user` one role in `org`."""
    if Membership.objects.for_org(org).filter(user=user).exists():
        raise ValidationError({"user": f"{user.email} is already a member of {org.name}."})
    m = Membership(organization=org, user=user, role=role, external=external,
                   board_representative=board_representative)
    _validate_membership(m)
    try:
        with transaction.atomic():
            m.save()
    except IntegrityError:
        raise ValidationError({"user": f"{user.email} is already a member of {org.name}."}) from None
    audit.record(org, actor, AuditAction.CREATE, m, changes=audit.diff({}, audit.snapshot(m, MEMBERSHIP_FIELDS)),
                 object_repr=f"{user.email} as {m.get_role_display()}")
    return m


def _admins_left(org: Organization, excluding: Membership) -> int:
    return Membership.objects.for_org(org).filter(role=Role.ADMIN).exclude(pk=excluding.pk).count()


@transaction.atomic
def do_change_member(
    actor: User, org: Organization, membership: Membership, *, role: str | None = None,
    external: bool | None = None, board_representative: bool | None = None,
) -> Membership:
    """Change a member's role or flags; an organisation always keeps at least one admin."""
    membership = Membership.objects.for_org(org).select_for_update().get(pk=membership.pk)
    before = audit.snapshot(membership, MEMBERSHIP_FIELDS)
    if role is not None:
        if membership.role == Role.ADMIN and role != Role.ADMIN and _admins_left(org, membership) == 0:
            raise ValidationError({"role": "The organisation's last admin cannot lose the admin role."})
        membership.role = role
    if external is not None:
        membership.external = external
    if board_representative is not None:
        membership.board_representative = board_representative
    _validate_membership(membership)
    changes = audit.diff(before, audit.snapshot(membership, MEMBERSHIP_FIELDS))
    if changes:
        membership.save(update_fields=list(changes))
        audit.record(org, actor, AuditAction.UPDATE, membership, changes=changes,
                     object_repr=f"{membership.user.email} as {membership.get_role_display()}")
    return membership


@transaction.atomic
def do_remove_member(actor: User, org: Organization, membership: Membership) -> None:
    """Remove a member and revoke their tokens for this organisation; the last admin stays."""
    membership = Membership.objects.for_org(org).select_for_update().get(pk=membership.pk)
    if membership.role == Role.ADMIN and _admins_left(org, membership) == 0:
        raise ValidationError({"user": "The organisation's last admin cannot be removed."})
    before = audit.snapshot(membership, MEMBERSHIP_FIELDS)
    repr_ = f"{membership.user.email} as {membership.get_role_display()}"
    pk = membership.pk
    for token in ApiToken.objects.for_org(org).filter(user_id=membership.user_id, revoked_at__isnull=True):
        do_revoke_token(actor, org, token)
    membership.delete()
    audit.record(org, actor, AuditAction.DELETE, object_type="core.membership", object_id=pk, object_repr=repr_,
                 changes=audit.diff(before, dict.fromkeys(before)))


@transaction.atomic
def do_update_governance(actor: User | None, org: Organization, **fields: Any) -> GovernanceProfile:
    """Set who the CISO reports to and how the CISO and DPO functions are staffed."""
    unknown = set(fields) - set(GOVERNANCE_FIELDS)
    if unknown:
        raise ValidationError(dict.fromkeys(sorted(unknown), "Unknown governance field."))
    profile = GovernanceProfile.objects.for_org(org).select_for_update().get()
    before = audit.snapshot(profile, GOVERNANCE_FIELDS)
    choices: dict[str, type[models.TextChoices]] = {
        "ciso_reports_to": CisoReportsTo, "ciso_model": CisoModel, "dpo_model": DpoModel,
    }
    errors: dict[str, str] = {}
    for name, value in fields.items():
        allowed = [c.value for c in choices[name]]
        if value not in allowed:
            errors[name] = f"'{value}' is not one of: {', '.join(allowed)}."
        else:
            setattr(profile, name, value)
    if errors:
        raise ValidationError(errors)
    if profile.ciso_model == CisoModel.HYBRID and profile.ciso_reports_to == CisoReportsTo.CIO:
        raise ValidationError({"ciso_reports_to": "A hybrid CIO-CISO cannot report to the CIO: "
                                                  "choose the CEO or the board."})
    changes = audit.diff(before, audit.snapshot(profile, GOVERNANCE_FIELDS))
    if changes:
        profile.updated_at = timezone.now()
        profile.save(update_fields=[*changes, "updated_at"])
        audit.record(org, actor, AuditAction.UPDATE, profile, changes=changes, object_repr="Governance profile")
    return profile


class InvitationNotSent(Exception):
    """The invitation is saved and audited, but the mail server refused its e-mail or could not be reached."""


def _invitation_repr(inv: Invitation) -> str:
    return f"invitation of {inv.email} as {inv.get_role_display()}"


def invitation_link(site_url: str, token: str) -> str:
    """The acceptance page of the invitation whose token is `token`, under `site_url`."""
    return site_url.rstrip("/") + reverse("invitation_accept", kwargs={"token": token})


def _mail_invitation(inv: Invitation, token: str, site_url: str, *, renewed: bool = False) -> None:
    """E-mail the link once the transaction commits, so that a rolled-back invitation sends nothing.
    `renewed`: the link replaces an earlier one, which no longer works."""
    org = inv.organization
    expires = timezone.localtime(inv.expires_at, ZoneInfo(org.timezone))
    context = {
        "organization": org.name,
        "inviter": inv.invited_by.display_name if inv.invited_by else "",
        "role": inv.get_role_display(),
        "link": invitation_link(site_url, token),
        "expires": f"{expires:%Y-%m-%d %H:%M} ({org.timezone})",
        "days": INVITATION_VALIDITY.days,
    }
    subject = " ".join(render_to_string("core/email/invitation_subject.txt", context).split())
    body = render_to_string("core/email/invitation_message.txt", context)
    email = inv.email

    def send() -> None:
        try:
            send_mail(subject, body, None, [email])
        except OSError as exc:  # smtplib's errors are OSErrors too
            earlier = " The earlier link no longer works." if renewed else ""
            raise InvitationNotSent(
                f"The invitation of {email} is saved, but its e-mail could not be sent ({exc}).{earlier} "
                "Send it again once mail works."
            ) from exc

    transaction.on_commit(send)


def _new_invitation_token() -> tuple[str, str]:
    """A 256-bit random token for the link, and the hash that is stored."""
    token = secrets.token_urlsafe(32)
    return token, hash_token(token)


def _already_member(org: Organization, email: str) -> bool:
    return Membership.objects.for_org(org).filter(user__email__iexact=email).exists()


@transaction.atomic
def do_invite_member(
    actor: User | None, org: Organization, email: str, role: str, *, external: bool = False,
    board_representative: bool = False, site_url: str,
) -> Invitation:
    """Invite an e-mail address to `org` with one role; the e-mailed link (valid for 7 days, used once)
    lets the person create their account, or sign in to the one they have, and join."""
    email = email.strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError({"email": f"'{email}' is not an e-mail address."}) from None
    if _already_member(org, email):
        raise ValidationError({"email": f"{email} is already a member of {org.name}."})
    already = ValidationError({"email": f"{email} already has an open invitation to {org.name}; send it again or "
                                        "revoke it instead."})
    if Invitation.objects.for_org(org).filter(email=email, accepted_at__isnull=True, revoked_at__isnull=True).exists():
        raise already
    token, token_hash = _new_invitation_token()
    now = timezone.now()
    inv = Invitation(organization=org, email=email, role=role, external=external,
                     board_representative=board_representative, token_hash=token_hash, invited_by=actor,
                     created_at=now, sent_at=now, expires_at=now + INVITATION_VALIDITY)
    _full_clean(inv, exclude=["organization", "invited_by", "accepted_by"])
    if inv.board_representative and inv.role not in (Role.ADMIN, Role.VIEWER):
        raise ValidationError({"board_representative": "Only an admin or a viewer (board) member can represent "
                                                        "the CEO/board."})
    try:
        with transaction.atomic():
            inv.save(force_insert=True)
    except IntegrityError:
        raise already from None
    audit.record(org, actor, AuditAction.INVITE, inv, object_repr=_invitation_repr(inv),
                 changes=audit.diff({}, audit.snapshot(inv, INVITATION_FIELDS)))
    _mail_invitation(inv, token, site_url)
    return inv


@transaction.atomic
def do_resend_invitation(actor: User | None, org: Organization, invitation: Invitation, *, site_url: str) -> Invitation:
    """E-mail an open invitation again with a new link, valid for 7 more days; the old link stops working."""
    inv = Invitation.objects.for_org(org).select_for_update().get(pk=invitation.pk)
    inv.organization = org
    if not inv.is_open:
        raise ValidationError({"invitation": f"The invitation of {inv.email} was {inv.status.label.lower()}; "
                                             "it cannot be sent again."})
    if _already_member(org, inv.email):
        raise ValidationError({"invitation": f"{inv.email} is already a member of {org.name}; revoke the "
                                             "invitation instead."})
    before = audit.snapshot(inv, ("expires_at",))
    token, inv.token_hash = _new_invitation_token()
    inv.sent_at = timezone.now()
    inv.expires_at = inv.sent_at + INVITATION_VALIDITY
    inv.save(update_fields=["token_hash", "sent_at", "expires_at"])
    audit.record(org, actor, AuditAction.RESEND, inv, object_repr=_invitation_repr(inv),
                 changes=audit.diff(before, audit.snapshot(inv, ("expires_at",))))
    _mail_invitation(inv, token, site_url, renewed=True)
    return inv


@transaction.atomic
def do_revoke_invitation(actor: User | None, org: Organization, invitation: Invitation) -> Invitation:
    """Withdraw an invitation so that its link stops working; a revoked invitation stays listed for the record."""
    inv = Invitation.objects.for_org(org).select_for_update().get(pk=invitation.pk)
    if inv.accepted_at is not None:
        raise ValidationError({"invitation": f"{inv.email} has already accepted this invitation; remove the member "
                                             "instead."})
    if inv.revoked_at is None:
        inv.revoked_at = timezone.now()
        inv.save(update_fields=["revoked_at"])
        audit.record(org, actor, AuditAction.REVOKE, inv, object_repr=_invitation_repr(inv),
                     changes={"revoked_at": [None, audit.to_audit_value(inv.revoked_at)]})
    return inv


@transaction.atomic
def do_accept_invitation(
    invitation: Invitation, *, user: User | None = None, full_name: str = "", password: str | None = None,
) -> Membership:
    """Turn a pending invitation into a membership, acting as the invitee.

    A signed-in `user` must own the invited address. Without one, the invitee's account is created
    with the invited address, marked verified (the e-mailed link proved it); if an account with that
    address already exists, its owner signs in first. Records the new membership and the acceptance.
    """
    org = invitation.organization
    inv = Invitation.objects.for_org(org).select_for_update().get(pk=invitation.pk)
    inv.organization = org
    if closed := inv.closed_message():
        raise ValidationError(closed)
    if inv.invited_by is not None and not _manages_members(org, inv.invited_by):
        raise ValidationError(f"{inv.invited_by.display_name} no longer manages the members of {org.name}, so "
                              f"this invitation no longer holds. Ask an admin of {org.name} to invite you again.")
    if user is None:
        errors = {}
        if not full_name.strip():
            errors["full_name"] = "Enter your name."
        if not password:
            errors["password"] = "Choose a password."  # noqa: S105 - an error message, not a secret
        if errors:
            raise ValidationError(errors)
        if User.objects.filter(email__iexact=inv.email).exists():
            raise ValidationError(f"An account with the address {inv.email} already exists: sign in with it to "
                                  "accept the invitation.")
        user = do_create_user(inv.email, password=password, full_name=full_name)
    elif user.email.lower() != inv.email:
        raise ValidationError(f"This invitation is for {inv.email}, and you are signed in as {user.email}. "
                              "Sign out, then open the link again.")
    membership = do_add_member(user, org, user, inv.role, external=inv.external,
                               board_representative=inv.board_representative)
    inv.accepted_at = timezone.now()
    inv.accepted_by = user
    inv.save(update_fields=["accepted_at", "accepted_by"])
    audit.record(org, user, AuditAction.ACCEPT, inv, object_repr=_invitation_repr(inv),
                 changes={"accepted_at": [None, audit.to_audit_value(inv.accepted_at)],
                          "membership": [None, membership.pk]})
    return membership


def _manages_members(org: Organization, user: User) -> bool:
    """True if `user` still holds a role in `org` that may manage its members (invitations they sent
    lapse with that right: someone about to lose it cannot keep a way back in)."""
    membership = Membership.objects.for_org(org).filter(user=user).first()
    return membership is not None and allows(membership.role, "member.manage")


def hash_token(plaintext: str) -> str:
    """Tokens carry 256 bits of randomness, so a plain SHA-256 is a safe, fast lookup key."""
    return hashlib.sha256(plaintext.encode()).hexdigest()


@transaction.atomic
def do_create_token(actor: User | None, org: Organization, user: User, *, name: str = "") -> tuple[ApiToken, str]:
    """Create a token for `user` in `org`; the plaintext is returned once and never stored."""
    if not Membership.objects.for_org(org).filter(user=user).exists():
        raise ValidationError({"user": f"{user.email} is not a member of {org.name}."})
    name = (name or "API token").strip()[:100]
    plaintext = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.for_org(org).create(
        organization=org, user=user, name=name, prefix=plaintext[:10], token_hash=hash_token(plaintext)
    )
    audit.record(org, actor, AuditAction.CREATE, token, object_repr=f"token {token.prefix}… of {user.email}",
                 changes={"user": [None, user.pk], "name": [None, name]})
    return token, plaintext


@transaction.atomic
def do_revoke_token(actor: User | None, org: Organization, token: ApiToken) -> ApiToken:
    """Revoke a token; a revoked token stays listed for the record."""
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit.record(org, actor, AuditAction.REVOKE, token, object_repr=f"token {token.prefix}… of {token.user.email}",
                     changes={"revoked_at": [None, audit.to_audit_value(token.revoked_at)]})
    return token


def touch_token(token: ApiToken) -> None:
    """Record when a token was last used, at most once a minute (not an audited change)."""
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.for_org(token.organization).filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
