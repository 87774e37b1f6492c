"""Cost verbs of the `accord` command: `accord budget list ORG` and `accord actuals import ORG FILE`.

Operators act as the system: the import carries no actor and the audit trail labels it "system". The import
is the same as on every front: all or nothing, every bad row named.
"""

from __future__ import annotations

import argparse
import sys

from accord.cli_support import verb_group
from accord.core.cli import org_or_fail, setup
from accord.optimize.cli import BUDGET_HELP
from accord.portfolio.choices import CostCategory, CostNature


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    verbs = verb_group(sub, "budget", help_text=BUDGET_HELP, dest="budget_verb")
    p = verbs.add_parser("list", help="list an organisation's budget lines: ref, year, category, nature, budget, "
                                      "actual, variance, what it pays for, title (tab-separated; minor units)")
    p.add_argument("org", help="organisation slug")
    p.add_argument("--year", type=int)
    p.add_argument("--category", choices=CostCategory.values)
    p.add_argument("--nature", choices=CostNature.values)
    p.set_defaults(handler=_list)

    verbs = sub.add_parser("actuals", help="what was spent against the budget lines").add_subparsers(
        dest="actuals_verb", metavar="ACTION")
    p = verbs.add_parser("import", help="book actuals from a CSV or XLSX file (columns line, month, amount, note), "
                                        "all or nothing")
    p.add_argument("org", help="organisation slug")
    p.add_argument("file", help="the CSV or XLSX file")
    p.add_argument("--dry-run", action="store_true", help="say what each row would do; write nothing")
    p.set_defaults(handler=_import)


def _list(args: argparse.Namespace) -> int:
    setup()
    from accord.portfolio import selectors_costs

    org = org_or_fail(args.org)
    filters = selectors_costs.LineFilter(year=args.year, category=args.category or "", nature=args.nature or "")
    try:
        for line in selectors_costs.budget_lines(org, filters):
            figures = line.figures  # type: ignore[attr-defined]
            paid = line.initiative or line.control or line.system
            pays = paid.ref if paid else "-"
            print("\t".join((line.ref, str(line.year), line.category, line.nature, str(line.amount),
                             str(figures.actual), f"{figures.variance:+d}", pays, " ".join(line.title.split()))))
        sys.stdout.flush()
    except BrokenPipeError:  # `accord budget list ORG | head`
        sys.stderr.close()
    return 0


def _import(args: argparse.Namespace) -> int:
    setup()
    from accord.core.tables.cli import read_rows, run_import
    from accord.portfolio.io_costs import parse_upload
    from accord.portfolio.services_costs import do_import_actuals

    org = org_or_fail(args.org)
    rows = read_rows(args.file, parse_upload)
    report = run_import(args.file, rows, lambda r, dry_run: do_import_actuals(None, org, r, dry_run=dry_run),
                        dry_run=args.dry_run)
    if report is not None:
        print(f"imported {args.file} into {org.slug}: {report.summary()}")
    return 0
