"""Reads of notifications, scoped to one organisation and to the member whose they are: another member's
notification answers 404 like a missing one."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from accord.core.models import Membership, Notification, NotificationPreference, Organization
from accord.core.notifications import mail, registry
from accord.core.notifications.choices import Delivery
from accord.core.notifications.rules import delivery, may_receive

#: Annotates a membership query with `unread_notifications` (one join in the query that loads the member on
#: every page: the navigation's count costs no query of its own).
UNREAD = Count("notifications", filter=Q(notifications__read_at__isnull=True))


def visible_kinds(membership: Membership) -> list[str]:
    """The kinds the member's role may read (a notification of another kind is never shown)."""
    return [k.key for k in registry.KINDS.values() if may_receive(membership, k)]


def inbox(org: Organization, membership: Membership, *, unread: bool = False) -> QuerySet[Notification]:
    """The member's notifications, newest first (only the unread ones with `unread`)."""
    qs = (Notification.objects.for_org(org).filter(recipient=membership, kind__in=visible_kinds(membership))
          .order_by("-created_at", "-pk"))
    return qs.filter(read_at__isnull=True) if unread else qs


def unread_count(org: Organization, membership: Membership) -> int:
    return inbox(org, membership, unread=True).count()


def access_notification(org: Organization, membership: Membership, notification_id: int) -> Notification:
    """One of the member's notifications, or 404 (another member's, another organisation's, none)."""
    n = inbox(org, membership).filter(pk=notification_id).first()
    if n is None:
        raise Http404("No such notification.")
    return n


def current_preferences(org: Organization, membership: Membership) -> dict[str, str]:
    """Every kind's delivery for `membership` (kind key → immediate, digest or off): their choice, else the
    kind's default."""
    chosen = dict(NotificationPreference.objects.for_org(org).filter(membership=membership)
                  .values_list("kind", "delivery"))
    return {k.key: str(delivery(k, chosen).value) for k in registry.kinds()}


@dataclass(frozen=True)
class Preference:
    """One row of the preferences page: the kind and how it arrives."""

    kind: registry.Kind
    delivery: Delivery


def preferences(org: Organization, membership: Membership) -> list[Preference]:
    """The kinds the member may receive, with their delivery, by label."""
    now = current_preferences(org, membership)
    return [Preference(k, Delivery(now[k.key])) for k in registry.kinds() if may_receive(membership, k)]


@dataclass(frozen=True)
class UnsubscribeTarget:
    membership: Membership
    kind: registry.Kind


def unsubscribe_target(token: str) -> UnsubscribeTarget | None:
    """The member and kind an e-mailed unsubscribe link names, or None (a forged or stale token, a member
    who left, a kind that no longer exists): the signed token is the link's only key."""
    found = mail.read_unsubscribe_token(token)
    if found is None or found[1] not in registry.KINDS:
        return None
    membership = Membership.unscoped.filter(pk=found[0]).select_related("organization", "user").first()
    if membership is None:
        return None
    return UnsubscribeTarget(membership, registry.KINDS[found[1]])
