"""Writes of people: sign-ins (users are global) and their memberships of an organisation."""

from __future__ import annotations

from allauth.account.models import EmailAddress
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from accord.core import audit, handover
from accord.core.choices import AuditAction, Role, unknown_role_message
from accord.core.conflict import Conflict
from accord.core.i18n import SUPPORTED, unknown_language_message
from accord.core.models import ApiToken, Membership, Organization, User
from accord.core.notifications.services import forget_member, forget_unseeable
from accord.core.services._common import full_clean as _full_clean
from accord.core.services.tokens import do_revoke_token
from accord.core.tenancy import check_same_org

MEMBERSHIP_FIELDS = ("user", "role", "external", "board_representative")

def do_create_user(email: str, *, password: str | None = None, full_name: str = "") -> User:
    """Create a sign-in; users are global, their rights come from memberships."""
    email = email.strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError({"email": _("'%(email)s' is not an e-mail address.") % {"email": email}}) from None
    if User.objects.filter(email=email).exists():
        raise Conflict({"email": _("A user with the e-mail address %(email)s already exists.") % {"email": email}})
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


def do_set_user_language(user: User, *, language: str) -> User:
    """The person's own choice of language ("": none, their organisation's default applies). A preference
    of the person, as their name is, not tenant data: no audit event (decision 0034)."""
    if language not in ("", *SUPPORTED):
        raise ValidationError({"language": unknown_language_message(language)})
    if user.language != language:
        user.language = language
        user.save(update_fields=["language"])
    return user


def _validate_membership(m: Membership) -> None:
    if m.role not in Role.values:
        raise ValidationError({"role": unknown_role_message(m.role)})
    _full_clean(m, exclude=["organization", "user"])
    if m.board_representative and m.role not in (Role.ADMIN, Role.VIEWER):
        raise ValidationError({"board_representative": _("Only an admin or a viewer (board) member can represent "
                                                          "the CEO/board.")})


@transaction.atomic
def do_add_member(
    actor: User | None, org: Organization, user: User, role: str, *, external: bool = False,
    board_representative: bool = False,
) -> Membership:
    """Give `user` one role in `org`."""
    if Membership.objects.for_org(org).filter(user=user).exists():
        raise Conflict({"user": _("%(email)s is already a member of %(org)s.") % {"email": user.email,
                                                                                  "org": org.name}})
    m = Membership(organization=org, user=user, role=role, external=external,
                   board_representative=board_representative)
    _validate_membership(m)
    try:
        with transaction.atomic():
            m.save()
    except IntegrityError:
        raise Conflict({"user": _("%(email)s is already a member of %(org)s.") % {"email": user.email,
                                                                                  "org": org.name}}) from None
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
    check_same_org(org, membership=membership)
    membership = Membership.objects.for_org(org).select_for_update().get(pk=membership.pk)
    before = audit.snapshot(membership, MEMBERSHIP_FIELDS)
    if role is not None:
        if membership.role == Role.ADMIN and role != Role.ADMIN and _admins_left(org, membership) == 0:
            raise Conflict({"role": _("The organisation's last admin cannot lose the admin role.")})
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
        if "role" in changes:  # what the new role may not read leaves the member's inbox
            forget_unseeable(org, membership)
    return membership


MAX_LISTED = 5  # holdings named in the question; the rest are counted


def _holdings_question(membership: Membership, held: list[handover.Held]) -> str:
    items = [item for h in held for item in h.items]
    listed = "; ".join(items[:MAX_LISTED])
    if len(items) > MAX_LISTED:
        listed += _("; and %(count)d more") % {"count": len(items) - MAX_LISTED}
    return _("%(email)s holds %(held)s (%(listed)s). Choose the member who takes them over, or clear them "
             "explicitly.") % {"email": membership.user.email, "held": ", ".join(h.summary for h in held),
                               "listed": listed}


@transaction.atomic
def do_remove_member(actor: User | None, org: Organization, membership: Membership, *,
                     reassign_to: Membership | None = None, clear: bool = False) -> int:
    """Remove a member and revoke their tokens for this organisation; the last admin stays.

    What they hold in the apps (a risk's owner or treatment owner, ...: `accord.core.handover`) goes to
    `reassign_to`, or is cleared when `clear`; one of the two is required when they hold anything, and
    each object changed gets its own audit event. Returns the number of objects handed over."""
    check_same_org(org, membership=membership, reassign_to=reassign_to)
    membership = Membership.objects.for_org(org).select_for_update().get(pk=membership.pk)
    if membership.role == Role.ADMIN and _admins_left(org, membership) == 0:
        raise Conflict({"user": _("The organisation's last admin cannot be removed.")})
    if reassign_to is not None and clear:
        raise ValidationError({"reassign_to": _("Hand their holdings to a member or clear them, not both.")})
    if reassign_to is not None and reassign_to.pk == membership.pk:
        raise ValidationError({"reassign_to": _("%(email)s is the member leaving; choose someone who stays.")
                                              % {"email": membership.user.email}})
    held = handover.holdings(org, membership)
    if held and reassign_to is None and not clear:
        raise ValidationError({"reassign_to": _holdings_question(membership, held)})
    changed = handover.hand_over(actor, org, membership, reassign_to) if held else 0
    before = audit.snapshot(membership, MEMBERSHIP_FIELDS)
    repr_ = f"{membership.user.email} as {membership.get_role_display()}"
    pk = membership.pk
    for token in ApiToken.objects.for_org(org).filter(user_id=membership.user_id, revoked_at__isnull=True):
        do_revoke_token(actor, org, token)
    forgotten = forget_member(org, membership)  # their inbox and e-mail choices leave with them
    membership.delete()
    changes = audit.diff(before, dict.fromkeys(before))
    if forgotten:
        changes["notifications_deleted"] = [None, forgotten]
    if reassign_to is not None and held:
        changes["handed_over_to"] = [None, reassign_to.pk]
    elif held:
        changes["holdings_cleared"] = [None, ", ".join(h.summary for h in held)]
    audit.record(org, actor, AuditAction.DELETE, object_type="core.membership", object_id=pk, object_repr=repr_,
                 changes=changes)
    return changed
