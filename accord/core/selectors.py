"""Reads of the core app, always scoped to one organisation (and to the user where it matters).

`access_*` helpers answer `Http404` alike for "does not exist" and "not yours".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from allauth.mfa.models import Authenticator
from django.db import models
from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from accord.core import handover, history
from accord.core.audit import object_type_of
from accord.core.auth import SECOND_FACTORS, second_factor_exists
from accord.core.choices import InvitationStatus
from accord.core.clock import org_today
from accord.core.models import (
    ApiToken,
    AuditEvent,
    GovernanceProfile,
    IdentityProvider,
    Invitation,
    Membership,
    Organization,
    User,
)
from accord.core.notifications.selectors import UNREAD
from accord.core.tokens import hash_token
from accord.core.workdays import WorkCalendar

#: The events a page shows of one object's history, newest first (the audit trail has them all).
HISTORY_LIMIT = 100


def upcoming_holidays(org: Organization, count: int = 5) -> list[dt.date]:
    """The organisation's next `count` public holidays from today (its time zone), within a year."""
    today = org_today(org)
    return WorkCalendar.of(org).holidays_between(today, today + dt.timedelta(days=366))[:count]


def organization_by_slug(slug: str) -> Organization | None:
    """The organisation with this slug, or None (operators' CLI and demo; no user scope)."""
    return Organization.objects.filter(slug=slug).first()


def organizations() -> QuerySet[Organization]:
    """Every organisation, by slug (operators' CLI)."""
    return Organization.objects.order_by("slug")


def member_counts() -> dict[int, int]:
    """The number of members of every organisation, by organisation id (operators' CLI)."""
    rows = Membership.unscoped.values("organization").annotate(n=Count("id")).values_list("organization", "n")
    return dict(rows)


def memberships_of(user: User) -> QuerySet[Membership]:
    """The user's memberships with their organisations, for the switcher."""
    return Membership.unscoped.filter(user=user).select_related("organization").order_by("organization__name")


def access_membership(user: User, org_slug: str) -> Membership:
    """The user's membership in the organisation named by `org_slug`, or 404; with `unread_notifications`,
    the navigation's count, in the same query."""
    if not user.is_authenticated:
        raise Http404("No such organisation.")
    membership = (memberships_of(user).filter(organization__slug=org_slug).annotate(unread_notifications=UNREAD)
                  .order_by().first())  # one at most: no order to compile
    if membership is None:
        raise Http404("No such organisation.")
    return membership


def access_membership_or_none(user: User, org_slug: str) -> Membership | None:
    """`access_membership`, None instead of 404 (the navigation of pages outside an organisation)."""
    try:
        return access_membership(user, org_slug)
    except Http404:
        return None


def last_factor_required_by(authenticator: Authenticator) -> list[str]:
    """The names of the organisations that require a second factor of the authenticator's owner, if it is
    their last one (removing it would lock them out); empty when it may be removed (decision 0009)."""
    if authenticator.type not in SECOND_FACTORS:
        return []
    others = Authenticator.objects.filter(user_id=authenticator.user_id, type__in=SECOND_FACTORS)
    if others.exclude(pk=authenticator.pk).exists():
        return []
    strict = memberships_of(authenticator.user).filter(organization__two_factor_required=True)
    return list(strict.values_list("organization__name", flat=True))


def user_by_email(email: str) -> User | None:
    """The user with this e-mail address (case-insensitive), or None. Users are global."""
    return User.objects.filter(email__iexact=email.strip()).first()


def members(org: Organization) -> QuerySet[Membership]:
    """The organisation's members, users joined in."""
    return Membership.objects.for_org(org).select_related("user").order_by("user__email")


def member_by_email(org: Organization, email: str) -> Membership | None:
    """The member of `org` with this e-mail address (any case), or None."""
    return members(org).filter(user__email__iexact=email.strip()).first()


def members_with_second_factor(org: Organization) -> QuerySet[Membership]:
    """The organisation's members, each with `has_second_factor` (for those who manage members)."""
    return members(org).annotate(has_second_factor=second_factor_exists("user"))


