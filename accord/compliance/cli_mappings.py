"""Mapping-set verbs of the `accord` command: `accord mapping list|import|builtin`.

Operators act as the system: imports carry no actor and the audit trail labels them "system".
"""

from __future__ import annotations

import argparse
import sys

from accord.cli_support import CliError
from accord.core.cli import org_or_fail, setup


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    mapping = sub.add_parser("mapping", help="mapping sets between an organisation's frameworks").add_subparsers(
        dest="mapping_verb", metavar="ACTION")

    p = mapping.add_parser("list", help="list an organisation's mapping sets: key, source → target, pairs, name "
                                        "(tab-separated)")
    p.add_argument("org", help="organisation slug")
    p.set_defaults(handler=_list)

    p = mapping.add_parser("import", help="import a mapping-set file (Accord's JSON format, docs/frameworks.md) "
                                          "between two frameworks already imported; all or nothing")
    p.add_argument("org", help="organisation slug")
    p.add_argument("file", help="the JSON file")
    p.set_defaults(handler=_import)

    p = mapping.add_parser("builtin", help="install the built-in mapping sets whose two frameworks the "
                                           "organisation has (idempotent), or one set by its key")
    p.add_argument("org", nargs="?", help="organisation slug (or --all)")
    p.add_argument("key", nargs="?", help="one built-in set's key (default: every one that fits)")
    p.add_argument("--all", action="store_true", help="every organisation (after an upgrade)")
    p.set_defaults(handler=_builtin)


def _list(args: argparse.Namespace) -> int:
    setup()
    from accord.compliance import selectors_mappings

    org = org_or_fail(args.org)
    for found in selectors_mappings.mapping_sets(org):
        count = found.pair_count  # type: ignore[attr-defined]  # an annotation of selectors_mappings.mapping_sets
        print(f"{found.key}\t{found.source_framework.ref} → {found.target_framework.ref}\t{count}\t"
              f"{' '.join(found.name.split())}")
    return 0


def _import(args: argparse.Namespace) -> int:
    setup()
    from django.core.exceptions import ValidationError

    from accord.compliance import frameworkfile, services_mappings
    from accord.compliance.models_mappings import Mapping

    org = org_or_fail(args.org)
    try:
        with open(args.file, "rb") as fileobj:
            content = fileobj.read(frameworkfile.MAX_BYTES + 1)
    except OSError as exc:
        raise CliError(f"cannot read '{args.file}': {exc.strerror or exc}") from None
    try:
        document = frameworkfile.read_json(content)
    except frameworkfile.FileInvalid as exc:
        raise CliError(f"{args.file}: {exc}") from None
    if not isinstance(document, dict):
        raise CliError(f"{args.file}: not a mapping-set document (a JSON object; docs/frameworks.md)")
    try:
        made = services_mappings.do_import_mapping_set(None, org, document)
    except ValidationError as exc:
        problems = [f"{field}: {message}" for field, messages in exc.message_dict.items() for message in messages]
        for problem in problems:
            print(problem, file=sys.stderr)
        raise CliError(f"{args.file}: {len(problems)} problem(s); nothing was imported") from None
    count = Mapping.objects.for_org(org).filter(mapping_set=made).count()
    print(f"imported {made.key} ({made.name}) into {org.slug}: {count} pairs from {made.source_framework.ref} to "
          f"{made.target_framework.ref}")
    return 0


def _builtin(args: argparse.Namespace) -> int:
    setup()
    from accord.compliance import services_mappings
    from accord.core.models import Organization

    if args.all == bool(args.org):
        raise CliError("give an organisation's slug, or --all for every organisation")
    if args.all and args.key:
        raise CliError("--all installs every built-in set that fits; give no key with it")
    orgs = [org_or_fail(args.org)] if args.org else list(Organization.objects.order_by("slug"))
    installed = 0
    for org in orgs:
        if args.key:
            made = [services_mappings.do_install_builtin_mapping_set(None, org, args.key)]
        else:
            made = services_mappings.do_install_builtin_mapping_sets(None, org)
        for found in made:
            print(f"installed {found.key} into {org.slug}: {found.source_framework.ref} → "
                  f"{found.target_framework.ref}")
        installed += len(made)
    if not installed:
        print("nothing to install: every built-in set whose frameworks are here is installed")
    return 0
