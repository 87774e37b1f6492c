"""Co-signing verbs of the `accord` command: `accord appetite show|sign` and
`accord acceptance list|show|sign|withdraw`.

`show` prints `key: value` lines (slots by their keys, as the API names them) from the same
`selectors.signature_state` the pages and the API read. `sign` signs as the member `--user` names,
with that member's permission, through the same service as the other fronts.
"""

from __future__ import annotations

import argparse
from typing import Any

from accord.cli_support import CliError
from accord.core.cli import org_or_fail, setup


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    appetite = sub.add_parser("appetite", help="the risk appetite and its signatures").add_subparsers(
        dest="appetite_verb", metavar="ACTION")
    p = appetite.add_parser("show", help="the version in force and the draft: required, signed and awaited slots")
    p.add_argument("org", help="organisation slug")
    p.set_defaults(handler=_appetite_show)

    p = appetite.add_parser("preview", help="what signing the draft would change: category limits, tolerance, "
                                            "risks newly (or no longer) above tolerance, the money verdict")
    p.add_argument("org", help="organisation slug")
    p.set_defaults(handler=_appetite_preview)

    p = appetite.add_parser("opinion", help="record the DPO's opinion on the draft (consulted, not a signature)")
    p.add_argument("org", help="organisation slug")
    p.add_argument("--user", required=True, metavar="EMAIL", help="the consulted member (the DPO)")
    p.add_argument("--version", required=True, type=int, metavar="N", help="the draft version the opinion is about")
    p.add_argument("--text", required=True, help="the opinion, shown to the signatories")
    p.set_defaults(handler=_appetite_opinion)

    p = appetite.add_parser("sign", help="sign the draft as a member, naming the version you read")
    p.add_argument("org", help="organisation slug")
    p.add_argument("--user", required=True, metavar="EMAIL", help="the signing member")
    p.add_argument("--version", required=True, type=int, metavar="N", help="the draft version being signed")
    p.set_defaults(handler=_appetite_sign)

    acceptance = sub.add_parser("acceptance", help="risk acceptances and their signatures").add_subparsers(
        dest="acceptance_verb", metavar="ACTION")
    p = acceptance.add_parser("show", help="one acceptance: state, required, signed and awaited slots")
    p.add_argument("org", help="organisation slug")
    p.add_argument("risk", help="the risk's reference (R-001) or id")
    p.add_argument("acceptance", type=int, help="the acceptance's id")
    p.set_defaults(handler=_acceptance_show)

    p = acceptance.add_parser("list", help="a risk's acceptances, newest first: id, state, expiry, required and "
                                           "awaited slots (tab-separated)")
    p.add_argument("org", help="organisation slug")
    p.add_argument("risk", help="the risk's reference (R-001) or id")
    p.set_defaults(handler=_acceptance_list)

    p = acceptance.add_parser("withdraw", help="withdraw a pending or in-force acceptance, saying why; the risk is "
                                               "judged against the appetite again")
    p.add_argument("org", help="organisation slug")
    p.add_argument("risk", help="the risk's reference (R-001) or id")
    p.add_argument("acceptance", type=int, help="the acceptance's id")
    p.add_argument("--reason", required=True, help="why it is withdrawn (kept on it and in the audit trail)")
    p.add_argument("--user", metavar="EMAIL", help="withdraw as this member (its requester, a required signatory "
                                                   "or an admin); without it, as the system")
    p.set_defaults(handler=_acceptance_withdraw)

    p = acceptance.add_parser("sign", help="sign an acceptance as a member")
    p.add_argument("org", help="organisation slug")
    p.add_argument("risk", help="the risk's reference (R-001) or id")
    p.add_argument("acceptance", type=int, help="the acceptance's id")
    p.add_argument("--user", required=True, metavar="EMAIL", help="the signing member")
    p.set_defaults(handler=_acceptance_sign)


def _slots(slots: Any) -> str:
    return ", ".join(slots) or "-"


def _print_state(state: Any) -> None:
    print(f"required: {_slots(state.required)}")
    print(f"signed: {_slots(f'{slot} by {name}' for slot, name in state.signed.items())}")
    print(f"awaiting: {_slots(state.awaiting)}")
    if state.awaiting:
        print(f"who can sign: {', '.join(state.awaiting_people) or 'nobody in the organisation'}")


def _member(org: Any, email: str, action: str) -> Any:
    from accord.core.models import Membership
    from accord.core.permissions import allows

    member = Membership.objects.for_org(org).select_related("user").filter(user__email__iexact=email).first()
    if member is None:
        raise CliError(f"'{email}' is not a member of {org.slug} (see `accord member list {org.slug}`)")
    if not allows(member.role, action):
        raise CliError(f"{email} ({member.get_role_display()}) may not {action.replace('.', ' ')} in {org.slug}")
    return member


def _appetite_show(args: argparse.Namespace) -> int:
    setup()
    from accord.risks import selectors

    org = org_or_fail(args.org)
    in_force, draft = selectors.appetite_in_force(org), selectors.appetite_draft(org)
    print(f"in force: {f'v{in_force.version} since {in_force.in_force_at:%Y-%m-%d}' if in_force else '-'}")
    print(f"draft: {f'v{draft.version}' if draft else '-'}")
    if draft is not None:
        _print_state(selectors.signature_state(org, draft, people=True))
        for opinion in selectors.appetite_opinions(org, draft):
            text = " ".join(opinion.text.split())
            print(f"opinion: {opinion.user.display_name} ({opinion.created_at:%Y-%m-%d}): {text}")
    return 0


