"""Policy verbs of the `accord` command: `accord policy list ORG` and `accord policy export ORG POLICY
--format pdf|md --out FILE` (the version in force, or `--version N`).

The PDF is the policy report of the report pipeline (accord.core.reports), printed here at once, as
`accord report policy` would; Markdown is the version's own text with a short header."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from accord.cli_support import CliError
from accord.core.cli import org_or_fail, setup


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    verbs = sub.add_parser("policy", help="the organisation's policies").add_subparsers(
        dest="policy_verb", metavar="ACTION")

    p = verbs.add_parser("list", help="list an organisation's policies: id, ref, kind, version in force, "
                                      "approvals awaited, next review (OVERDUE when past), title (tab-separated)")
    p.add_argument("org", help="organisation slug")
    p.set_defaults(handler=_list)

    p = verbs.add_parser("export", help="write one policy version as PDF or Markdown")
    p.add_argument("org", help="organisation slug")
    p.add_argument("policy", help="the policy's id or reference (POL-001)")
    p.add_argument("--format", choices=("pdf", "md"), default="pdf")
    p.add_argument("--version", type=int, metavar="N", help="the version (default: in force, else the latest)")
    p.add_argument("--out", required=True, help="the file to write ('-' for standard output, Markdown only)")
    p.set_defaults(handler=_export)


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _list(args: argparse.Namespace) -> int:
    setup()
    from accord.policies import selectors

    org = org_or_fail(args.org)
    try:
        for row in selectors.policy_rows(org):
            policy = row.policy
            review = policy.next_review_on.isoformat() if policy.next_review_on else "-"
            awaiting = (f"v{row.draft.version} awaits {', '.join(row.pending_labels) or 'nothing'}"
                        if row.draft is not None else "-")
            print("\t".join([str(policy.pk), policy.ref, policy.kind,
                             f"v{row.in_force.version}" if row.in_force else "-", awaiting,
                             review + (" OVERDUE" if row.overdue else ""), _one_line(policy.title)]))
    except BrokenPipeError:  # `accord policy list ORG | head`
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return 0


def _markdown(policy: object, version: object) -> str:
    p, v = policy, version
    header = (f"<!-- {p.ref} {p.title} · v{v.version} · {v.get_status_display()} -->\n\n")  # type: ignore[attr-defined]
    return header + v.body.rstrip() + "\n"  # type: ignore[attr-defined]


def _export(args: argparse.Namespace) -> int:
    setup()
    from django.core.exceptions import ValidationError
    from django.http import Http404

    from accord.core import reports
    from accord.policies import selectors
    from accord.policies.reports import POLICY, check

    org = org_or_fail(args.org)
    try:
        policy = selectors.access_policy(org, args.policy)
    except Http404:
        raise CliError(f"no policy '{args.policy}' in {org.slug} (see `accord policy list {org.slug}`)") from None
    try:
        parameters = check(org, {"policy": policy.pk, "version": args.version})
    except Http404:  # only a version asked for by number can be missing
        raise CliError(f"{policy.ref} has no version {args.version} (its versions are on its page, "
                       f"the one in force in `accord policy list {org.slug}`)") from None
    except ValidationError as exc:
        raise CliError(" ".join(exc.messages)) from None
    if args.format == "md":
        text = _markdown(policy, selectors.access_version(org, policy, parameters["version"]))
        if args.out == "-":
            sys.stdout.write(text)
        else:
            Path(args.out).write_text(text, encoding="utf-8")
    else:
        if args.out == "-":
            raise CliError("a PDF goes to a file: give --out FILE.pdf")
        Path(args.out).write_bytes(reports.render_pdf(org, POLICY, parameters=parameters))
    if args.out != "-":
        print(f"wrote {args.out} ({policy.ref} v{parameters['version']}, {args.format})")
    return 0
