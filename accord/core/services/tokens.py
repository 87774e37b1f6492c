"""Writes of API tokens: creating (the plaintext is shown once), revoking, and noting their use."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accord.core import audit
from accord.core.choices import AuditAction
from accord.core.models import ApiToken, Membership, Organization, User
from accord.core.tenancy import check_same_org
from accord.core.tokens import hash_token, new_token


@transaction.atomic
def do_create_token(actor: User | None, org: Organization, user: User, *, name: str = "") -> tuple[ApiToken, str]:
    """Create a token for `user` in `org`; the plaintext is returned once and never stored."""
    if not Membership.objects.for_org(org).filter(user=user).exists():
        raise ValidationError({"user": f"{user.email} is not a member of {org.name}."})
    name = (name or "API token").strip()[:100]
    plaintext = new_token()
    token = ApiToken.objects.for_org(org).create(
        organization=org, user=user, name=name, prefix=plaintext[:10], token_hash=hash_token(plaintext)
    )
    audit.record(org, actor, AuditAction.CREATE, token, object_repr=f"token {token.prefix}… of {user.email}",
                 changes={"user": [None, user.pk], "name": [None, name]})
    return token, plaintext


@transaction.atomic
def do_revoke_token(actor: User | None, org: Organization, token: ApiToken) -> ApiToken:
    """Revoke a token; a revoked token stays listed for the record."""
    check_same_org(org, token=token)
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
