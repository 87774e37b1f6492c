"""Writes of notifications: telling the members an event concerns (`notify`, called by the apps' services
inside their own transaction), reading, choosing how they arrive, unsubscribing, and the periodic work:
the apps' scans, the daily digests and the retry of e-mails that could not be sent.

A notification itself is not an audit event: it is derived from the event that caused it, which the
calling service records (decision 0028). What a member does with theirs (read, choose, unsubscribe) is.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accord.core import audit
from accord.core.choices import AuditAction
from accord.core.i18n import recipient_language
from accord.core.jobs import queue
from accord.core.models import Membership, Notification, NotificationPreference, Organization, User
from accord.core.notifications import mail, registry
from accord.core.notifications.choices import Delivery
from accord.core.notifications.rules import delivery, may_receive
from accord.core.notifications.selectors import current_preferences
from accord.core.tenancy import check_same_org

log = logging.getLogger(__name__)


def _chosen(org: Organization, membership_ids: Iterable[int], kind: str) -> dict[int, str]:
    rows = NotificationPreference.objects.for_org(org).filter(membership_id__in=list(membership_ids), kind=kind)
    return dict(rows.values_list("membership_id", "delivery"))


def notify(org: Organization, kind_key: str, obj: models.Model, *, actor: User | None = None,
           key: str | None = None) -> list[Notification]:
    """Tell the members `kind_key`'s rule names for `obj` (the one place that decides who is told): those
    whose role holds the kind's action, except `actor` (who caused the event). `key` names the occasion
    (default: the object), so that each member is told once per occasion; "" tells them every time.
    Immediate e-mails leave once the caller's transaction commits. Returns the notifications written."""
    kind = registry.kind(kind_key)
    occasion = f"{obj._meta.label_lower}:{obj.pk}" if key is None else key
    people = {m.pk: m for m in kind.recipients(org, obj)
              if may_receive(m, kind) and (actor is None or m.user_id != actor.pk)}
    if occasion and people:
        told = Notification.objects.for_org(org).filter(recipient_id__in=list(people), kind=kind.key, key=occasion)
        for recipient_id in told.values_list("recipient_id", flat=True):
            people.pop(recipient_id, None)
    if not people:
        return []
    chosen = _chosen(org, people, kind.key)
    link = kind.link(org, obj)
    now = timezone.now()
    created = Notification.objects.for_org(org).bulk_create([
        Notification(organization=org, recipient=m, kind=kind.key, title=_title(kind, obj, m), link=link,
                     object_type=obj._meta.label_lower, object_id=str(obj.pk), key=occasion,
                     delivery=delivery(kind, {kind.key: chosen[m.pk]} if m.pk in chosen else {}), created_at=now)
        for m in people.values()])
    immediate = [n.pk for n in created if n.delivery == Delivery.IMMEDIATE]
    if immediate and settings.ACCORD_BASE_URL:
        queue.send(SEND_TASK, org.pk, immediate)  # a worker e-mails them once the caller commits
    elif immediate:  # the links need the address of the request being served: send from this process
        transaction.on_commit(lambda: send_immediate(org, immediate))
    return created


#: The queue's task that e-mails immediate notifications (registered by `periodic.register_notification_work`).
SEND_TASK = "accord.notifications.send_immediate"


def send_immediate_task(org_id: int, ids: list[int]) -> int:
    """The worker's side of `SEND_TASK`: the organisation by id (a queue message carries plain values)."""
    org = Organization.objects.filter(pk=org_id).first()
    return 0 if org is None else send_immediate(org, ids)


def _title(kind: registry.Kind, obj: models.Model, membership: Membership) -> str:
    """The title in the recipient's language (theirs, else the organisation's), as it is stored and shown."""
    with translation.override(recipient_language(membership.user, membership.organization)):
        return str(kind.title(obj, membership))[:300]


class _Currency:
    """Answers "does this notification still concern its recipient?" for a batch, reading each object and
    its recipients once: the kind's rule asked again, as when it was written, and the role's right."""

    def __init__(self, org: Organization) -> None:
        self.org = org
        self._people: dict[tuple[str, str], set[int]] = {}

    def holds(self, n: Notification) -> bool:
        kind = registry.KINDS.get(n.kind)
        if kind is None or not may_receive(n.recipient, kind):
            return False
        found = (n.kind, n.object_id)
        if found not in self._people:
            obj = kind.load(self.org, n.object_id)
            self._people[found] = set() if obj is None else {m.pk for m in kind.recipients(self.org, obj)}
        return n.recipient_id in self._people[found]


def _current_delivery(org: Organization, notifications: Iterable[Notification]) -> dict[tuple[int, str], str]:
    """The recipients' choices now (a member may have changed theirs since the notification was written)."""
    ids = {n.recipient_id for n in notifications}
    rows = NotificationPreference.objects.for_org(org).filter(membership_id__in=ids)
    return {(m, k): d for m, k, d in rows.values_list("membership_id", "kind", "delivery")}


