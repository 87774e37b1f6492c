"""Controls verbs of the `accord` command: `accord control list|export|import`.

Operators act as the system: imports carry no actor and the audit trail labels them "system".
"""

from __future__ import annotations

import argparse
import sys

from accord.core.cli import org_or_fail, setup

FORMATS = ("csv", "xlsx", "oscal")
STATUSES = ("planned", "in_progress", "implemented", "retired")  # accord.compliance.choices.ControlStatus
KINDS = ("policy", "process", "technical", "physical")  # ControlKind


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    control = sub.add_parser("control", help="the controls library").add_subparsers(dest="control_verb",
                                                                                    metavar="ACTION")
    p = control.add_parser("list", help="list an organisation's controls: ref, status, kind, risks, requirements, "
                                        "name (tab-separated)")
    p.add_argument("org", help="organisation slug")
    p.add_argument("--status", choices=STATUSES, help="only controls with this status")
    p.add_argument("--kind", choices=KINDS, help="only controls of this kind")
    p.set_defaults(handler=_list)

    p = control.add_parser("export", help="export the controls library (with its links) to CSV or XLSX, or as an "
                                          "OSCAL component-definition (JSON)")
    p.add_argument("org", help="organisation slug")
    p.add_argument("--format", choices=FORMATS, help="default: the extension of --out (.json: oscal)")
    p.add_argument("--out", required=True, metavar="FILE", help="the file to write ('-' for standard output, CSV)")
    p.set_defaults(handler=_export)

    p = control.add_parser("import", help="add the controls of a CSV or XLSX file and update those its `ref` column "
                                          "names, with their links to risks and requirements; all or nothing")
    p.add_argument("org", help="organisation slug")
    p.add_argument("file", help="a .csv (UTF-8, ',' or ';') or .xlsx file in the export's columns "
                                "(docs/controls.md#files)")
    p.add_argument("--dry-run", action="store_true", help="say what each row would do and write nothing")
    p.set_defaults(handler=_import)


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _list(args: argparse.Namespace) -> int:
    setup()
    from accord.compliance import selectors_controls

    org = org_or_fail(args.org)
    filters = selectors_controls.ControlFilter(status=args.status or "", kind=args.kind or "")
    try:
        for control in selectors_controls.controls(org, filters).iterator(chunk_size=1000):
            counts = (control.risk_count, control.requirement_count)  # type: ignore[attr-defined]  # annotations
            print(f"{control.ref}\t{control.status}\t{control.kind}\t{counts[0]}\t{counts[1]}\t"
                  f"{_one_line(control.name)}")
        sys.stdout.flush()
    except BrokenPipeError:
        from accord.core.tables.cli import reader_left

        reader_left()
    return 0


def _export(args: argparse.Namespace) -> int:
    from accord.core.tables.cli import export_format, write_export

    if args.format == "oscal" or (args.format is None and args.out.lower().endswith(".json")):
        return _export_oscal(args)
    fmt = export_format(args.format, args.out)
    setup()
    from accord.compliance.io_controls import export_controls

    org = org_or_fail(args.org)
    content, _, _ = export_controls(org, fmt)
    return write_export(content, args.out, fmt, f"the controls library of {org.slug}")


def _export_oscal(args: argparse.Namespace) -> int:
    setup()
    import json

    from django.utils import timezone

    from accord.compliance.oscal.export import component_definition
    from accord.compliance.selectors_oscal import library_controls
    from accord.core.tables.cli import write_export

    org = org_or_fail(args.org)
    document = component_definition(org.slug, f"Controls library of {org.name}", library_controls(org),
                                    now=timezone.now())
    content = (json.dumps(document, indent=2, ensure_ascii=False) + "\n").encode()
    return write_export(content, args.out, "oscal", f"the controls library of {org.slug} as OSCAL")


def _import(args: argparse.Namespace) -> int:
    setup()
    from accord.compliance.io_controls import parse_upload
    from accord.compliance.services_control_imports import do_import_controls
    from accord.core.tables.cli import read_rows, run_import

    org = org_or_fail(args.org)
    rows = read_rows(args.file, parse_upload)
    report = run_import(args.file, rows, lambda r, dry_run: do_import_controls(None, org, r, dry_run=dry_run),
                        dry_run=args.dry_run)
    if report is not None:
        print(f"imported {args.file} into {org.slug}: {report.summary()}")
    return 0
