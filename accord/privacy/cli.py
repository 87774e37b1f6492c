"""Privacy verbs of the `accord` command: `accord privacy requests ORG [--due-within N] [--overdue]` (the
data-subject requests register, tab-separated, no personal data), `accord privacy breach open ORG --title ...
--became-aware-at ...` and `accord privacy breach list ORG`.

Operators act as the system: writes carry no actor and the audit trail labels them "system". The rules are the
services' and selectors', as on every front.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from accord.cli_support import CliError
from accord.core.cli import org_or_fail, setup
from accord.privacy import cli_discovery, cli_dpias, cli_gdpr_audit, cli_ropa

if TYPE_CHECKING:
    from django.core.exceptions import ValidationError

#: Each `privacy` verb's parser is added by a function here; the registers that come later add theirs.
SubParsers = argparse._SubParsersAction


def register(sub: SubParsers[argparse.ArgumentParser]) -> None:
    verbs = sub.add_parser("privacy", help="the DPO's registers: data-subject requests, breaches").add_subparsers(
        dest="privacy_verb", metavar="ACTION")
    _register_requests(verbs)
    _register_breaches(verbs)
    cli_ropa.register(verbs)
    cli_discovery.register(verbs)
    cli_dpias.register(verbs)
    cli_gdpr_audit.register(verbs)


def _register_requests(verbs: SubParsers[argparse.ArgumentParser]) -> None:
    p = verbs.add_parser("requests", help="list the data-subject requests: ref, kind, status, received, due, flags "
                                          "(tab-separated; no personal data)")
    p.add_argument("org", help="organisation slug")
    p.add_argument("--due-within", type=int, metavar="DAYS", help="only open requests due within DAYS days")
    p.add_argument("--overdue", action="store_true", help="only open requests past their due date")
    p.add_argument("--open", action="store_true", help="only requests still to be answered")
    p.set_defaults(handler=_requests)


def _register_breaches(verbs: SubParsers[argparse.ArgumentParser]) -> None:
    breach = verbs.add_parser("breach", help="personal-data breaches").add_subparsers(dest="breach_verb",
                                                                                       metavar="ACTION")
    p = breach.add_parser("open", help="record a breach; prints its reference and the authority's deadline")
    p.add_argument("org", help="organisation slug")
    p.add_argument("--title", required=True)
    p.add_argument("--became-aware-at", required=True, metavar="INSTANT",
                   help="when the organisation became aware, e.g. 2026-03-28T09:30:00+01:00 (without an offset: "
                        "the organisation's time zone)")
    p.add_argument("--nature", default="", help="what happened")
    p.set_defaults(handler=_breach_open)
    p = breach.add_parser("list", help="list the breaches: ref, became aware, notify by, decision, phases, title "
                                       "(tab-separated)")
    p.add_argument("org", help="organisation slug")
    p.set_defaults(handler=_breach_list)


def _refused(exc: ValidationError) -> CliError:
    if hasattr(exc, "error_dict"):
        return CliError("; ".join(f"{field}: {' '.join(messages)}" for field, messages in exc.message_dict.items()))
    return CliError("; ".join(exc.messages))


def _requests(args: argparse.Namespace) -> int:
    setup()
    from accord.privacy import selectors_requests

    if args.due_within is not None and not 0 <= args.due_within <= 366:
        raise CliError(f"--due-within {args.due_within}: give 0 to 366 days")
    org = org_or_fail(args.org)
    filters = selectors_requests.RequestFilter(open_only=args.open, overdue=args.overdue, due_within=args.due_within)
    for r in selectors_requests.requests(org, filters):
        flags = [name for name, on in (("overdue", r.is_overdue), ("paused", r.clock_paused),
                                       ("extended", r.extended), ("late", r.answered_late)) if on]
        print("\t".join([r.ref, r.kind, r.status, r.received_on.isoformat(), r.due_on.isoformat(),
                         ",".join(flags) or "-"]))
    return 0


def _breach_open(args: argparse.Namespace) -> int:
    setup()
    from zoneinfo import ZoneInfo

    from django.core.exceptions import ValidationError

    from accord.privacy import services_breaches

    org = org_or_fail(args.org)
    try:
        made = services_breaches.do_open_breach(None, org, {"title": args.title,
                                                            "became_aware_at": args.became_aware_at,
                                                            "nature": args.nature})
    except ValidationError as exc:
        raise _refused(exc) from None
    by = made.notify_authority_by.astimezone(ZoneInfo(org.timezone))
    print(f"{made.ref}\tnotify the authority by {by.isoformat()}")
    return 0


def _breach_list(args: argparse.Namespace) -> int:
    setup()
    from zoneinfo import ZoneInfo

    from accord.privacy import selectors_breaches

    org = org_or_fail(args.org)
    zone = ZoneInfo(org.timezone)
    for b in selectors_breaches.breaches(org):
        print("\t".join([b.ref, b.became_aware_at.astimezone(zone).isoformat(),
                         b.notify_authority_by.astimezone(zone).isoformat(), b.notify_decision,
                         str(len(b.notifications.all())), " ".join(b.title.split())]))
    return 0