def _appetite_opinion(args: argparse.Namespace) -> int:
    setup()
    from accord.risks import services

    org = org_or_fail(args.org)
    member = _member(org, args.user, "appetite.consult")
    services.do_record_appetite_opinion(member.user, org, version=args.version, text=args.text)
    print(f"recorded the opinion of {member.user.email} on risk appetite v{args.version}; the signatories see it")
    return 0


def _verdict(verdict: Any) -> str:
    if verdict is None:
        return "- (no tolerance points, or no risk in money)"
    text = "within tolerance" if verdict["within"] else "outside tolerance"
    return f"{text}{' (borderline)' if verdict['borderline'] else ''} on the {verdict['curve']} curve"


def _points(points: Any) -> str:
    return "; ".join(f"{loss:g} at {prob:g}" for loss, prob in points) or "none"


def _appetite_preview(args: argparse.Namespace) -> int:
    setup()
    from accord.risks.preview import appetite_preview

    org = org_or_fail(args.org)
    preview = appetite_preview(org)
    if preview is None:
        raise CliError(f"{org.slug} has no draft risk appetite to preview (see `accord appetite show {org.slug}`)")
    against = f"v{preview.in_force.version} in force" if preview.in_force else "no appetite in force"
    print(f"draft: v{preview.draft.version} against {against}")
    for change in preview.levels:
        print(f"category {change.key}: {change.in_force or 'no limit'} -> {change.draft or 'no limit'}")
    print("tolerance: " + (f"{_points(preview.tolerance_in_force)} -> {_points(preview.tolerance_draft)}"
                           if preview.tolerance_changed else "unchanged"))
    print(f"above tolerance: {preview.above_in_force} -> {preview.above_draft}")
    print(f"newly above: {_slots(r.ref for r in preview.newly_above)}")
    print(f"no longer above: {_slots(r.ref for r in preview.no_longer_above)}")
    print(f"money in force: {_verdict(preview.money_in_force)}")
    print(f"money draft: {_verdict(preview.money_draft)}")
    return 0


def _appetite_sign(args: argparse.Namespace) -> int:
    setup()
    from accord.risks import selectors, services

    org = org_or_fail(args.org)
    member = _member(org, args.user, "appetite.sign")
    appetite = services.do_sign_appetite(member.user, org, version=args.version)
    print(f"signed risk appetite v{appetite.version} as {member.user.email}: "
          + ("now in force" if appetite.status == "in_force" else "awaiting "
             + _slots(selectors.signature_state(org, appetite).awaiting)))
    return 0


def _acceptance(org: Any, risk_key: str, acceptance_id: int) -> Any:
    from django.http import Http404

    from accord.risks import selectors

    try:
        risk = selectors.access_risk(org, risk_key)
        return selectors.access_acceptance(org, risk, acceptance_id)
    except Http404:
        raise CliError(f"no acceptance {acceptance_id} of risk '{risk_key}' in {org.slug}") from None


def _acceptance_show(args: argparse.Namespace) -> int:
    setup()
    from accord.risks import selectors

    org = org_or_fail(args.org)
    acceptance = _acceptance(org, args.risk, args.acceptance)
    print(f"acceptance: {acceptance.pk} of {acceptance.risk.ref} until {acceptance.expires_on.isoformat()}")
    print(f"state: {acceptance.state}")
    print(f"signed for: residual {acceptance.residual_likelihood}x{acceptance.residual_impact} "
          f"{acceptance.residual_level}, {'above' if acceptance.above_tolerance_when_requested else 'within'} "
          f"tolerance, category {acceptance.category.key if acceptance.category else '-'}")
    _print_state(selectors.signature_state(org, acceptance, people=True))
    return 0


def _acceptance_sign(args: argparse.Namespace) -> int:
    setup()
    from accord.risks import selectors, services

    org = org_or_fail(args.org)
    member = _member(org, args.user, "acceptance.sign")
    acceptance = services.do_sign_acceptance(member.user, org, _acceptance(org, args.risk, args.acceptance))
    acceptance = _acceptance(org, args.risk, acceptance.pk)
    print(f"signed the acceptance {acceptance.pk} of {acceptance.risk.ref} as {member.user.email}: "
          + ("now in force" if acceptance.state == "in_force" else "awaiting "
             + _slots(selectors.signature_state(org, acceptance).awaiting)))
    return 0


def _acceptance_list(args: argparse.Namespace) -> int:
    setup()
    from django.http import Http404

    from accord.risks import selectors

    org = org_or_fail(args.org)
    try:
        risk = selectors.access_risk(org, args.risk)
    except Http404:
        raise CliError(f"no risk '{args.risk}' in {org.slug}") from None
    for acceptance in selectors.acceptances(org, risk):
        state = selectors.acceptance_signature_state(acceptance)
        print(f"{acceptance.pk}\t{acceptance.state}\t{acceptance.expires_on.isoformat()}\t"  # type: ignore[attr-defined]
              f"{','.join(state.required)}\t{','.join(state.awaiting) or '-'}")
    return 0


def _acceptance_withdraw(args: argparse.Namespace) -> int:
    setup()
    from django.core.exceptions import PermissionDenied

    from accord.risks import services

    org = org_or_fail(args.org)
    member = _member(org, args.user, "acceptance.withdraw") if args.user else None
    try:
        acceptance = services.do_withdraw_acceptance(member.user if member else None, org,
                                                     _acceptance(org, args.risk, args.acceptance), reason=args.reason)
    except PermissionDenied as exc:
        raise CliError(str(exc)) from None
    print(f"withdrew the acceptance {acceptance.pk} of {acceptance.risk.ref}; the risk is judged against the "
          "appetite again")
    return 0
