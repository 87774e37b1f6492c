"""A member's notifications (the in-app inbox, and what is e-mailed of it) and their choices of delivery per kind.

Imported by `accord.core.models`, so they are models of the core app."""

from __future__ import annotations

from django.db import models
from django.utils.timezone import now

from accord.core.notifications.choices import Delivery
from accord.core.tenancy import TenantManager, TenantModel


class Notification(TenantModel):
    """One thing one member is told: a signature awaits them, an acceptance expires soon, ...

    Written by `notifications.services.notify` from the kind's rule (`registry.Kind`), never by a front.
    `title` holds only what the recipient's role may read (the kind's `action`, checked when it is written,
    shown and e-mailed); `link` is the object's page, a path under the site's address. `key` names the
    occasion, so that a periodic check tells a member once (empty: every event is its own occasion).
    `delivery` is the e-mail choice in force when it was written; `emailed_at` is set once the e-mail (or
    the digest holding it) went out, or it was decided that none goes (read first, no longer current).
    """

    # RESTRICT: a leaving member's notifications are deleted by do_remove_member (services.forget_member).
    recipient = models.ForeignKey("core.Membership", on_delete=models.RESTRICT, related_name="notifications")
    kind = models.CharField(max_length=60)
    title = models.CharField(max_length=300)
    link = models.CharField(max_length=300, blank=True)
    object_type = models.CharField(max_length=60, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    key = models.CharField(max_length=120, blank=True, default="")
    delivery = models.CharField(max_length=10, choices=Delivery.choices, default=Delivery.IMMEDIATE)
    created_at = models.DateTimeField(default=now)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    objects = TenantManager()

    class Meta(TenantModel.Meta):
        ordering = ("organization", "recipient", "-created_at", "-pk")
        constraints = [
            models.UniqueConstraint(fields=["recipient", "kind", "key"], condition=~models.Q(key=""),
                                    name="notification_once_per_occasion"),
        ]
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="notification_unread_idx"),
            models.Index(fields=["delivery", "emailed_at"], name="notification_unsent_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} for member {self.recipient_id}: {self.title}"


class NotificationPreference(TenantModel):
    """How one member wants one kind of notification e-mailed; without a row, the kind's default holds."""

    membership = models.ForeignKey("core.Membership", on_delete=models.RESTRICT, related_name="+")
    kind = models.CharField(max_length=60)
    delivery = models.CharField(max_length=10, choices=Delivery.choices)
    updated_at = models.DateTimeField(default=now)

    objects = TenantManager()

    class Meta(TenantModel.Meta):
        ordering = ("organization", "membership", "kind")
        constraints = [
            models.UniqueConstraint(fields=["membership", "kind"], name="notificationpreference_one_per_kind"),
            models.CheckConstraint(condition=models.Q(delivery__in=["immediate", "digest", "off"]),
                                   name="notificationpreference_delivery_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.kind}: {self.delivery} for member {self.membership_id}"
