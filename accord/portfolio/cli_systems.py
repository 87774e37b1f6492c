"""Systems inventory verbs of the `accord` command: `accord system list|export|import`.

Operators act as the system: imports carry no actor and the audit trail labels them "system". The import is
the web page's and the API's (all or nothing, every refused row named with its column), run here at once.
"""

from __future__ import annotations

import argparse
import sys

from accord.core.cli import org_or_fail, setup
from accord.portfolio.choices_systems import Criticality, Hosting, SystemKind, TimeClass

FORMATS = ("csv", "xlsx")


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    verbs = sub.add_parser("system", help="the systems inventory").add_subparsers(dest="system_verb",
                                                                                 metavar="ACTION")
    p = verbs.add_parser("list", help="list an organisation's systems: ref, kind, criticality, end of support, "
                                      "TIME, flag, dependencies, name (tab-separated)")
    p.add_argument("org", help="organisation slug")
    p.add_argument("--kind", choices=SystemKind.values)
    p.add_argument("--criticality", choices=Criticality.values)
    p.add_argument("--hosting", choices=Hosting.values)
    p.add_argument("--time", choices=[*TimeClass.values, "undecided"])
    p.add_argument("--support", choices=("ended", "ending"), help="vendor support ended, or ends within 12 months")
    p.add_argument("--flagged", action="store_true", help="only those the security input suggests to migrate or "
                                                          "eliminate")
    p.set_defaults(handler=_list)

    p = verbs.add_parser("export", help="export the inventory to CSV or XLSX")
    p.add_argument("org", help="organisation slug")
    p.add_argument("--format", choices=FORMATS, help="default: the extension of --out")
    p.add_argument("--out", required=True, metavar="FILE", help="the file to write ('-' for standard output, CSV)")
    p.set_defaults(handler=_export)

    p = verbs.add_parser("import", help="add the systems of a CSV or XLSX file and update those its `name` column "
                                        "names; all or nothing")
    p.add_argument("org", help="organisation slug")
    p.add_argument("file", help="a .csv (UTF-8, ',' or ';') or .xlsx file in the export's columns (docs/systems.md)")
    p.add_argument("--dry-run", action="store_true", help="say what each row would do and write nothing")
    p.set_defaults(handler=_import)


def _list(args: argparse.Namespace) -> int:
    setup()
    from accord.portfolio import selectors_systems

    org = org_or_fail(args.org)
    flt = selectors_systems.SystemFilter(kind=args.kind or "", criticality=args.criticality or "",
                                         hosting=args.hosting or "", time=args.time or "", support=args.support or "",
                                         flagged=True if args.flagged else None)
    try:
        for s in selectors_systems.systems(org, flt).iterator(chunk_size=2000):
            needs = ", ".join(s.dependency_names) or "-"
            flag = "migrate/eliminate?" if s.flagged else "-"  # type: ignore[attr-defined]  # an annotation
            print(f"{s.ref}\t{s.kind}\t{s.criticality}\t{s.end_of_support_on or '-'}\t{s.time_class or '-'}\t{flag}\t"
                  f"{needs}\t{' '.join(s.name.split())}")
        sys.stdout.flush()
    except BrokenPipeError:
        from accord.core.tables.cli import reader_left

        reader_left()
    return 0


def _export(args: argparse.Namespace) -> int:
    from accord.core.tables.cli import export_format, write_export

    fmt = export_format(args.format, args.out)
    setup()
    from accord.portfolio.io_systems import export_inventory

    org = org_or_fail(args.org)
    content, _, _ = export_inventory(org, None, fmt)
    return write_export(content, args.out, fmt, f"the systems inventory of {org.slug}")


def _import(args: argparse.Namespace) -> int:
    setup()
    from accord.core.tables.cli import read_rows, run_import
    from accord.portfolio.io_systems import parse_upload
    from accord.portfolio.services_systems_import import do_import_systems

    org = org_or_fail(args.org)
    rows = read_rows(args.file, parse_upload)
    report = run_import(args.file, rows, lambda r, dry_run: do_import_systems(None, org, r, dry_run=dry_run),
                        dry_run=args.dry_run)
    if report is not None:
        print(f"imported {args.file} into {org.slug}: {report.summary()}")
    return 0
