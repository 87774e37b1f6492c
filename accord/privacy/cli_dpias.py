"""`accord privacy dpia list ORG` (tab-separated: ref, activity, status, risks, prior consultation, decision) and
`accord privacy dpia show ORG DPIA-001` (the assessment, its risks against the signed appetite, the advice and
the decision's signatures). Reads only: the rules are the selectors', as on every front."""

from __future__ import annotations

import argparse

from accord.cli_support import CliError
from accord.core.cli import org_or_fail, setup


def register(verbs: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `dpia` to the `accord privacy` verbs."""
    dpia = verbs.add_parser("dpia", help="data protection impact assessments (Art. 35)").add_subparsers(
        dest="dpia_verb", metavar="ACTION")
    p = dpia.add_parser("list", help="list the DPIAs: ref, activity, status, risks, consultation, decision")
    p.add_argument("org", help="organisation slug")
    p.set_defaults(handler=_list)
    p = dpia.add_parser("show", help="one DPIA: its assessment, risks against the appetite, advice, decision")
    p.add_argument("org", help="organisation slug")
    p.add_argument("dpia", help="its reference (DPIA-001) or number")
    p.set_defaults(handler=_show)


def _list(args: argparse.Namespace) -> int:
    setup()
    from accord.privacy import selectors_dpias

    org = org_or_fail(args.org)
    listed = list(selectors_dpias.dpias(org))
    consultation = selectors_dpias.consultations(org, listed)
    for d in listed:
        decision = f"{d.decision} {d.decided_on.isoformat()}" if d.decision and d.decided_on else "-"
        print("\t".join([d.ref, d.activity.ref, d.status, str(getattr(d, "risk_count", 0)),
                         "consultation" if consultation.get(d.pk) else "-", decision]))
    return 0


def _show(args: argparse.Namespace) -> int:
    setup()
    from accord.privacy import selectors_dpias
    from accord.privacy.models_dpias import Dpia

    org = org_or_fail(args.org)
    text = args.dpia.strip().upper().removeprefix("DPIA-")
    found = Dpia.objects.for_org(org).filter(number=int(text)).first() if text.isdigit() else None
    if found is None:
        raise CliError(f"no DPIA {args.dpia} in {org.slug}")
    dpia = selectors_dpias.access_dpia(org, found.pk)
    read = selectors_dpias.reading(org, dpia)
    print(f"{dpia.ref}\t{dpia.activity.ref} {dpia.activity.name}\t{dpia.status}\t{dpia.origin}")
    print(f"description\t{dpia.description or '-'}")
    print(f"necessity\t{dpia.necessity or '-'}")
    for row in read.risks:
        against = "above" if row.risk.above_tolerance else ("high" if row.high_residual else "within")
        print("\t".join(["risk", row.risk.ref, row.risk.residual_level, row.tolerance or "no tolerance", against,
                         row.risk.title]))
    for control in read.controls:
        print(f"measure\t{control.ref}\t{control.name}")
    print(f"advice\t{dpia.dpo_advice or '-'}")
    print(f"consultation\t{'required' if read.consultation_required else 'not required'}")
    state = read.signatures
    print(f"signatories\t{','.join(state.required)}\tsigned: {','.join(state.signed) or '-'}"
          f"\tawaiting: {','.join(state.awaiting) or '-'}")
    if dpia.decision:
        print(f"decision\t{dpia.decision}\t{dpia.decided_on.isoformat() if dpia.decided_on else '-'}")
    return 0
