"""Risk register verbs of the `accord` command: `accord risk list|export|import|archive|restore`.

Operators act as the system: writes carry no actor and the audit trail labels them "system".
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any

from accord.cli_support import CliError
from accord.core.cli import org_or_fail, setup
from accord.risks import cli_signing
from accord.risks.choices import Level

LEVELS = tuple(Level.values)  # TextChoices need no configured Django, only its models module
FORMATS = ("csv", "xlsx")


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    risk = sub.add_parser("risk", help="the risk register").add_subparsers(dest="risk_verb", metavar="ACTION")

    p = risk.add_parser("list", help="list an organisation's risks: ref, level, flags, title (tab-separated)")
    p.add_argument("org", help="organisation slug")
    p.add_argument("--level", choices=LEVELS, help="only risks with this residual level")
    p.add_argument("--above-tolerance", action="store_true", help="only risks above the signed appetite")
    p.add_argument("--archived", action="store_true", help="the archived risks instead of the register")
    p.set_defaults(handler=_list)

    p = risk.add_parser("export", help="export the register to CSV or XLSX")
    p.add_argument("org", help="organisation slug")
    p.add_argument("--format", choices=FORMATS, help="default: the extension of --out")
    p.add_argument("--out", required=True, metavar="FILE", help="the file to write ('-' for standard output, CSV)")
    p.set_defaults(handler=_export)

    p = risk.add_parser("import", help="add the risks of a CSV or XLSX file, update those its `ref` column names "
                                       "(all or nothing)")
    p.add_argument("org", help="organisation slug")
    p.add_argument("file", help="a .csv (UTF-8, ',' or ';') or .xlsx file in the export's columns")
    p.add_argument("--dry-run", action="store_true",
                   help="say what each row would do (add, update and which fields, unchanged, refused and why); "
                        "write nothing")
    p.add_argument("--job", metavar="EMAIL", help="queue the import as a background job run by a worker as this "
                   "member (for a large file; follow it with `accord job show`)")
    p.set_defaults(handler=_import)

    p = risk.add_parser("archive", help="take a risk out of the register (restorable; its pending acceptances "
                                        "are withdrawn)")
    p.add_argument("org", help="organisation slug")
    p.add_argument("risk", help="the risk's reference (R-001) or id")
    p.add_argument("--reason", required=True, help="why it leaves the register (kept in its history)")
    p.set_defaults(handler=_archive)

    p = risk.add_parser("restore", help="bring an archived risk back into the register")
    p.add_argument("org", help="organisation slug")
    p.add_argument("risk", help="the risk's reference (R-001) or id")
    p.add_argument("--reason", default="", help="why it comes back (optional, kept in its history)")
    p.set_defaults(handler=_restore)

    cli_signing.register(sub)


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _list(args: argparse.Namespace) -> int:
    setup()
    from accord.risks import selectors

    org = org_or_fail(args.org)
    filters = selectors.RiskFilter(level=args.level or "", above_tolerance=True if args.above_tolerance else None,
                                   archived=args.archived)
    try:
        for risk in selectors.risks(org, filters).iterator(chunk_size=1000):
            # The register query's flags (selectors.annotated_risks), the ones the API and the pages show.
            flags = [name for name, on in (
                ("above-tolerance", risk.above_tolerance),
                ("accepted", risk.accepted),
                ("review-overdue", risk.review_overdue),
                ("treatment-overdue", risk.treatment_overdue),
            ) if on]
            print(f"{risk.ref}\t{risk.residual_level}\t{','.join(flags) or '-'}\t{_one_line(risk.title)}")
        sys.stdout.flush()
    except BrokenPipeError:
        from accord.core.tables.cli import reader_left

        reader_left()
    return 0


def _export(args: argparse.Namespace) -> int:
    from accord.core.tables.cli import export_format, write_export

    fmt = export_format(args.format, args.out)
    setup()
    from accord.risks.io import export_register

    org = org_or_fail(args.org)
    content, _, _ = export_register(org, None, fmt)
    return write_export(content, args.out, fmt, f"the risk register of {org.slug}")


def _import(args: argparse.Namespace) -> int:
    setup()
    from accord.core.tables.cli import read_rows, run_import
    from accord.risks.io import parse_upload
    from accord.risks.services import do_import_risks

    org = org_or_fail(args.org)
    if args.job:
        return _import_as_job(args, org)
    rows = read_rows(args.file, parse_upload)
    report = run_import(args.file, rows, lambda r, dry_run: do_import_risks(None, org, r, dry_run=dry_run),
                        dry_run=args.dry_run)
    if report is None:
        return 0
    created = report.created
    print(f"imported {args.file} into {org.slug}: {report.summary()}"
          + (f" (added {created[0].ref} to {created[-1].ref})" if created else ""))
    return 0


def _import_as_job(args: argparse.Namespace, org: Any) -> int:
    from accord.core.selectors import user_by_email
    from accord.risks.jobs import do_queue_risk_import

    if args.dry_run:
        raise CliError("--dry-run and --job do not go together: a dry run answers at once")
    user = user_by_email(args.job)
    if user is None:
        raise CliError(f"no user with the e-mail address '{args.job}'")
    try:
        with open(args.file, "rb") as fileobj:
            content = fileobj.read()
    except OSError as exc:
        raise CliError(f"cannot read '{args.file}': {exc.strerror or exc}") from None
    job = do_queue_risk_import(user, org, content, os.path.basename(args.file))
    print(f"job {job.pk}: {job.status}" + (f": {job.error}" if job.error else "")
          + f" (see: accord job show {org.slug} {job.pk})")
    return 1 if job.status == "failed" else 0


def _risk_or_fail(org: Any, key: str) -> Any:
    from django.http import Http404

    from accord.risks import selectors

    try:
        return selectors.access_risk(org, key)
    except Http404:
        raise CliError(f"no risk '{key}' in {org.slug} (see `accord risk list {org.slug}`)") from None


def _archive(args: argparse.Namespace) -> int:
    setup()
    from accord.risks.services import do_archive_risk

    org = org_or_fail(args.org)
    risk = do_archive_risk(None, org, _risk_or_fail(org, args.risk), reason=args.reason)
    print(f"archived {risk.ref} {_one_line(risk.title)}: out of the register of {org.slug} "
          f"(restore with `accord risk restore {org.slug} {risk.ref}`)")
    return 0


def _restore(args: argparse.Namespace) -> int:
    setup()
    from accord.risks.services import do_restore_risk

    org = org_or_fail(args.org)
    risk = do_restore_risk(None, org, _risk_or_fail(org, args.risk), reason=args.reason)
    print(f"restored {risk.ref} {_one_line(risk.title)} to the register of {org.slug}")
    return 0
