"""Audit verbs of the `accord` command ("assessment": on the command line "audit" is the audit trail):
`accord assessment list ORG` and `accord assessment export ORG ID --format xlsx|oscal|pdf --out FILE` (OSCAL:
assessment-results; PDF: the audit report, printed here rather than queued as the pages and the API do)."""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any

from accord.cli_support import CliError
from accord.core.cli import org_or_fail, setup

FORMATS = ("xlsx", "pdf", "oscal")


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    assessment = sub.add_parser("assessment", help="audits of a framework: list them, export one").add_subparsers(
        dest="assessment_verb", metavar="ACTION")

    p = assessment.add_parser("list", help="list an organisation's audits: ref, status, framework, results assessed "
                                           "of all, open findings, title (tab-separated)")
    p.add_argument("org", help="organisation slug")
    p.set_defaults(handler=_list)

    p = assessment.add_parser("export", help="write an audit to a file: its scope, results, findings and "
                                             "remediation plan (XLSX), as OSCAL assessment-results (JSON), "
                                             "or as the audit report (PDF: summary, results by group with a "
                                             "chart, findings, remediation plan)")
    p.add_argument("org", help="organisation slug")
    p.add_argument("id", help="the audit's ref (AUD-001) or id")
    p.add_argument("--format", choices=FORMATS, default="xlsx", help="xlsx (default), oscal or pdf")
    p.add_argument("--out", required=True, metavar="FILE", help="the file to write")
    p.set_defaults(handler=_export)


def _audit(org: Any, ident: str) -> Any:
    from django.http import Http404

    from accord.compliance import selectors_assessments

    try:
        return selectors_assessments.access_assessment(org, ident)
    except Http404:
        raise CliError(f"no audit '{ident}' in {org.slug} (see `accord assessment list {org.slug}`)") from None


def _list(args: argparse.Namespace) -> int:
    setup()
    from accord.compliance import selectors_assessments

    org = org_or_fail(args.org)
    for a in selectors_assessments.assessments(org):
        done = a.result_count - a.not_assessed_count  # type: ignore[attr-defined]  # annotations of the selector
        print(f"{a.ref}\t{a.status}\t{a.framework.ref}\t{done}/{a.result_count}\t"  # type: ignore[attr-defined]
              f"{a.open_finding_count}\t{' '.join(a.title.split())}")
    return 0


def _export(args: argparse.Namespace) -> int:
    setup()
    from django.core.exceptions import ValidationError

    from accord.compliance import exports_assessments

    org = org_or_fail(args.org)
    assessment = _audit(org, args.id)
    try:
        if args.format == exports_assessments.PDF:
            print(f"{assessment.ref}: printing the audit report", file=sys.stderr)
            content, _name = exports_assessments.pdf(org, assessment)
        else:
            content, _type, _name = exports_assessments.export(org, assessment, args.format)
    except ValidationError as exc:
        raise CliError(" ".join(exc.messages)) from None
    try:
        with open(args.out, "wb") as out:
            out.write(content)
    except OSError as exc:
        raise CliError(f"cannot write '{args.out}': {exc.strerror or exc}") from None
    print(f"{assessment.ref}: {len(content)} bytes written to {os.path.basename(args.out)}", file=sys.stderr)
    return 0
