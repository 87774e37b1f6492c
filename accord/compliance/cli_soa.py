"""Statement of Applicability verbs of the `accord` command: `accord soa list ORG` (one line per Annex A control)
and `accord soa export ORG --format xlsx|pdf --out FILE` (the PDF printed here, synchronously, as
`accord report soa` does)."""

from __future__ import annotations

import argparse

from accord.cli_support import CliError
from accord.core.cli import org_or_fail, setup

FORMATS = ("xlsx", "pdf")


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    soa = sub.add_parser("soa", help="the ISO 27001 Statement of Applicability: list it, export it").add_subparsers(
        dest="soa_verb", metavar="ACTION")

    p = soa.add_parser("list", help="list the Annex A controls: id, applicable (yes/no), status, linked controls, "
                                    "title, justification (tab-separated)")
    p.add_argument("org", help="organisation slug")
    p.set_defaults(handler=_list)

    p = soa.add_parser("export", help="write the Statement of Applicability to a file (XLSX, or PDF)")
    p.add_argument("org", help="organisation slug")
    p.add_argument("--format", choices=FORMATS, default="xlsx", help="xlsx (default) or pdf")
    p.add_argument("--out", required=True, metavar="FILE", help="the file to write ('-': standard output)")
    p.add_argument("--language", default="", metavar="CODE",
                   help="the PDF's language, e.g. fr (default: the organisation's, else English)")
    p.set_defaults(handler=_export)


def _list(args: argparse.Namespace) -> int:
    setup()
    from accord.compliance import selectors_soa

    org = org_or_fail(args.org)
    soa = selectors_soa.soa(org)
    if soa.framework is None:
        raise CliError(f"{org.slug} has no ISO 27001 framework (install it: `accord framework builtin {org.slug} "
                       "iso27001-2022`)")
    for row in soa.rows:
        justification = " ".join(row.justification.split()) or ("" if row.justified else "(not yet justified)")
        print(f"{row.ref}\t{'yes' if row.applicable else 'no'}\t{row.status.value}\t"
              f"{','.join(c.ref for c in row.controls) or '-'}\t{' '.join(row.requirement.title.split())}\t"
              f"{justification}")
    return 0


def _export(args: argparse.Namespace) -> int:
    setup()
    from django.core.exceptions import ValidationError

    from accord.compliance import exports_soa, selectors_soa
    from accord.compliance.reports_soa import SOA
    from accord.core import reports
    from accord.core.i18n import SUPPORTED, unknown_language_message
    from accord.core.tables.cli import write_export

    org = org_or_fail(args.org)
    if selectors_soa.soa_framework(org) is None:
        raise CliError(f"{org.slug} has no ISO 27001 framework (install it: `accord framework builtin {org.slug} "
                       "iso27001-2022`)")
    if args.language and args.language not in SUPPORTED:
        raise CliError(str(unknown_language_message(args.language)))
    try:
        if args.format == "pdf":
            content = reports.render_pdf(org, SOA, language=args.language)
        else:
            content = exports_soa.export(org, args.format)[0]
    except ValidationError as exc:
        raise CliError(" ".join(exc.messages)) from None
    return write_export(content, args.out, args.format, f"the Statement of Applicability of {org.slug}")
