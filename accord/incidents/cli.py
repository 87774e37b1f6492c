"""Incident verbs of the `accord` command, for an operator logging an incident from a script at 3 a.m.:

    accord incident open ORG --title ... --kind ... --personal-data yes|no|unknown --became-aware-at INSTANT
    accord incident list ORG [--open]
    accord incident timeline ORG ID [--add TEXT --kind observation|action|decision|communication]
    accord incident review ORG ID [--what-happened TEXT --worked TEXT --did-not-work TEXT --held-on YYYY-MM-DD]
    accord incident lesson ORG ID --text TEXT --action TITLE [--owner EMAIL] [--due YYYY-MM-DD]
                                  [--risk R-001 | --new-risk TITLE] [--control C-001]

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

    from accord.core.models import Organization
    from accord.incidents.models import Incident, Lesson

SubParsers = argparse._SubParsersAction

_KINDS = ("ransomware", "data_leak", "phishing", "outage", "third_party", "lost_device", "other")
_ENTRY_KINDS = ("observation", "action", "decision", "communication")


def register(sub: SubParsers[argparse.ArgumentParser]) -> None:
    verbs = sub.add_parser("incident", help="incidents: open, list, timeline, review, lesson").add_subparsers(
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
    p = verbs.add_parser("review", help="print an incident's post-incident review and its lessons, or write it "
                                        "(once the incident is recovered or closed)")
    p.add_argument("org", help="organisation slug")
    p.add_argument("id", help="the incident's id or reference (INC-001)")
    p.add_argument("--what-happened", metavar="TEXT")
    p.add_argument("--worked", metavar="TEXT", help="what worked")
    p.add_argument("--did-not-work", metavar="TEXT", help="what did not work")
    p.add_argument("--held-on", metavar="YYYY-MM-DD", help="the day the review was held")
    p.set_defaults(handler=_review)
    p = verbs.add_parser("lesson", help="add a lesson to an incident's review: its action, owner and due date, "
                                        "linked to a risk and a control")
    p.add_argument("org", help="organisation slug")
    p.add_argument("id", help="the incident's id or reference (INC-001)")
    p.add_argument("--text", required=True, help="what was learnt")
    p.add_argument("--action", required=True, metavar="TITLE", help="the action it becomes")
    p.add_argument("--owner", metavar="EMAIL", help="the member who owns the action (told)")
    p.add_argument("--due", metavar="YYYY-MM-DD", help="when the action is due")
    which = p.add_mutually_exclusive_group()
    which.add_argument("--risk", metavar="R-001", help="an existing risk of the register the lesson updates")
    which.add_argument("--new-risk", metavar="TITLE", help="add a risk with this title to the register")
    p.add_argument("--control", metavar="C-001", help="a control of the library")
    p.set_defaults(handler=_lesson)


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


def _incident(org: Organization, ident: str) -> Incident:
    """The incident `ident` names (its id or its reference, INC-001), or one clear line."""
    from django.http import Http404

    from accord.incidents import selectors
    from accord.incidents.models import Incident

    key = str(ident).upper().removeprefix("INC-")
    try:
        return (selectors.access_incident(org, ident) if not str(ident).upper().startswith("INC-")
                else selectors.incidents(org).filter(number=int(key)).get())
    except (Http404, ValueError, Incident.DoesNotExist):
        raise CliError(f"no incident '{ident}' in {org.slug} (see `accord incident list {org.slug}`)") from None


def _timeline(args: argparse.Namespace) -> int:
    setup()
    from zoneinfo import ZoneInfo

    from django.core.exceptions import ValidationError

    from accord.incidents import selectors, services

    org = org_or_fail(args.org)
    incident = _incident(org, args.id)
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


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _lesson_line(lesson: Lesson) -> str:
    links = []
    if lesson.risk is not None:
        links.append(f"{'new' if lesson.risk_created else 'updated'} risk {lesson.risk.ref}")
    if lesson.control is not None:
        links.append(f"control {lesson.control.ref}")
    return "\t".join([f"lesson {lesson.pk}", lesson.status, lesson.owner.user.email if lesson.owner else "-",
                      lesson.due_on.isoformat() if lesson.due_on else "-", ", ".join(links) or "-",
                      _one_line(lesson.action), _one_line(lesson.text)])


def _review(args: argparse.Namespace) -> int:
    setup()
    from django.core.exceptions import ValidationError

    from accord.incidents import selectors, services_reviews

    org = org_or_fail(args.org)
    incident = _incident(org, args.id)
    data = {name: value for name, value in (("what_happened", args.what_happened), ("worked", args.worked),
                                            ("did_not_work", args.did_not_work), ("held_on", args.held_on))
            if value is not None}
    if data:
        try:
            services_reviews.do_write_incident_review(None, org, incident, data)
        except ValidationError as exc:
            raise _refused(exc) from None
    review = selectors.review(org, incident)
    print(f"{incident.ref}\t{incident.status}\t{_one_line(incident.title)}")
    if review is None:
        print("no review written yet")
    else:
        print(f"held on\t{review.held_on.isoformat() if review.held_on else '-'}")
        for label, text in (("what happened", review.what_happened), ("what worked", review.worked),
                            ("what did not work", review.did_not_work)):
            print(f"{label}\t{_one_line(text) or '-'}")
    for lesson in selectors.lessons(org, incident):
        print(_lesson_line(lesson))
    return 0


def _lesson(args: argparse.Namespace) -> int:
    setup()
    from django.core.exceptions import ValidationError

    from accord.incidents import selectors, services_reviews

    org = org_or_fail(args.org)
    incident = _incident(org, args.id)
    data = {"text": args.text, "action": args.action, "owner": args.owner, "due_on": args.due, "risk": args.risk,
            "new_risk": args.new_risk, "control": args.control}
    try:
        made = services_reviews.do_add_lesson(None, org, incident, {k: v for k, v in data.items() if v is not None})
    except ValidationError as exc:
        raise _refused(exc) from None
    print(_lesson_line(selectors.access_lesson(org, incident, made.pk)))
    return 0
