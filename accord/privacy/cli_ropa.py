"""Record-of-processing verbs of the `accord privacy` command: `accord privacy ropa export ORG --format xlsx|pdf
--out FILE`. Registered by the privacy command (`accord/privacy/cli.py` calls `register`)."""

from __future__ import annotations

import argparse
from pathlib import Path

from accord.cli_support import CliError
from accord.core.cli import org_or_fail, setup

FORMATS = ("xlsx", "pdf")


def register(verbs: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `ropa` to the `accord privacy` verbs."""
    ropa = verbs.add_parser("ropa", help="the record of processing activities (Art. 30)").add_subparsers(
        dest="ropa_verb", metavar="ACTION")
    p = ropa.add_parser("export", help="export the whole record of processing to XLSX or PDF")
    p.add_argument("org", help="organisation slug")
    p.add_argument("--format", choices=FORMATS, help="default: the extension of --out")
    p.add_argument("--out", required=True, metavar="FILE", help="the file to write")
    p.set_defaults(handler=_export)


def _export(args: argparse.Namespace) -> int:
    fmt = args.format or Path(args.out).suffix.lower().lstrip(".")
    if fmt not in FORMATS:
        raise CliError(f"give --format {' or '.join(FORMATS)} (the extension of '{args.out}' does not say)")
    setup()
    from accord.core.tables.cli import write_export
    from accord.privacy.exports_ropa import export

    org = org_or_fail(args.org)
    content, _type, _name = export(org, fmt)
    return write_export(content, args.out, fmt, f"the record of processing of {org.slug}")
