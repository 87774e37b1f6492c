"""Framework verbs of the `accord` command: `accord framework import|list|builtin`.

Operators act as the system: imports carry no actor and the audit trail labels them "system".
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from typing import Any

from accord.cli_support import CliError, Progress
from accord.core.cli import org_or_fail, setup

#: Top-level names of an OSCAL document that `import` hands to the OSCAL converter.
OSCAL_ROOTS = ("catalog", "profile")
OSCAL_MODULE = "accord.compliance.oscal"


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    framework = sub.add_parser("framework", help="frameworks an organisation assesses itself against").add_subparsers(
        dest="framework_verb", metavar="ACTION")

    p = framework.add_parser("import", help="import a framework file (Accord's JSON format, docs/frameworks.md, "
                                            "or an OSCAL catalog or profile); all or nothing")
    p.add_argument("org", help="organisation slug")
    p.add_argument("file", help="the JSON file, or a spreadsheet (.csv, .xlsx: one row per requirement; "
                                "docs/frameworks.md lists the columns)")
    p.add_argument("--against", metavar="KEY", help="an OSCAL profile: resolve it against this framework already "
                                                    "imported into the organisation (key or key@version; "
                                                    "`accord framework list ORG` shows them)")
    p.add_argument("--key", help="an OSCAL document: the new framework's key (default: made from its title); a "
                                 "spreadsheet: its key where the framework_key column is blank")
    p.add_argument("--name", help="a spreadsheet: the framework's name where the framework_name column is blank")
    p.add_argument("--version", help="a spreadsheet: the framework's version where framework_version is blank")
    p.add_argument("--publisher", help="a spreadsheet: the framework's publisher where framework_publisher is blank")
    p.add_argument("--progress", action="store_true", help="draw the progress bar even when stderr is not a "
                                                           "terminal")
    p.set_defaults(handler=_import)

    p = framework.add_parser("list", help="list an organisation's frameworks: key@version, requirements, name "
                                          "(tab-separated)")
    p.add_argument("org", help="organisation slug")
    p.set_defaults(handler=_list)

    p = framework.add_parser("builtin", help="install a built-in framework (iso27001-2022, ...)")
    p.add_argument("org", help="organisation slug")
    p.add_argument("key", help="the built-in framework's key")
    p.set_defaults(handler=_builtin)


def _read(path: str) -> Any:
    from accord.compliance import frameworkfile

    try:
        with open(path, "rb") as fileobj:
            content = fileobj.read(frameworkfile.MAX_BYTES + 1)
    except OSError as exc:
        raise CliError(f"cannot read '{path}': {exc.strerror or exc}") from None
    try:
        return frameworkfile.read_json(content)
    except frameworkfile.FileInvalid as exc:
        raise CliError(f"{path}: {exc}") from None


def _from_oscal(path: str, data: dict[str, Any], args: argparse.Namespace, org: Any) -> Any:
    """The OSCAL document converted to Accord's format by `accord.compliance.oscal.to_framework`; a profile
    resolved against the framework `--against` names (read back from the organisation's rows)."""
    root = next(name for name in OSCAL_ROOTS if name in data)
    try:
        oscal = importlib.import_module(OSCAL_MODULE)
    except ModuleNotFoundError as exc:
        if exc.name != OSCAL_MODULE:
            raise
        raise CliError(f"{path} is an OSCAL {root}, and this Accord cannot import OSCAL yet; convert it to "
                       "Accord's framework format (docs/frameworks.md)") from None
    against = None
    if args.against:
        from django.core.exceptions import ValidationError

        from accord.compliance.importing import against_document

        print(f"reading {args.against} of {org.slug} to resolve the profile against…", file=sys.stderr)
        try:
            against = against_document(org, args.against)
        except ValidationError as exc:
            raise CliError(f"--against: {' '.join(m for ms in exc.message_dict.values() for m in ms)}") from None
    print(f"converting the OSCAL {root} of {path}…", file=sys.stderr)
    try:
        return oscal.to_framework(data, against, key=args.key) if (against or args.key) else oscal.to_framework(data)
    except ValueError as exc:  # the converter's OscalError lists every problem, one per line
        for error in getattr(exc, "errors", [str(exc)]):
            print(error, file=sys.stderr)
        raise CliError(f"{path}: not an OSCAL {root} Accord can import ({len(getattr(exc, 'errors', [1]))} "
                       "problem(s)); nothing was imported") from None


def _import(args: argparse.Namespace) -> int:
    setup()
    from accord.compliance import frameworkfile

    org = org_or_fail(args.org)
    print(f"reading {args.file}…", file=sys.stderr)
    if _is_sheet(args.file):
        return _import_sheet(args, org)
    if args.name or args.version or args.publisher:
        raise CliError("--name, --version and --publisher are for spreadsheets; a JSON file names its own")
    data = _read(args.file)
    if isinstance(data, dict) and any(name in data for name in OSCAL_ROOTS):
        data = _from_oscal(args.file, data, args, org)
    elif args.against or args.key:
        raise CliError("--against and --key are for OSCAL documents; a file in Accord's format names its own key")
    try:
        framework_file = frameworkfile.parse(data)
    except frameworkfile.FileInvalid as exc:
        for error in exc.errors:
            print(error, file=sys.stderr)
        raise CliError(f"{args.file}: {len(exc.errors)} problem(s); nothing was imported") from None
    return _write(args, org, framework_file)


def _is_sheet(path: str) -> bool:
    from accord.compliance import sheets

    try:
        with open(path, "rb") as fileobj:
            head = fileobj.read(4)
    except OSError as exc:
        raise CliError(f"cannot read '{path}': {exc.strerror or exc}") from None
    return sheets.looks_like_sheet(path, head)


def _import_sheet(args: argparse.Namespace, org: Any) -> int:
    """A spreadsheet: every refused row named with its field, one line each, and nothing imported."""
    from django.core.exceptions import ValidationError

    from accord.compliance import sheets
    from accord.compliance.services import parse_framework
    from accord.core.tables import ImportRejected

    if args.against:
        raise CliError("--against is for OSCAL profiles; a spreadsheet holds its own requirements")
    given = {"key": args.key or "", "name": args.name or "", "version": args.version or "",
             "publisher": args.publisher or ""}
    try:
        with open(args.file, "rb") as fileobj:
            records = sheets.read(fileobj, args.file)
    except OSError as exc:
        raise CliError(f"cannot read '{args.file}': {exc.strerror or exc}") from None
    except ValidationError as exc:
        raise CliError(f"{args.file}: {' '.join(exc.messages)}") from None
    print(f"checking {len(records):,} row(s) of {args.file}…", file=sys.stderr)
    try:
        document = sheets.build(records, given, source=os.path.basename(args.file))
    except ImportRejected as exc:
        for number, field, message in exc.rows:
            print(f"row {number}, {field}: {message}", file=sys.stderr)
        bad = len({number for number, _, _ in exc.rows})
        raise CliError(f"import rejected: {bad} bad row(s) in {args.file}; nothing was imported") from None
    return _write(args, org, parse_framework(document))


def _write(args: argparse.Namespace, org: Any, framework_file: Any) -> int:
    """Import a checked framework file, drawing the rows' progress, and say what was imported."""
    from accord.compliance import frameworkfile
    from accord.compliance.services import do_import_framework

    counts = frameworkfile.count(framework_file)
    print(f"importing {counts.groups:,} groups and {counts.requirements:,} requirements…", file=sys.stderr)
    bar = Progress("writing", counts.groups + counts.requirements, force=args.progress)
    framework = do_import_framework(None, org, framework_file,
                                    progress=lambda done, total: bar.advance(done - bar.done))
    print(f"imported {framework.ref} ({framework.name}) into {org.slug}: {counts.requirements:,} requirements, "
          f"{counts.assessable:,} assessable")
    return 0


def _builtin(args: argparse.Namespace) -> int:
    setup()
    from accord.compliance.services import do_install_builtin_framework

    org = org_or_fail(args.org)
    framework = do_install_builtin_framework(None, org, args.key)
    print(f"installed {framework.ref} ({framework.name}) into {org.slug}")
    return 0


def _list(args: argparse.Namespace) -> int:
    setup()
    from accord.compliance import selectors

    org = org_or_fail(args.org)
    for framework in selectors.frameworks(org):
        count = framework.requirement_count  # type: ignore[attr-defined]  # an annotation of selectors.frameworks
        print(f"{framework.ref}\t{count}\t{' '.join(framework.name.split())}")
    return 0