def _close(org: Organization, ids: Iterable[int], now: Any) -> None:
    ids = list(ids)
    if ids:
        Notification.objects.for_org(org).filter(pk__in=ids, emailed_at__isnull=True).update(emailed_at=now)


#: The attribute of the log record saying how many immediate e-mails wait for ACCORD_BASE_URL (the demo,
#: which makes dozens of notifications, says it once for all of them: accord/core/demo.py).
UNSENT = "accord_unsent_without_address"


def send_immediate(org: Organization, ids: Iterable[int] | None = None) -> int:
    """E-mail the organisation's unsent immediate notifications (`ids`, or all of them: the retry of those
    a mail server refused), each re-checked first: a recipient who may no longer read it, or whom it no
    longer concerns (signed meanwhile, left), gets no e-mail, nor does one who read it already or turned
    the e-mail off. Returns the number of e-mails sent."""
    base = mail.base_url()
    pending = (Notification.objects.for_org(org).filter(delivery=Delivery.IMMEDIATE, emailed_at__isnull=True)
               .select_related("recipient__user", "organization").order_by("pk"))
    if ids is not None:
        pending = pending.filter(pk__in=list(ids))
    batch = list(pending)
    if not batch:
        return 0
    if base is None:
        log.warning("%d notification e-mail(s) of %s not sent: set ACCORD_BASE_URL so that their links have an "
                    "address (`accord notify send-pending` sends them)", len(batch), org.slug,
                    extra={UNSENT: len(batch)})
        return 0
    currency = _Currency(org)
    now_chosen = _current_delivery(org, batch)
    skip, send, messages = [], [], []
    for n in batch:
        chosen = now_chosen.get((n.recipient_id, n.kind), Delivery.IMMEDIATE)
        if n.read_at is not None or chosen != Delivery.IMMEDIATE or not currency.holds(n):
            skip.append(n.pk)
        else:
            send.append(n.pk)
            messages.append(mail.immediate_message(base, n))
    now = timezone.now()
    _close(org, skip, now)
    results = mail.send(messages)
    _close(org, [pk for pk, ok in zip(send, results, strict=True) if ok], now)
    return sum(results)


def send_pending(organizations: Iterable[Organization]) -> int:
    """The retry of immediate e-mails not sent yet (a mail server was down), organisation by organisation."""
    return sum(send_immediate(org) for org in organizations)


def send_digests(organizations: Iterable[Organization]) -> int:
    """Send each person one e-mail with their pending digest notifications of every organisation (the
    daily digest), each re-checked as an immediate one is; read ones are left out. Returns the number of
    digests sent (people). Without ACCORD_BASE_URL nothing is sent (ValidationError)."""
    base = mail.base_url()
    if base is None:
        raise ValidationError({"ACCORD_BASE_URL": _("Set ACCORD_BASE_URL (e.g. https://accord.example.org): the "
                                                    "digests' links need Accord's address.")})
    by_user: dict[int, tuple[User, list[mail.DigestSection]]] = {}
    for org in organizations:
        batch = list(Notification.objects.for_org(org).filter(delivery=Delivery.DIGEST, emailed_at__isnull=True)
                     .select_related("recipient__user", "organization").order_by("recipient_id", "created_at", "pk"))
        if not batch:
            continue
        currency = _Currency(org)
        now_chosen = _current_delivery(org, batch)
        skip: list[int] = []
        per_member: dict[int, list[Notification]] = {}
        for n in batch:
            chosen = now_chosen.get((n.recipient_id, n.kind), Delivery.DIGEST)
            if n.read_at is not None or chosen != Delivery.DIGEST or not currency.holds(n):
                skip.append(n.pk)
            else:
                per_member.setdefault(n.recipient_id, []).append(n)
        _close(org, skip, timezone.now())
        for items in per_member.values():
            member = items[0].recipient
            by_user.setdefault(member.user_id, (member.user, []))[1].append(mail.DigestSection(org, member, items))
    users = list(by_user.values())
    results = mail.send([mail.digest_message(base, user, sections) for user, sections in users])
    now = timezone.now()
    for (_user, sections), ok in zip(users, results, strict=True):
        if ok:
            for section in sections:
                _close(section.organization, [n.pk for n in section.notifications], now)
    return sum(results)


def run_scans(organizations: Iterable[Organization]) -> int:
    """Run every app's periodic check (`registry.register_scan`) in every organisation, each organisation in
    its own transaction; returns the number of notifications written."""
    told = 0
    for org in organizations:
        for scan in registry.SCANS.values():
            with transaction.atomic():
                told += scan(org)
    return told


