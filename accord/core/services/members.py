"""Writes of people: sign-ins (users are global) and their memberships of an organisation."""

from __future__ import annotations

from allauth.account.models import EmailAddress
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction

from accord.core import audit
from accord.core.choices import AuditAction, Role, unknown_role_message
from accord.core.models import ApiToken, Membership, Organization, User
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
    if m.role not in Role.values:
        raise ValidationError({"role": unknown_role_message(m.role)})
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
    check_same_org(org, membership=membership)
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
    check_same_org(org, membership=membership)
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


