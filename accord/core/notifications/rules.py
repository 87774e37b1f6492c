"""Pure rules of notifications: who may receive a kind, and how it is delivered. No database access."""

from __future__ import annotations

from collections.abc import Mapping

from accord.core.models import Membership
from accord.core.notifications.choices import Delivery
from accord.core.notifications.registry import Kind
from accord.core.permissions import allows


def may_receive(membership: Membership, kind: Kind) -> bool:
    """The member's role holds the kind's action: what the notification says is theirs to read."""
    return allows(membership.role, kind.action)


def delivery(kind: Kind, chosen: Mapping[str, str]) -> Delivery:
    """How `kind` is e-mailed to a member whose choices are `chosen` (kind key → delivery): their choice,
    else the kind's default."""
    value = chosen.get(kind.key)
    return Delivery(value) if value in Delivery.values else kind.default
