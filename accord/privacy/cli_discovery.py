"""Data-privacy audit verbs of the `accord privacy` command (registered by `accord/privacy/cli.py`):

- `accord privacy data-audit create ORG --title T [--activity PA-001 ...] [--system S-001 ...]`
- `accord privacy data-audit import ORG DPA-001 --file discovery.csv` (progress on stderr; all or nothing)
- `accord privacy data-audit discrepancies ORG DPA-001 [--compare]` (tab-separated; `--compare` keeps them as
  findings first)

Operators act as the system: writes carry no actor and the audit trail labels them "system"."""

from __future__ import annotations

import argparse
import hashlib
import sys
from typing import Any

from accord.cli_support import CliError
from accord.core.cli import org_or_fail, setup


def register(verbs: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `data-audit` to the `accord privacy` verbs."""
    audits = verbs.add_parser("data-audit", help="data-privacy audits: declared against observed").add_subparsers(
        dest="data_audit_verb", metavar="ACTION")
    p = audits.add_parser("create", help="plan a data-privacy audit of activities and systems")
    p.add_argument("org", help="organisation slug")
    p.add_argument("--title", required=True)
    p.add_argument("--activity", action="append", default=[], metavar="PA-001", help="an activity of the scope")
    p.add_argument("--system", action="append", default=[], metavar="S-001", help="a system of the scope")
    p.set_defaults(handler=_create)
    p = audits.add_parser("import", help="import data-discovery results (CSV or XLSX) into an audit")
    p.add_argument("org", help="organisation slug")
    p.add_argument("audit", metavar="DPA-001")
    p.add_argument("--file", required=True, metavar="FILE", help="columns: system, location, field, "
                                                                "classification, rows")
    p.set_defaults(handler=_import)
    p = audits.add_parser("discrepancies", help="list an audit's discrepancies (tab-separated)")
    p.add_argument("org", help="organisation slug")
    p.add_argument("audit", metavar="DPA-001")
    p.add_argument("--compare", action="store_true", help="compare first: new discrepancies become findings")
    p.set_defaults(handler=_discrepancies)


def _refused(exc: Any) -> CliError:
    if hasattr(exc, "error_dict"):
        return CliError("; ".join(f"{field}: {' '.join(messages)}" for field, messages in exc.message_dict.items()))
    return CliError("; ".join(exc.messages))


def _audit(org: Any, ref: str) -> Any:
    from django.http import Http404

    from accord.privacy.reports_discovery import _audit as find

    try:
        return find(org, ref)
    except Http404:
        raise CliError(f"no data-privacy audit '{ref}' in {org.slug} (give DPA-001 or its id)") from None


def _create(args: argparse.Namespace) -> int:
    setup()
    from django.core.exceptions import ValidationError

    from accord.privacy import services_discovery

    org = org_or_fail(args.org)
    try:
        made = services_discovery.do_create_data_audit(None, org, {
            "title": args.title, "activities": args.activity, "systems": args.system})
    except ValidationError as exc:
        raise _refused(exc) from None
    print(f"{made.ref}\t{made.title}\t{made.assessment.ref}")
    return 0


def _import(args: argparse.Namespace) -> int:
    setup()
    from django.core.exceptions import ValidationError

    from accord.core.tables.cli import read_rows
    from accord.privacy import io_discovery, services_discovery

    org = org_or_fail(args.org)
    data_audit = _audit(org, args.audit)
    rows = read_rows(args.file, io_discovery.parse_upload)
    with open(args.file, "rb") as handle:
        digest = hashlib.sha256(handle.read()).hexdigest()

    def progress(percent: int, message: str) -> None:
        print(f"{percent:3d}% {message}", file=sys.stderr)

    try:
        done = services_discovery.do_import_discovery(None, org, data_audit, rows, filename=args.file,
                                                      digest=digest, progress=progress)
    except ValidationError as exc:
        raise _refused(exc) from None
    counts = ", ".join(f"{k} {n}" for k, n in done.by_category.items()) or "none"
    print(f"{data_audit.ref}: {done.fields:,} fields imported, {done.personal:,} holding personal data ({counts})")
    return 0


def _discrepancies(args: argparse.Namespace) -> int:
    setup()
    from django.core.exceptions import ValidationError

    from accord.privacy import selectors_discovery, services_discovery

    org = org_or_fail(args.org)
    data_audit = _audit(org, args.audit)
    if args.compare:
        try:
            done = services_discovery.do_compare_data_audit(None, org, data_audit)
        except ValidationError as exc:
            raise _refused(exc) from None
        print("compared: {created} new, {unchanged} found again, {resolved} resolved, {reopened} reopened".format(
            **done.as_data()), file=sys.stderr)
    kept = {d.key: d for d in selectors_discovery.discrepancies(org, data_audit)}
    for found in selectors_discovery.comparison(org, data_audit).found:
        d = kept.pop(found.key, None)
        status = d.status if d is not None else "pending"
        finding = d.finding.ref if d is not None and d.finding else "-"
        print(f"{found.kind}\t{found.key}\t{status}\t{finding}")
    for d in kept.values():
        print(f"{d.kind}\t{d.key}\t{d.status}\t{d.finding.ref if d.finding else '-'}")
    return 0