def access_member(org: Organization, membership_id: int) -> Membership:
    """One membership of `org`, or 404."""
    m = members(org).filter(pk=membership_id).first()
    if m is None:
        raise Http404("No such member.")
    return m


def member_holdings(org: Organization, membership: Membership) -> list[handover.Held]:
    """What `membership` holds in the apps (their risks, ...), for the question asked before removing them."""
    return handover.holdings(org, membership)


def _status_filter(status: str) -> Q:
    now = timezone.now()
    open_ = Q(accepted_at__isnull=True, revoked_at__isnull=True)
    return {
        InvitationStatus.PENDING: open_ & Q(expires_at__gt=now),
        InvitationStatus.EXPIRED: open_ & Q(expires_at__lte=now),
        InvitationStatus.ACCEPTED: Q(accepted_at__isnull=False),
        InvitationStatus.REVOKED: Q(revoked_at__isnull=False),
    }[InvitationStatus(status)]


def invitations(org: Organization, *, status: str = "") -> QuerySet[Invitation]:
    """The organisation's invitations, newest first, optionally of one status."""
    qs = Invitation.objects.for_org(org).select_related("invited_by", "accepted_by").order_by("-created_at", "-pk")
    return qs.filter(_status_filter(status)) if status else qs


def open_invitations(org: Organization) -> QuerySet[Invitation]:
    """Invitations neither accepted nor revoked (pending or expired): what an admin can still act on."""
    return invitations(org).filter(accepted_at__isnull=True, revoked_at__isnull=True)


def access_invitation(org: Organization, invitation_id: int) -> Invitation:
    """One invitation of `org`, or 404."""
    inv = invitations(org).filter(pk=invitation_id).first()
    if inv is None:
        raise Http404("No such invitation.")
    return inv


def open_invitation_to(org: Organization, email: str) -> Invitation | None:
    """The open invitation of `org` to this address, or None (operators' CLI)."""
    return open_invitations(org).filter(email=email.strip().lower()).first()


def invitation_by_token(token: str) -> Invitation | None:
    """The invitation whose link carries `token`, whatever its organisation or status, or None. The
    token is the only key, so this is a deliberate cross-organisation lookup (like API tokens)."""
    return (
        Invitation.unscoped.select_related("organization", "invited_by")
        .filter(token_hash=hash_token(token)).first()
    )


def identity_provider(org: Organization) -> IdentityProvider | None:
    """The organisation's identity provider, or None (decision 0033)."""
    return IdentityProvider.objects.for_org(org).select_related("organization").first()


def identity_provider_for(provider_id: str) -> IdentityProvider | None:
    """The identity provider that allauth names `provider_id` (an organisation's slug), or None."""
    org = organization_by_slug(provider_id)
    return identity_provider(org) if org is not None else None


def membership_in(org: Organization, user: User) -> Membership | None:
    """`user`'s membership of `org`, or None."""
    return Membership.objects.for_org(org).filter(user=user).first()


def sso_only_organizations(user: User) -> list[str]:
    """The names of the user's organisations if every one of them requires single sign-on (a password then
    opens none of them), else an empty list."""
    names = [(m.organization.name, m.organization.sso_required) for m in memberships_of(user)]
    return [name for name, _ in names] if names and all(required for _, required in names) else []


def governance(org: Organization) -> GovernanceProfile:
    """The organisation's governance profile."""
    return GovernanceProfile.objects.for_org(org).get()


def tokens_of(org: Organization, user: User) -> QuerySet[ApiToken]:
    """The user's tokens in `org`, newest first."""
    return ApiToken.objects.for_org(org).filter(user=user).order_by("-created_at")


def access_token(org: Organization, user: User, token_id: int) -> ApiToken:
    """One of the user's tokens in `org`, or 404."""
    token = tokens_of(org, user).filter(pk=token_id).select_related("user").first()
    if token is None:
        raise Http404("No such token.")
    return token


def tokens_matching(org: Organization, text: str) -> list[ApiToken]:
    """The tokens of `org` whose plaintext is `text`, or else whose listed prefix starts `text`."""
    tokens = ApiToken.objects.for_org(org).select_related("user")
    return list(tokens.filter(token_hash=hash_token(text))) or list(tokens.filter(prefix=text[:10]))


