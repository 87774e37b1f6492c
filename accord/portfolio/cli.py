"""Portfolio verbs of the `accord` command: `accord initiative list|show|advance`, `accord objective list`.

Operators act as the system: writes carry no actor and the audit trail labels them "system". The phase
rule is the same as on every front: a gated move without its approved review is refused, naming it.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import TYPE_CHECKING

from accord.cli_support import CliError
from accord.core.cli import org_or_fail, setup
from accord.portfolio.choices import Health, InitiativeKind, Phase

if TYPE_CHECKING:
    from accord.core.models import Organization
    from accord.portfolio.models import Initiative


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    verbs = sub.add_parser("initiative", help="the IT portfolio's initiatives").add_subparsers(
        dest="initiative_verb", metavar="ACTION")

    p = verbs.add_parser("list", help="list an organisation's initiatives: ref, phase, health, gate, title "
                                      "(tab-separated)")
    p.add_argument("org", help="organisation slug")
    p.add_argument("--kind", choices=InitiativeKind.values)
    p.add_argument("--phase", choices=Phase.values)
    p.add_argument("--health", choices=Health.values)
    p.add_argument("--objective", type=int, metavar="ID", help="only those contributing to this objective")
    p.set_defaults(handler=_list)

    p = verbs.add_parser("show", help="one initiative: phase, gate status and review clock, financials")
    p.add_argument("org", help="organisation slug")
    p.add_argument("initiative", help="the initiative's id")
    p.set_defaults(handler=_show)

    p = verbs.add_parser("advance", help="move an initiative to another phase (through the security gates)")
    p.add_argument("org", help="organisation slug")
    p.add_argument("initiative", help="the initiative's id")
    p.add_argument("to", choices=Phase.values, help="the phase to move to")
    p.set_defaults(handler=_advance)

    verbs = sub.add_parser("objective", help="the business objectives IT serves").add_subparsers(
        dest="objective_verb", metavar="ACTION")
    p = verbs.add_parser("list", help="list an organisation's objectives: id, ref, progress, key results, "
                                      "initiatives, horizon, title (tab-separated)")
    p.add_argument("org", help="organisation slug")
    p.set_defaults(handler=_objective_list)


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _initiative(org: Organization, key: str) -> Initiative:
    from django.http import Http404

    from accord.portfolio import selectors

    try:
        return selectors.access_initiative(org, key)
    except Http404:
        raise CliError(f"no initiative '{key}' in this organisation (give its id, see `accord initiative list`)") \
            from None


def _list(args: argparse.Namespace) -> int:
    setup()
    from accord.portfolio import rules, selectors

    org = org_or_fail(args.org)
    settings = selectors.portfolio_settings(org)
    filters = selectors.InitiativeFilter(kind=args.kind or "", phase=args.phase or "", health=args.health or "",
                                         objective=args.objective)
    try:
        for item in selectors.initiatives(org, filters):
            gate = rules.current_gate(item.phase, item.kind, settings.gated_kinds) or "-"
            print(f"{item.pk}\t{item.ref}\t{item.phase}\t{item.health}\t{gate}\t{_one_line(item.title)}")
        sys.stdout.flush()
    except BrokenPipeError:
        # The reader stopped early (`| head`): not an error; silence Python's final flush too.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return 0


def _show(args: argparse.Namespace) -> int:
    setup()
    from accord.portfolio import selectors

    org = org_or_fail(args.org)
    item = _initiative(org, args.initiative)
    status = selectors.gate_status(org, item)
    money = selectors.initiative_financials(org, item).figures
    print(f"{item.ref} {_one_line(item.title)}")
    print(f"kind: {item.kind}  phase: {item.phase}  health: {item.health}")
    print("systems: " + (", ".join(f"{s.ref} {_one_line(s.name)}" for s in item.systems.all()) or "-"))
    if status.gate is None:
        print("gate: none ahead")
    else:
        print(f"gate: {status.gate} ({'open' if status.is_open else 'shut'})")
        if status.clock is not None:
            late = " OVERDUE" if status.clock.overdue else ""
            print(f"review due on {status.clock.due_on.isoformat()}, {status.clock.working_days_left} working days "
                  f"left{late}")
        if status.refusal:
            print(f"refused: {status.refusal}")
    print(f"TCO: {round(money.tco)}  NPV: {'-' if money.npv is None else round(money.npv)}  payback: "
          f"{'-' if money.payback_years is None else f'{money.payback_years:.1f} years'}  P(NPV<0): "
          f"{'-' if money.p_npv_negative is None else f'{money.p_npv_negative:.1%}'}")
    return 0


def _advance(args: argparse.Namespace) -> int:
    setup()
    from django.core.exceptions import ValidationError

    from accord.portfolio import services

    org = org_or_fail(args.org)
    item = _initiative(org, args.initiative)
    try:
        moved = services.do_advance_initiative(None, org, item, to=args.to)
    except ValidationError as exc:
        raise CliError(" ".join(exc.messages)) from None
    print(f"{moved.ref} is now {moved.phase}")
    return 0


def _objective_list(args: argparse.Namespace) -> int:
    setup()
    from accord.portfolio import selectors_objectives

    org = org_or_fail(args.org)
    try:
        for item in selectors_objectives.objectives(org):
            progress = "-" if item.progress is None else f"{item.progress:.0%}"
            print(f"{item.pk}\t{item.ref}\t{progress}\t{len(item.key_results.all())} KR\t"
                  f"{len(item.contributions.all())} initiatives\t{item.horizon_start.isoformat()}.."
                  f"{item.horizon_end.isoformat()}\t{_one_line(item.title)}")
        sys.stdout.flush()
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return 0
