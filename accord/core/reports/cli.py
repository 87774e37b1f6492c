"""`accord report NAME ORG --out FILE.pdf`: a registered report (`accord.core.reports`) printed to PDF,
synchronously, as the operator (the system: the report writes no tenant data, so no audit event)."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from accord.cli_support import CliError
from accord.core.cli import org_or_fail, setup


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("report", help="print a report to PDF (reports: register)")
    p.add_argument("name", metavar="REPORT", help="which report: register (the risk register and its money view)")
    p.add_argument("org", help="organisation slug")
    p.add_argument("--out", required=True, metavar="FILE.pdf", help="the PDF file to write ('-' for standard output)")
    p.add_argument("--language", default="", metavar="CODE",
                   help="the report's language, e.g. fr (default: the organisation's, else English)")
    p.add_argument("--with", dest="parameters", action="append", default=[], metavar="NAME=VALUE",
                   help="a parameter of a report about one thing among several (audit=AUD-001); repeatable")
    p.set_defaults(handler=_report)


def _parameters(given: list[str]) -> dict[str, str]:
    found = {}
    for item in given:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise CliError(f"--with takes NAME=VALUE, not '{item}'")
        found[name.strip()] = value.strip()
    return found


def _report(args: argparse.Namespace) -> int:
    setup()
    from accord.core import reports

    try:
        report = reports.get(args.name)
    except reports.UnknownReport as exc:
        raise CliError(str(exc)) from None
    org = org_or_fail(args.org)
    out = None if args.out == "-" else Path(args.out)
    if out is not None and not out.parent.is_dir():
        raise CliError(f"cannot write '{args.out}': no directory '{out.parent}'")
    from accord.core.i18n import SUPPORTED, unknown_language_message

    if args.language and args.language not in SUPPORTED:
        raise CliError(str(unknown_language_message(args.language)))
    from django.core.exceptions import ValidationError
    from django.http import Http404

    started = time.monotonic()
    try:
        pdf = reports.render_pdf(org, report.name, language=args.language, parameters=_parameters(args.parameters))
    except ValidationError as exc:
        raise CliError(f"the {report.name} report: {' '.join(exc.messages)}") from None
    except Http404 as exc:
        raise CliError(f"the {report.name} report: {exc}") from None
    if out is None:
        sys.stdout.buffer.write(pdf)
        sys.stdout.flush()
        return 0
    try:
        out.write_bytes(pdf)
    except OSError as exc:
        raise CliError(f"cannot write '{args.out}': {exc.strerror or exc}") from None
    print(f"wrote the {report.name} report of {org.slug} to {args.out} "
          f"({len(pdf):,} bytes, {time.monotonic() - started:.1f} s)")
    return 0