def forget_unseeable(org: Organization, membership: Membership) -> int:
    """Delete the member's notifications their role may no longer read (called when the role changes), so
    that the inbox, its unread count and the e-mails never show them. Returns how many went."""
    hidden = [k.key for k in registry.KINDS.values() if not may_receive(membership, k)]
    if not hidden:
        return 0
    deleted, _by_model = Notification.objects.for_org(org).filter(recipient=membership, kind__in=hidden).delete()
    return int(deleted)


def forget_member(org: Organization, membership: Membership) -> int:
    """Delete a leaving member's notifications and e-mail choices (called by `do_remove_member`, whose audit
    event says how many notifications went: the links are RESTRICT, so nothing goes by itself)."""
    NotificationPreference.objects.for_org(org).filter(membership=membership).delete()
    deleted, _by_model = Notification.objects.for_org(org).filter(recipient=membership).delete()
    return int(deleted)


# --- what a member does with their notifications ---------------------------------------------------------

def _membership(org: Organization, actor: User) -> Membership:
    membership = Membership.objects.for_org(org).filter(user=actor).first()
    if membership is None:
        raise ValidationError({"member": _("%(email)s is not a member of %(org)s.")
                                         % {"email": actor.email, "org": org.name}})
    return membership


@transaction.atomic
def do_mark_notification_read(actor: User, org: Organization, notification: Notification) -> Notification:
    """Mark one of the actor's notifications read (reading it again changes nothing)."""
    check_same_org(org, notification=notification)
    n = Notification.objects.for_org(org).select_for_update().get(pk=notification.pk)
    if n.recipient_id != _membership(org, actor).pk:
        raise ValidationError({"notification": _("This notification is someone else's.")})
    if n.read_at is None:
        n.read_at = timezone.now()
        n.save(update_fields=["read_at"])
        audit.record(org, actor, AuditAction.UPDATE, n, object_repr=f"Notification #{n.pk} ({_label(n.kind)})",
                     changes={"read_at": [None, audit.to_audit_value(n.read_at)]})
    return n


@transaction.atomic
def do_mark_all_notifications_read(actor: User, org: Organization, *, up_to: Any = None) -> int:
    """Mark every unread notification of the actor's read (with `up_to`, those that arrived until then: what
    the member had in front of them); one audit event (on their membership) says how many. Returns that number."""
    membership = _membership(org, actor)
    unread = Notification.objects.for_org(org).filter(recipient=membership, read_at__isnull=True)
    if up_to is not None:
        unread = unread.filter(created_at__lte=up_to)
    count = unread.update(read_at=timezone.now())
    if count:
        audit.record(org, actor, AuditAction.UPDATE, membership,
                     object_repr=f"Notifications of {actor.display_name}",
                     changes={"notifications_read": [None, count]})
    return count


def _label(kind_key: str) -> str:
    kind = registry.KINDS.get(kind_key)
    return str(kind.label) if kind else kind_key


@transaction.atomic
def do_set_notification_preferences(actor: User, org: Organization, choices: Mapping[str, str]) -> dict[str, str]:
    """Set how the actor receives each kind named in `choices` (kind key → immediate, digest or off); the
    others keep theirs. One audit event per kind changed. Returns every kind's delivery now."""
    membership = _membership(org, actor)
    errors = {}
    for key, value in choices.items():
        if key not in registry.KINDS:
            errors[key] = _("'%(kind)s' is not a kind of notification; use one of: %(kinds)s.") % {
                "kind": key, "kinds": ", ".join(sorted(registry.KINDS))}
        elif value not in Delivery.values:
            errors[key] = _("'%(value)s' is not a delivery; use one of: %(deliveries)s.") % {
                "value": value, "deliveries": ", ".join(Delivery.values)}
    if errors:
        raise ValidationError(errors)
    now = current_preferences(org, membership)
    for key, value in choices.items():
        if now[key] == value:
            continue
        _save_preference(actor, org, membership, key, value, before=now[key])
        now[key] = value
    return now


def _save_preference(actor: User, org: Organization, membership: Membership, key: str, value: str, *,
                     before: str) -> None:
    pref, created = NotificationPreference.objects.for_org(org).get_or_create(
        organization=org, membership=membership, kind=key, defaults={"delivery": value})
    if not created:
        pref.delivery, pref.updated_at = value, timezone.now()
        pref.save(update_fields=["delivery", "updated_at"])
    audit.record(org, actor, AuditAction.UPDATE, pref, object_repr=f"E-mail of “{_label(key)}”",
                 changes={"delivery": [before, value]})


@transaction.atomic
def do_unsubscribe(actor: User, org: Organization, kind: str) -> str:
    """Stop e-mailing the actor notifications of `kind` (the inbox still has them): what an e-mail's one-click
    link does, acting as the member its signed token names. Returns the kind's label."""
    if kind not in registry.KINDS:
        raise ValidationError({"kind": _("This link names a kind of notification Accord no longer has.")})
    do_set_notification_preferences(actor, org, {kind: Delivery.OFF.value})
    return _label(kind)
