"""Writes of invitations: inviting an e-mail address, sending the link again, revoking, accepting."""

from __future__ import annotations

import datetime as dt
import secrets
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accord.core import audit
from accord.core.choices import AuditAction, Role, unknown_role_message
from accord.core.conflict import Conflict
from accord.core.i18n import recipient_language
from accord.core.models import Invitation, Membership, Organization, User
from accord.core.notifications.kinds import INVITATION_ACCEPTED
from accord.core.notifications.services import notify
from accord.core.permissions import allows
from accord.core.services._common import full_clean as _full_clean
from accord.core.services.members import do_add_member, do_create_user
from accord.core.tenancy import check_same_org
from accord.core.tokens import hash_token

INVITATION_FIELDS = ("email", "role", "external", "board_representative", "expires_at")
INVITATION_VALIDITY = dt.timedelta(days=7)

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
    # In the invitee's language: theirs if they have an account, else the organisation's default.
    invitee = User.objects.filter(email__iexact=inv.email).only("language").first()
    with translation.override(recipient_language(invitee, org)):
        context = {
            "organization": org.name,
            "inviter": inv.invited_by.display_name if inv.invited_by else "",
            "role": inv.get_role_display(),
            "link": invitation_link(site_url, token),
            "expires": f"{date_format(expires, 'SHORT_DATETIME_FORMAT')} ({org.timezone})",
            "days": INVITATION_VALIDITY.days,
        }
        subject = " ".join(render_to_string("core/email/invitation_subject.txt", context).split())
        body = render_to_string("core/email/invitation_message.txt", context)
    email = inv.email

    def send() -> None:
        try:
            send_mail(subject, body, None, [email])
        except OSError as exc:  # smtplib's errors are OSErrors too
            message = (_("The invitation of %(email)s is saved, but its e-mail could not be sent (%(error)s). The "
                         "earlier link no longer works. Send it again once mail works.") if renewed else
                       _("The invitation of %(email)s is saved, but its e-mail could not be sent (%(error)s). Send "
                         "it again once mail works."))
            raise InvitationNotSent(message % {"email": email, "error": exc}) from exc

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
        raise ValidationError({"email": _("'%(email)s' is not an e-mail address.") % {"email": email}}) from None
    if role not in Role.values:
        raise ValidationError({"role": unknown_role_message(role)})
    if _already_member(org, email):
        raise Conflict({"email": _("%(email)s is already a member of %(org)s.") % {"email": email, "org": org.name}})
    already = Conflict({"email": _("%(email)s already has an open invitation to %(org)s; send it again or "
                                  "revoke it instead.") % {"email": email, "org": org.name}})
    if Invitation.objects.for_org(org).filter(email=email, accepted_at__isnull=True, revoked_at__isnull=True).exists():
        raise already
    token, token_hash = _new_invitation_token()
    now = timezone.now()
    inv = Invitation(organization=org, email=email, role=role, external=external,
                     board_representative=board_representative, token_hash=token_hash, invited_by=actor,
                     created_at=now, sent_at=now, expires_at=now + INVITATION_VALIDITY)
    _full_clean(inv, exclude=["organization", "invited_by", "accepted_by"])
    if inv.board_representative and inv.role not in (Role.ADMIN, Role.VIEWER):
        raise ValidationError({"board_representative": _("Only an admin or a viewer (board) member can represent "
                                                          "the CEO/board.")})
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
    check_same_org(org, invitation=invitation)
    inv = Invitation.objects.for_org(org).select_for_update().get(pk=invitation.pk)
    inv.organization = org
    if not inv.is_open:
        raise Conflict({"invitation": _("The invitation of %(email)s was %(status)s; it cannot be sent again.")
                        % {"email": inv.email, "status": inv.status.label.lower()}})
    if _already_member(org, inv.email):
        raise Conflict({"invitation": _("%(email)s is already a member of %(org)s; revoke the invitation instead.")
                        % {"email": inv.email, "org": org.name}})
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
    check_same_org(org, invitation=invitation)
    inv = Invitation.objects.for_org(org).select_for_update().get(pk=invitation.pk)
    if inv.accepted_at is not None:
        raise Conflict({"invitation": _("%(email)s has already accepted this invitation; remove the member instead.")
                        % {"email": inv.email}})
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
        raise ValidationError(_("%(name)s no longer manages the members of %(org)s, so this invitation no longer "
                                "holds. Ask an admin of %(org)s to invite you again.")
                              % {"name": inv.invited_by.display_name, "org": org.name})
    if user is None:
        errors = {}
        if not full_name.strip():
            errors["full_name"] = _("Enter your name.")
        if not password:
            errors["password"] = _("Choose a password.")
        if errors:
            raise ValidationError(errors)
        if User.objects.filter(email__iexact=inv.email).exists():
            raise ValidationError(_("An account with the address %(email)s already exists: sign in with it to "
                                    "accept the invitation.") % {"email": inv.email})
        user = do_create_user(inv.email, password=password, full_name=full_name)
    elif user.email.lower() != inv.email:
        raise ValidationError(_("This invitation is for %(email)s, and you are signed in as %(user)s. "
                                "Sign out, then open the link again.") % {"email": inv.email, "user": user.email})
    membership = do_add_member(user, org, user, inv.role, external=inv.external,
                               board_representative=inv.board_representative)
    inv.accepted_at = timezone.now()
    inv.accepted_by = user
    inv.save(update_fields=["accepted_at", "accepted_by"])
    audit.record(org, user, AuditAction.ACCEPT, inv, object_repr=_invitation_repr(inv),
                 changes={"accepted_at": [None, audit.to_audit_value(inv.accepted_at)],
                          "membership": [None, membership.pk]})
    notify(org, INVITATION_ACCEPTED, inv, actor=user)
    return membership


def _manages_members(org: Organization, user: User) -> bool:
    """True if `user` still holds a role in `org` that may manage its members (invitations they sent
    lapse with that right: someone about to lose it cannot keep a way back in)."""
    membership = Membership.objects.for_org(org).filter(user=user).first()
    return membership is not None and allows(membership.role, "member.manage")

