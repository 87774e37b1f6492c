"""`accord privacy gdpr-audit suggest ORG AUD-001` (tab-separated: requirement, suggested result, reason, recorded
result, evidence) and `accord privacy gdpr-audit accept ORG AUD-001 Art.35(1) [--result R] [--no-finding]`
(recorded as the system, audited)."""

from __future__ import annotations

import argparse

from accord.cli_support import CliError
from accord.core.cli import org_or_fail, setup


def register(verbs: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `gdpr-audit` to the `accord privacy` verbs."""
    audit = verbs.add_parser("gdpr-audit", help="a GDPR audit pre-filled from the privacy registers").add_subparsers(
        dest="gdpr_verb", metavar="ACTION")
    p = audit.add_parser("suggest", help="the registers' suggestions for an audit of the GDPR framework")
    p.add_argument("org", help="organisation slug")
    p.add_argument("audit", help="the audit's reference (AUD-001) or id")
    p.set_defaults(handler=_suggest)
    p = audit.add_parser("accept", help="record a suggestion in the audit (and a finding when not compliant)")
    p.add_argument("org", help="organisation slug")
    p.add_argument("audit", help="the audit's reference (AUD-001) or id")
    p.add_argument("requirement", help="the requirement, e.g. Art.35(1)")
    p.add_argument("--result", default="", help="your result instead of the suggested one")
    p.add_argument("--no-finding", action="store_true", help="record the result without a finding")
    p.set_defaults(handler=_accept)


def _audit(org: object, ident: str) -> object:
    from django.http import Http404

    from accord.compliance import selectors_assessments

    try:
        return selectors_assessments.access_assessment(org, ident)  # type: ignore[arg-type]
    except Http404:
        raise CliError(f"no audit {ident}") from None


def _suggest(args: argparse.Namespace) -> int:
    setup()
    from django.core.exceptions import ValidationError

    from accord.privacy import selectors_gdpr_audit

    org = org_or_fail(args.org)
    try:
        rows = selectors_gdpr_audit.suggestions(org, _audit(org, args.audit))  # type: ignore[arg-type]
    except ValidationError as exc:
        raise CliError("; ".join(exc.messages)) from None
    for row in rows:
        print("\t".join([row.suggestion.requirement, row.suggestion.result, row.suggestion.reason,
                         row.recorded or "-", "; ".join(row.suggestion.evidence) or "-"]))
    return 0


def _accept(args: argparse.Namespace) -> int:
    setup()
    from django.core.exceptions import ValidationError

    from accord.privacy import services_gdpr_audit

    org = org_or_fail(args.org)
    try:
        recorded = services_gdpr_audit.do_accept_gdpr_suggestion(
            None, org, _audit(org, args.audit), args.requirement, result=args.result,  # type: ignore[arg-type]
            finding=False if args.no_finding else None)
    except ValidationError as exc:
        raise CliError("; ".join(exc.messages)) from None
    print(f"{args.requirement}\t{recorded.result}")
    return 0
