"""What notifications e-mail: one message per notification, or one digest per person, each with a one-click
unsubscribe link per kind (a signed token: it works without signing in). Links start with ACCORD_BASE_URL,
like every other e-mailed link (accord.core.auth.email_link); without it, with the address of the request
being served, and outside any request nothing is sent (the notification stays unsent, to retry)."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from allauth.core import context as allauth_context
from django.conf import settings
from django.core import signing
from django.core.mail import EmailMessage, get_connection
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from accord.core.i18n import recipient_language
from accord.core.models import Membership, Notification, Organization, User
from accord.core.notifications.registry import kind as kind_of

log = logging.getLogger(__name__)

_SALT = "accord.notifications.unsubscribe"


def unsubscribe_token(membership: Membership, kind: str) -> str:
    """A signed token naming one member and one kind (no expiry: a link in an old e-mail still works)."""
    return signing.dumps({"m": membership.pk, "k": kind}, salt=_SALT, compress=False)


def read_unsubscribe_token(token: str) -> tuple[int, str] | None:
    """(membership id, kind) of a token `unsubscribe_token` made, or None for anything else."""
    try:
        data = signing.loads(token, salt=_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("m"), int) or not isinstance(data.get("k"), str):
        return None
    return data["m"], data["k"]


def base_url() -> str | None:
    """Where e-mailed links point: ACCORD_BASE_URL, else the request being served, else None."""
    if settings.ACCORD_BASE_URL:
        return str(settings.ACCORD_BASE_URL).rstrip("/")
    request = allauth_context.request
    if request is not None:
        return request.build_absolute_uri("/").rstrip("/")
    return None


def unsubscribe_link(base: str, membership: Membership, kind: str) -> str:
    return base + reverse("notification_unsubscribe", kwargs={"token": unsubscribe_token(membership, kind)})


def _headers(unsubscribe: str) -> dict[str, str]:
    # RFC 2369 and RFC 8058: a mail client offers "unsubscribe" and POSTs to the link in one click.
    return {"List-Unsubscribe": f"<{unsubscribe}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Auto-Submitted": "auto-generated"}


def _subject(template: str, context: Mapping[str, object]) -> str:
    return str(settings.ACCOUNT_EMAIL_SUBJECT_PREFIX) + " ".join(render_to_string(template, dict(context)).split())


def immediate_message(base: str, notification: Notification) -> EmailMessage:
    """The e-mail of one notification, to its recipient, in their language."""
    with translation.override(recipient_language(notification.recipient.user, notification.organization)):
        return _immediate_message(base, notification)


def _immediate_message(base: str, notification: Notification) -> EmailMessage:
    membership = notification.recipient
    kind = kind_of(notification.kind)
    unsubscribe = unsubscribe_link(base, membership, kind.key)
    context = {
        "organization": notification.organization.name,
        "title": notification.title,
        "link": base + notification.link if notification.link else "",
        "kind": kind.label,
        "unsubscribe": unsubscribe,
        "preferences": base + reverse("core:notification_preferences",
                                      kwargs={"org": notification.organization.slug}),
        "inbox": base + reverse("core:notifications", kwargs={"org": notification.organization.slug}),
    }
    return EmailMessage(subject=_subject("core/email/notification_subject.txt", context),
                        body=render_to_string("core/email/notification_message.txt", context),
                        to=[membership.user.email], headers=_headers(unsubscribe))


@dataclass(frozen=True)
class DigestSection:
    """One organisation's part of a person's digest."""

    organization: Organization
    membership: Membership
    notifications: Sequence[Notification]


def digest_message(base: str, user: User, sections: Sequence[DigestSection]) -> EmailMessage:
    """One e-mail to `user` listing their pending digest notifications, organisation by organisation, with an
    unsubscribe link for each kind it holds; in their language (else the first organisation's)."""
    with translation.override(recipient_language(user, sections[0].organization)):
        return _digest_message(base, user, sections)


def _digest_message(base: str, user: User, sections: Sequence[DigestSection]) -> EmailMessage:
    parts = []
    first_unsubscribe = ""
    for section in sections:
        items = []
        kinds_seen: dict[str, str] = {}
        for n in section.notifications:
            items.append({"title": n.title, "link": base + n.link if n.link else ""})
            if n.kind not in kinds_seen:
                kinds_seen[n.kind] = unsubscribe_link(base, section.membership, n.kind)
        first_unsubscribe = first_unsubscribe or next(iter(kinds_seen.values()))
        parts.append({
            "organization": section.organization.name,
            "items": items,
            "unsubscribe": [{"kind": kind_of(k).label, "link": link} for k, link in kinds_seen.items()],
            "preferences": base + reverse("core:notification_preferences",
                                          kwargs={"org": section.organization.slug}),
        })
    count = sum(len(s.notifications) for s in sections)
    context = {"sections": parts, "count": count, "name": user.display_name}
    return EmailMessage(subject=_subject("core/email/digest_subject.txt", context),
                        body=render_to_string("core/email/digest_message.txt", context),
                        to=[user.email], headers=_headers(first_unsubscribe))


def send(messages: Sequence[EmailMessage]) -> list[bool]:
    """Send each message through the configured e-mail backend (one connection); True for each that went.
    A mail server that refuses or cannot be reached is logged, and the message reported unsent."""
    sent: list[bool] = []
    connection = get_connection()
    try:
        for message in messages:
            message.connection = connection
            try:
                sent.append(message.send() == 1)
            except OSError as exc:  # smtplib's errors are OSErrors too
                log.warning("notification e-mail to %s not sent: %s", ", ".join(message.to), exc)
                sent.append(False)
    finally:
        with contextlib.suppress(OSError):  # closing a connection the server broke
            connection.close()
    return sent
