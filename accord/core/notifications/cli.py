"""`accord notify ...`: a member's notifications, the kinds there are, and the periodic work (the apps'
checks such as acceptances expiring in 30 days, the daily digests, the retry of unsent e-mails), which
the job queue's scheduler also runs."""

from __future__ import annotations

import argparse
from typing import Any

from accord.cli_support import CliError


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    notify = sub.add_parser("notify", help="notifications: a member's inbox, digests, periodic checks") \
        .add_subparsers(dest="notify_verb", metavar="ACTION")
    p = notify.add_parser("list", help="list a member's notifications in an organisation, newest first")
    p.add_argument("org")
    p.add_argument("email")
    p.add_argument("--unread", action="store_true", help="only the unread ones")
    p.set_defaults(handler=_list)
    p = notify.add_parser("kinds", help="list the kinds of notification, who gets them and their default e-mail")
    p.set_defaults(handler=_kinds)
    p = notify.add_parser("scan", help="run the periodic checks (e.g. acceptances expiring within 30 days)")
    p.add_argument("--org", help="only this organisation")
    p.set_defaults(handler=_scan)
    p = notify.add_parser("send-digests", help="e-mail each person their daily digest (needs ACCORD_BASE_URL)")
    p.add_argument("--org", help="only this organisation")
    p.set_defaults(handler=_send_digests)
    p = notify.add_parser("send-pending", help="e-mail the immediate notifications not sent yet (mail was down)")
    p.add_argument("--org", help="only this organisation")
    p.set_defaults(handler=_send_pending)


def _orgs(args: argparse.Namespace) -> list[Any]:
    from accord.core.cli import org_or_fail
    from accord.core.selectors import organizations

    return [org_or_fail(args.org)] if args.org else list(organizations())


def _list(args: argparse.Namespace) -> int:
    from accord.core.cli import org_or_fail, setup

    setup()
    from accord.core.notifications.selectors import inbox
    from accord.core.selectors import member_by_email

    org = org_or_fail(args.org)
    member = member_by_email(org, args.email)
    if member is None:
        raise CliError(f"{args.email} is not a member of {org.slug} (see `accord member list {org.slug}`)")
    for n in inbox(org, member, unread=args.unread):
        state = "read" if n.read_at else "unread"
        print(f"{n.pk}\t{n.created_at:%Y-%m-%d %H:%M}\t{state}\t{n.kind}\t{n.title}\t{n.link}")
    return 0


def _kinds(args: argparse.Namespace) -> int:
    from accord.core.cli import setup

    setup()
    from accord.core.notifications.registry import kinds

    for k in kinds():
        print(f"{k.key}\t{k.label}\tneeds {k.action}\tdefault {k.default.value}")
    return 0


def _scan(args: argparse.Namespace) -> int:
    from accord.core.cli import setup

    setup()
    from accord.core.notifications.services import run_scans

    told = run_scans(_orgs(args))
    print(f"{told} notification{'' if told == 1 else 's'} written")
    return 0


def _send(args: argparse.Namespace, what: str, send_name: str) -> int:
    """Send e-mails with `services.<send_name>` over the chosen organisations; their links need ACCORD_BASE_URL."""
    from accord.core.cli import setup

    setup()
    from django.conf import settings

    from accord.core.notifications import services

    if not settings.ACCORD_BASE_URL:
        raise CliError(f"the {what}s' links need Accord's address: set ACCORD_BASE_URL (e.g. https://accord.example.org)")
    sent = getattr(services, send_name)(_orgs(args))
    print(f"{sent} {what}{'' if sent == 1 else 's'} sent")
    return 0


def _send_digests(args: argparse.Namespace) -> int:
    return _send(args, "digest", "send_digests")


def _send_pending(args: argparse.Namespace) -> int:
    return _send(args, "e-mail", "send_pending")
