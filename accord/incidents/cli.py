"""Incident verbs of the `accord` command, for an operator logging an incident from a script at 3 a.m.:

    accord incident open ORG --title ... --kind ... --personal-data yes|no|unknown --became-aware-at INSTANT
    accord incident list ORG [--open]
    accord incident timeline ORG ID [--add TEXT --kind observation|action|decision|communication]

Operators act as the system: writes carry no actor and the audit trail labels them "system". The rules are the
services' and selectors', as on every front. The timeline verb only reads or appends.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from accord.cli_support import CliError
from accord.core.cli import org_or_fail, setup

if TYPE_CHECKING:
    from django.core.exceptions import ValidationError

SubParsers = argparse._SubParsersAction

_KINDS = ("ransomware", "data_leak", "phishing", "outage", "third_party", "lost_device", "other")
_ENTRY_KINDS = ("observation", "action", "decision", "communication")


def register(sub: SubParsers[argparse.ArgumentParser]) -> None:
    verbs = sub.add_parser("incident", help="incidents: open, list, timeline").add_subparsers(
        dest="incident_verb", metavar="ACTION")
    p = verbs.add_parser("open", help="open an incident; prints its reference, its breach and its clocks")
    p.add_argument("org", help="organisation slug")
    p.add_argument("--title", required=True)
    p.add_argument("--kind", required=True, choices=_KINDS)
    p.add_argument("--personal-data", default="unknown", choices=("yes", "no", "unknown"),
                   help="yes opens a breach in the privacy register")
    p.add_argument("--became-aware-at", required=True, metavar="INSTANT",
                   help="when the organisation became aware, e.g. 2026-03-28T09:30:00+01:00 (without an offset: "
                        "the organisation's time zone)")
    p.add_argument("--description", default="")
    p.add_argument("--detection-source", default="")
    p.set_defaults(handler=_open)
    p = verbs.add_parser("list", help="list the incidents: ref, status, severity, kind, became aware, breach, title "
                                      "(tab-separated)")
    p.add_argument("org", help="organisation slug")
    p.add_argument("--open", action="store_true", help="only incidents not closed")
    p.set_defaults(handler=_list)
    p = verbs.add_parser("timeline", help="print an incident's timeline, or append an entry to it")
    p.add_argument("org", help="organisation slug")
    p.add_argument("id", help="the incident's id or reference (INC-001)")
    p.add_argument("--add", metavar="TEXT", help="append this entry (now)")
    p.add_argument("--kind", default="observation", choices=_ENTRY_KINDS)
    p.set_defaults(handler=_timeline)


def _refused(exc: ValidationError) -> CliError:
    if hasattr(exc, "error_dict"):
        return CliError("; ".join(f"{field}: {' '.join(messages)}" for field, messages in exc.message_dict.items()))
    return CliError("; ".join(exc.messages))


def _open(args: argparse.Namespace) -> int:
    setup()
    from zoneinfo import ZoneInfo

    from django.core.exceptions import ValidationError

    from accord.incidents import selectors, services

    org = org_or_fail(args.org)
    try:
        made = services.do_open_incident(None, org, {
            "title": args.title, "kind": args.kind, "personal_data": args.personal_data,
            "became_aware_at": args.became_aware_at, "description": args.description,
            "detection_source": args.detection_source})
    except ValidationError as exc:
        raise _refused(exc) from None
    zone = ZoneInfo(org.timezone)
    line = [made.ref, f"id {made.pk}", made.severity]
    if made.breach is not None:
        line.append(f"breach {made.breach.ref} notify the authority by "
                    f"{made.breach.notify_authority_by.astimezone(zone).isoformat()}")
    for clock in selectors.clocks(org, made):
        line.append(f"NIS2 {clock.key} by {clock.due_at.astimezone(zone).isoformat()}")
    print("\t".join(line))
    return 0


def _list(args: argparse.Namespace) -> int:
    setup()
    from zoneinfo import ZoneInfo

    from accord.incidents import selectors

    org = org_or_fail(args.org)
    zone = ZoneInfo(org.timezone)
    for i in selectors.incidents(org, selectors.IncidentFilter(open_only=args.open)).iterator(chunk_size=500):
        print("\t".join([i.ref, i.status, i.severity, i.kind, i.became_aware_at.astimezone(zone).isoformat(),
                         i.breach.ref if i.breach else "-", " ".join(i.title.split())]))
    return 0


def _timeline(args: argparse.Namespace) -> int:
    setup()
    from zoneinfo import ZoneInfo

    from django.core.exceptions import ValidationError
    from django.http import Http404

    from accord.incidents import selectors, services
    from accord.incidents.models import Incident

    org = org_or_fail(args.org)
    key = str(args.id).upper().removeprefix("INC-")
    try:
        incident = (selectors.access_incident(org, args.id) if not str(args.id).upper().startswith("INC-")
                    else selectors.incidents(org).filter(number=int(key)).get())
    except (Http404, ValueError, Incident.DoesNotExist):
        raise CliError(f"no incident '{args.id}' in {org.slug} (see `accord incident list {org.slug}`)") from None
    if args.add is not None:
        try:
            services.do_add_timeline_entry(None, org, incident, {"text": args.add, "kind": args.kind})
        except ValidationError as exc:
            raise _refused(exc) from None
    zone = ZoneInfo(org.timezone)
    for e in selectors.timeline(org, incident):
        print("\t".join([e.happened_at.astimezone(zone).isoformat(), e.written_at.astimezone(zone).isoformat(),
                         e.kind, e.author.email if e.author else "system", " ".join(e.text.split())]))
    return 0
