"""Writes of API tokens: creating (the plaintext is shown once), revoking, and noting their use."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accord.core import audit
from accord.core.choices import AuditAction, TokenScope
from accord.core.models import ApiToken, Membership, Organization, User
from accord.core.tenancy import check_same_org
from accord.core.tokens import MAX_TOKEN_DAYS, hash_token, new_token


def _expiry(now: dt.datetime, expires_at: dt.datetime | None, expires_in_days: int | None,
            made_by: ApiToken | None) -> dt.datetime | None:
    """The new token's expiry from either option (at most MAX_TOKEN_DAYS ahead), never after `made_by`'s."""
    if expires_at is not None and expires_in_days is not None:
        raise ValidationError({"expires_at": _("Give either expires_at or expires_in_days, not both.")})
    field = "expires_in_days" if expires_in_days is not None else "expires_at"
    if expires_in_days is not None:
        if not 1 <= expires_in_days <= MAX_TOKEN_DAYS:
            raise ValidationError({"expires_in_days": _(
                "A token lives between 1 and %(most)s days; %(days)s is outside (leave it out: never expires).")
                % {"most": MAX_TOKEN_DAYS, "days": expires_in_days}})
        expires_at = now + dt.timedelta(days=expires_in_days)
    elif expires_at is not None:
        if timezone.is_naive(expires_at):
            expires_at = timezone.make_aware(expires_at, dt.UTC)
        if expires_at <= now:
            raise ValidationError({"expires_at": _("The expiry must be in the future; %(when)s UTC has passed.")
                                                 % {"when": f"{expires_at:%Y-%m-%d %H:%M}"}})
        if expires_at > now + dt.timedelta(days=MAX_TOKEN_DAYS):
            raise ValidationError({"expires_at": _("A token lives at most %(most)s days; choose a date before %(day)s.")
                                                 % {"most": MAX_TOKEN_DAYS,
                                                    "day": f"{now + dt.timedelta(days=MAX_TOKEN_DAYS):%Y-%m-%d}"}})
    if made_by is not None and made_by.expires_at is not None:
        if expires_at is None:
            return made_by.expires_at
        if expires_at > made_by.expires_at:
            raise ValidationError({field: _("A token made with a token cannot outlive it: this one expires on "
                                            "%(when)s UTC.") % {"when": f"{made_by.expires_at:%Y-%m-%d %H:%M}"}})
    return expires_at


@transaction.atomic
def do_create_token(
    actor: User | None, org: Organization, user: User, *, name: str = "", scope: str = TokenScope.READ_WRITE,
    expires_at: dt.datetime | None = None, expires_in_days: int | None = None, made_by: ApiToken | None = None,
) -> tuple[ApiToken, str]:
    """Create a token for `user` in `org`; the plaintext is returned once and never stored.

    `scope` is "read" (GET, HEAD, OPTIONS only) or "read_write". The expiry is optional, as a date
    (`expires_at`) or a number of days from now (`expires_in_days`), at most MAX_TOKEN_DAYS ahead. A token
    made through the API (`made_by`, the caller's token) never outlives the token that made it, and is refused
    in an organisation that requires a second factor (a token proves none).
    """
    check_same_org(org, made_by=made_by)
    if made_by is not None and org.two_factor_required:
        # A bearer token proves no second factor: new tokens come from a session that proved one (decision 0009).
        raise PermissionDenied(_("%(org)s requires two-factor authentication: make new tokens on the API tokens "
                                 "page, signed in with your second factor, not with a token.") % {"org": org.name})
    if not Membership.objects.for_org(org).filter(user=user).exists():
        raise ValidationError({"user": _("%(email)s is not a member of %(org)s.")
                                       % {"email": user.email, "org": org.name}})
    if scope not in TokenScope.values:
        raise ValidationError({"scope": _("'%(scope)s' is not a token scope; choose one of: %(scopes)s.")
                                        % {"scope": scope, "scopes": ", ".join(TokenScope.values)}})
    expires = _expiry(timezone.now(), expires_at, expires_in_days, made_by)
    name = (name or "API token").strip()[:100]
    plaintext = new_token()
    token = ApiToken.objects.for_org(org).create(
        organization=org, user=user, name=name, prefix=plaintext[:10], token_hash=hash_token(plaintext),
        scope=scope, expires_at=expires,
    )
    audit.record(org, actor, AuditAction.CREATE, token, object_repr=f"token {token.prefix}… of {user.email}",
                 changes={"user": [None, user.pk], "name": [None, name], "scope": [None, scope],
                          "expires_at": [None, audit.to_audit_value(expires)]})
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