def token_by_plaintext(plaintext: str) -> ApiToken | None:
    """The active token with this plaintext, with its user and organisation, or None."""
    token = (
        ApiToken.unscoped.select_related("user", "organization")
        .filter(token_hash=hash_token(plaintext), revoked_at__isnull=True)
        .order_by().first()  # one row at most (the hash is unique): no order to compile
    )
    if token is None or not token.user.is_active:
        return None
    return token


@dataclass(frozen=True)
class AuditFilter:
    """Filters of the audit trail page and API."""

    actor: str = ""
    object_type: str = ""
    object_id: str = ""
    action: str = ""
    since: dt.date | None = None
    until: dt.date | None = None


def audit_events(org: Organization, filters: AuditFilter | None = None) -> QuerySet[AuditEvent]:
    """The organisation's audit events, newest first, filtered."""
    f = filters or AuditFilter()
    qs = AuditEvent.objects.for_org(org).order_by("-seq")
    if f.actor:
        qs = qs.filter(actor_label__iexact=f.actor.strip())
    if f.object_type:
        qs = qs.filter(object_type=f.object_type)
    if f.object_id:
        qs = qs.filter(object_id=f.object_id)
    if f.action:
        qs = qs.filter(action=f.action)
    if f.since:
        qs = qs.filter(at__date__gte=f.since)
    if f.until:
        qs = qs.filter(at__date__lte=f.until)
    return qs


def audit_object_types(org: Organization) -> list[tuple[str, str]]:
    """(object type, what people call it) of the types present in the trail, by name (the filter menu)."""
    types = AuditEvent.objects.for_org(org).order_by("object_type").values_list("object_type", flat=True).distinct()
    return sorted(((t, history.object_type_label(t)) for t in types), key=lambda pair: pair[1])


def audit_rows(org: Organization, events: Iterable[AuditEvent]) -> list[history.EventRow]:
    """Audit events as people read them: names and references, not ids (accord.core.history)."""
    return history.describe(org, events)


def audit_csv(org: Organization, filters: AuditFilter | None = None) -> tuple[bytes, str]:
    """The filtered audit trail as a CSV file, newest first (accord.core.history.CSV_HEADER), and its
    name: the organisation and the day in its time zone."""
    return history.csv_of(org, audit_events(org, filters)), f"{org.slug}-audit-trail-{org_today(org).isoformat()}.csv"


def object_history(org: Organization, obj: models.Model, *, limit: int = HISTORY_LIMIT) -> list[history.EventRow]:
    """One object's changes from the audit trail, newest first, as people read them (names, not ids)."""
    events = audit_events(org, AuditFilter(object_type=object_type_of(obj), object_id=str(obj.pk)))
    return history.describe(org, events[:limit])


def member_names(org: Organization, ids: set[str]) -> dict[str, str]:
    """Memberships of `org` by id (as text) → the member's name (for the audit trail)."""
    return history.names_by_id(Membership.objects.for_org(org).select_related("user"), ids,
                               lambda m: m.user.display_name)


def user_names(org: Organization, ids: set[str]) -> dict[str, str]:
    """Users by id (as text) → their name, for those who are members of `org` (for the audit trail)."""
    members = User.objects.filter(pk__in=Membership.objects.for_org(org).values("user_id"))
    return history.names_by_id(members, ids, lambda u: u.display_name)


def domains_claimed_elsewhere(org: Organization, domains: Iterable[str]) -> list[str]:
    """Which of `domains` another organisation's identity provider already speaks for (decision 0033)."""
    wanted = set(domains)
    others = IdentityProvider.unscoped.exclude(organization=org).values_list("allowed_domains", flat=True)
    return sorted(wanted & {d for row in others for d in (row or [])})


def member_domains(org: Organization) -> set[str]:
    """The e-mail domains of the organisation's own (not external) members."""
    emails = Membership.objects.for_org(org).filter(external=False).values_list("user__email", flat=True)
    return {e.rpartition("@")[2].lower() for e in emails}
