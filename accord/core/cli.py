"""Core verbs of the `accord` command: demo, serve, org, user, member, invite, token, audit, permissions."""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from pathlib import Path
from typing import Any

from accord.cli_support import CliError
from accord.core import sso_cli
from accord.core.choices import CisoModel, CisoReportsTo, DpoModel, Role, TokenScope

# The choices the verbs offer are the TextChoices' values (importing them needs no configured Django).
ROLES = list(Role.values)


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("demo", help="migrate, load the demo data (idempotent) and serve")
    p.add_argument("--no-serve", action="store_true", help="load the data and stop")
    p.add_argument("--scale", type=int, default=0, metavar="N",
                   help="also fill organisation 'scale' with N risks (once the risk register exists)")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--no-worker", action="store_true", help="start no background-job worker beside the server")
    p.set_defaults(handler=_demo)

    p = sub.add_parser("serve", help="serve Accord with gunicorn (static files included)")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--workers", type=int, default=0, help="worker processes (default: 2 x cores + 1)")
    p.add_argument("--no-worker", action="store_true",
                   help="start no background-job worker (`accord worker`) beside the server: workers run elsewhere")
    p.set_defaults(handler=_serve)

    org = sub.add_parser("org", help="organisations (tenants)").add_subparsers(dest="org_verb", metavar="ACTION")
    p = org.add_parser("create", help="create an organisation")
    p.add_argument("slug")
    p.add_argument("--name", help="default: the slug")
    p.add_argument("--timezone", default="UTC", help="IANA name, e.g. Europe/Paris")
    p.add_argument("--currency", default="EUR", help="ISO 4217 code")
    p.add_argument("--country", default="", help="ISO 3166-1 alpha-2 code, e.g. FR: its public holidays are not "
                                                 "working days")
    p.add_argument("--subdivision", default="", help="the region whose public holidays apply too (ISO 3166-2, e.g. BY)")
    p.add_argument("--nis2", choices=("none", "important", "essential"), default="none",
                   help="NIS2 designation: an essential or important entity's incidents track the Art. 23 clocks")
    p.set_defaults(handler=_org_create)
    p = org.add_parser("set", help="change an organisation's settings (only the options given)")
    p.add_argument("slug")
    p.add_argument("--name")
    p.add_argument("--timezone", help="IANA name, e.g. Europe/Paris")
    p.add_argument("--currency", help="ISO 4217 code")
    p.add_argument("--country", help="ISO 3166-1 alpha-2 code; '' for none")
    p.add_argument("--subdivision", help="ISO 3166-2 subdivision code; '' for none")
    p.add_argument("--nis2", choices=("none", "important", "essential"),
                   help="NIS2 designation: an essential or important entity's incidents track the Art. 23 clocks")
    p.set_defaults(handler=_org_set)
    p = org.add_parser("list", help="list organisations")
    p.set_defaults(handler=_org_list)
    p = org.add_parser("governance", help="show or change an organisation's governance profile")
    p.add_argument("slug")
    p.add_argument("--ciso-reports-to", choices=CisoReportsTo.values)
    p.add_argument("--ciso-model", choices=CisoModel.values)
    p.add_argument("--dpo-model", choices=DpoModel.values)
    p.add_argument("--dpo-consulted-on-appetite", action=argparse.BooleanOptionalAction, default=None,
                   help="consult the DPO on each draft risk appetite (an opinion, not a signature)")
    p.add_argument("--dpo-signs-privacy-acceptances", action=argparse.BooleanOptionalAction, default=None,
                   help="the DPO is (or is not) a required signatory of acceptances of privacy risks")
    p.add_argument("--two-factor-required", action=argparse.BooleanOptionalAction, default=None,
                   help="require (or stop requiring) a second factor of every member")
    p.set_defaults(handler=_org_governance)
    sso_cli.register(org)

    user = sub.add_parser("user", help="users").add_subparsers(dest="user_verb", metavar="ACTION")
    p = user.add_parser("create", help="create a user (no password: cannot sign in until one is set)")
    p.add_argument("email")
    p.add_argument("--name", default="", help="full name")
    p.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    p.set_defaults(handler=_user_create)

    member = sub.add_parser("member", help="memberships").add_subparsers(dest="member_verb", metavar="ACTION")
    p = member.add_parser("add", help="give a user a role in an organisation")
    p.add_argument("org")
    p.add_argument("email")
    p.add_argument("role", choices=ROLES)
    p.add_argument("--external", action="store_true", help="a virtual CISO/DPO")
    p.add_argument("--board-representative", action="store_true", help="signs for the CEO/board")
    p.set_defaults(handler=_member_add)
    p = member.add_parser("list", help="list an organisation's members")
    p.add_argument("org")
    p.set_defaults(handler=_member_list)
    p = member.add_parser("remove", help="remove a member, handing over what they hold (risks they own or treat)")
    p.add_argument("org")
    p.add_argument("email")
    handover = p.add_mutually_exclusive_group()
    handover.add_argument("--reassign-to", metavar="EMAIL", help="the member who takes over what they hold")
    handover.add_argument("--clear", action="store_true", help="clear what they hold instead (no owner)")
    p.set_defaults(handler=_member_remove)

    invite = sub.add_parser("invite", help="invitations by e-mail").add_subparsers(dest="invite_verb", metavar="ACTION")
    p = invite.add_parser("send", help="e-mail an address a link to join an organisation with a role")
    p.add_argument("org")
    p.add_argument("email")
    p.add_argument("role", choices=ROLES)
    p.add_argument("--external", action="store_true", help="a virtual CISO/DPO")
    p.add_argument("--board-representative", action="store_true", help="signs for the CEO/board")
    p.add_argument("--site-url", help="where the link points, e.g. https://accord.example.org "
                   "(default: ACCORD_BASE_URL)")
    p.set_defaults(handler=_invite_send)
    p = invite.add_parser("list", help="list an organisation's open invitations")
    p.add_argument("org")
    p.add_argument("--all", action="store_true", help="also the accepted and revoked ones")
    p.set_defaults(handler=_invite_list)
    p = invite.add_parser("resend", help="e-mail an open invitation again, with a new link and expiry")
    p.add_argument("org")
    p.add_argument("email")
    p.add_argument("--site-url", help="where the link points (default: ACCORD_BASE_URL)")
    p.set_defaults(handler=_invite_resend)
    p = invite.add_parser("revoke", help="revoke an open invitation so that its link stops working")
    p.add_argument("org")
    p.add_argument("email")
    p.set_defaults(handler=_invite_revoke)

    token = sub.add_parser("token", help="API tokens").add_subparsers(dest="token_verb", metavar="ACTION")
    p = token.add_parser("create", help="create a token and print it once")
    p.add_argument("email")
    p.add_argument("--org", required=True)
    p.add_argument("--name", default="CLI token")
    p.add_argument("--scope", choices=list(TokenScope.values), default=TokenScope.READ_WRITE.value,
                   help="read: GET, HEAD and OPTIONS only; read_write (default): the owner's role")
    when = p.add_mutually_exclusive_group()
    when.add_argument("--expires-in-days", type=int, metavar="N", help="stop working N days from now (1 to 366)")
    when.add_argument("--expires-at", type=_aware_datetime, metavar="WHEN",
                      help="stop working at this ISO date or time, e.g. 2027-06-30 (UTC unless it says)")
    p.set_defaults(handler=_token_create)
    p = token.add_parser("revoke", help="revoke a token by its prefix (as listed) or full value")
    p.add_argument("token", help="the token or its first 10 characters")
    p.add_argument("--org", required=True)
    p.set_defaults(handler=_token_revoke)
    p = token.add_parser("list", help="list a user's tokens in an organisation")
    p.add_argument("email")
    p.add_argument("--org", required=True)
    p.set_defaults(handler=_token_list)

    audit = sub.add_parser("audit", help="audit trail").add_subparsers(dest="audit_verb", metavar="ACTION")
    p = audit.add_parser("verify", help="recompute every audit chain (and compare it with checkpoints)")
    p.add_argument("--org", help="only this organisation")
    p.add_argument("--checkpoints", metavar="FILE", type=Path,
                   help="a file written by `accord audit checkpoint`: fail on a chain shorter than, or "
                   "different from, any head it recorded")
    p.set_defaults(handler=_audit_verify)
    p = audit.add_parser("checkpoint", help="append the signed head of every audit chain to a file")
    p.add_argument("--out", metavar="FILE", type=Path, required=True,
                   help="the checkpoint file (appended to; keep it where the database's administrator cannot write)")
    p.set_defaults(handler=_audit_checkpoint)
    p = audit.add_parser("rotate-key", help="after a new ACCORD_AUDIT_KEY: verify every chain and move it onto "
                         "the new key with an event signed by the old and the new key")
    p.set_defaults(handler=_audit_rotate_key)

    p = sub.add_parser("permissions", help="print the permission table as Markdown (docs/permissions.md)")
    p.set_defaults(handler=_permissions)


def setup() -> None:
    """Configure Django; every verb that touches the database calls it first."""
    from accord.cli import setup_django

    setup_django()


def org_or_fail(slug: str) -> Any:
    """The organisation named on the command line, or a one-line error."""
    from accord.core.selectors import organization_by_slug

    org = organization_by_slug(slug)
    if org is None:
        raise CliError(f"no organisation with the slug '{slug}' (see `accord org list`)")
    return org




def _user(email: str) -> Any:
    from accord.core.selectors import user_by_email

    user = user_by_email(email)
    if user is None:
        raise CliError(f"no user with the e-mail address '{email}' (see `accord user create`)")
    return user


def _org_create(args: argparse.Namespace) -> int:
    setup()
    from accord.core.services import do_create_organization, do_update_organization

    org = do_create_organization(None, slug=args.slug, name=args.name or args.slug, timezone_name=args.timezone,
                                 currency=args.currency, country=args.country, subdivision=args.subdivision)
    if args.nis2 != "none":
        org = do_update_organization(None, org, nis2=args.nis2)
    print(f"created organisation {org.slug} ({org.name}, {org.timezone}, {org.currency}{_place(org)})")
    return 0


def _place(org: Any) -> str:
    from accord.core.workdays import WorkCalendar

    place = WorkCalendar.of(org).place
    return f", {place}" if place else ""


def _org_set(args: argparse.Namespace) -> int:
    setup()
    from accord.core.services import do_update_organization

    org = org_or_fail(args.slug)
    fields = {name: getattr(args, name) for name in ("name", "timezone", "currency", "country", "subdivision", "nis2")
              if getattr(args, name) is not None}
    if not fields:
        raise CliError("give at least one of --name, --timezone, --currency, --country, --subdivision, --nis2")
    org = do_update_organization(None, org, **fields)
    nis2 = f", NIS2 {org.nis2} entity" if org.nis2 != "none" else ""
    print(f"{org.slug}: {org.name}, {org.timezone}, {org.currency}{_place(org) or ', no country'}{nis2}")
    return 0


def _org_list(args: argparse.Namespace) -> int:
    setup()
    from accord.core.selectors import member_counts, organizations

    counts = member_counts()
    for org in organizations():
        print(f"{org.slug}\t{org.name}\t{org.timezone}\t{org.currency}\t{counts.get(org.pk, 0)} members")
    return 0


def _org_governance(args: argparse.Namespace) -> int:
    setup()
    from accord.core.selectors import governance
    from accord.core.services import do_set_two_factor_policy, do_update_governance

    org = org_or_fail(args.slug)
    changes: dict[str, Any] = {k: v for k in ("ciso_reports_to", "ciso_model", "dpo_model") if (v := getattr(args, k))}
    if args.dpo_consulted_on_appetite is not None:
        changes["dpo_consulted_on_appetite"] = args.dpo_consulted_on_appetite
    if args.dpo_signs_privacy_acceptances is not None:
        changes["dpo_signs_privacy_acceptances"] = args.dpo_signs_privacy_acceptances
    profile = do_update_governance(None, org, **changes) if changes else governance(org)
    if args.two_factor_required is not None:
        do_set_two_factor_policy(None, org, required=args.two_factor_required)
    print(f"ciso_reports_to={profile.ciso_reports_to} ciso_model={profile.ciso_model} dpo_model={profile.dpo_model} "
          f"dpo_consulted_on_appetite={'yes' if profile.dpo_consulted_on_appetite else 'no'} "
          f"dpo_signs_privacy_acceptances={'yes' if profile.dpo_signs_privacy_acceptances else 'no'} "
          f"two_factor_required={'yes' if org.two_factor_required else 'no'}")
    return 0


def _user_create(args: argparse.Namespace) -> int:
    setup()
    from accord.core.services import do_create_user

    password = None
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\n") if not sys.stdin.isatty() else getpass.getpass("Password: ")
        if not password:
            raise CliError("the password read from standard input is empty")
    user = do_create_user(args.email, password=password, full_name=args.name)
    print(f"created user {user.email}" + ("" if password else " (no password yet)"))
    return 0


def _member_add(args: argparse.Namespace) -> int:
    setup()
    from accord.core.services import do_add_member

    org, user = org_or_fail(args.org), _user(args.email)
    m = do_add_member(None, org, user, args.role, external=args.external,
                      board_representative=args.board_representative)
    print(f"{user.email} is now {m.get_role_display()} of {org.slug}" + (" (external)" if m.external else ""))
    return 0


def _member_list(args: argparse.Namespace) -> int:
    setup()
    from accord.core.selectors import members

    for m in members(org_or_fail(args.org)):
        flags = ",".join(f for f, on in (("external", m.external), ("board", m.board_representative)) if on)
        print(f"{m.user.email}\t{m.role}\t{flags}")
    return 0


def _member_or_fail(org: Any, email: str) -> Any:
    from accord.core.selectors import member_by_email

    member = member_by_email(org, email)
    if member is None:
        raise CliError(f"{email} is not a member of {org.slug} (see `accord member list {org.slug}`)")
    return member


def _member_remove(args: argparse.Namespace) -> int:
    setup()
    from django.core.exceptions import ValidationError

    from accord.core.selectors import member_holdings
    from accord.core.services import do_remove_member

    org = org_or_fail(args.org)
    leaving = _member_or_fail(org, args.email)
    target = _member_or_fail(org, args.reassign_to) if args.reassign_to else None
    held = ", ".join(h.summary for h in member_holdings(org, leaving))
    try:
        do_remove_member(None, org, leaving, reassign_to=target, clear=args.clear)
    except ValidationError as exc:
        if "reassign_to" in getattr(exc, "error_dict", {}):
            question = " ".join(exc.message_dict["reassign_to"])
            raise CliError(f"{question} Give --reassign-to EMAIL or --clear.") from None
        raise
    handed = (f"; {held} handed over to {target.user.email}" if held and target
              else f"; {held} left with nobody" if held else "")
    print(f"removed {leaving.user.email} from {org.slug}{handed}")
    return 0


def _site_url(args: argparse.Namespace) -> str:
    from django.conf import settings

    url = (args.site_url or settings.ACCORD_BASE_URL or "").rstrip("/")
    if not url:
        raise CliError("the e-mailed link needs Accord's address: set ACCORD_BASE_URL or pass --site-url "
                       "(e.g. https://accord.example.org)")
    if not url.startswith(("https://", "http://")):
        raise CliError(f"--site-url '{url}' is not a web address; use e.g. https://accord.example.org")
    return str(url)


def _open_invitation(org: Any, email: str) -> Any:
    from accord.core.selectors import open_invitation_to

    invitation = open_invitation_to(org, email)
    if invitation is None:
        raise CliError(f"{org.slug} has no open invitation to '{email}' (see `accord invite list {org.slug}`)")
    return invitation


def _invite_send(args: argparse.Namespace) -> int:
    setup()
    from accord.core.services import do_invite_member

    org = org_or_fail(args.org)
    invitation = do_invite_member(None, org, args.email, args.role, external=args.external,
                                  board_representative=args.board_representative, site_url=_site_url(args))
    print(f"invited {invitation.email} to {org.slug} as {invitation.get_role_display()}; "
          f"the link expires {invitation.expires_at:%Y-%m-%d %H:%M} UTC")
    return 0


def _invite_list(args: argparse.Namespace) -> int:
    setup()
    from accord.core.selectors import invitations, open_invitations

    org = org_or_fail(args.org)
    for inv in invitations(org) if args.all else open_invitations(org):
        print(f"{inv.email}\t{inv.role}\t{inv.status.value}\texpires {inv.expires_at:%Y-%m-%d %H:%M} UTC")
    return 0


def _invite_resend(args: argparse.Namespace) -> int:
    setup()
    from accord.core.services import do_resend_invitation

    org = org_or_fail(args.org)
    site_url = _site_url(args)
    invitation = do_resend_invitation(None, org, _open_invitation(org, args.email), site_url=site_url)
    print(f"sent the invitation of {invitation.email} again; the new link expires "
          f"{invitation.expires_at:%Y-%m-%d %H:%M} UTC")
    return 0


def _invite_revoke(args: argparse.Namespace) -> int:
    setup()
    from accord.core.services import do_revoke_invitation

    org = org_or_fail(args.org)
    invitation = do_revoke_invitation(None, org, _open_invitation(org, args.email))
    print(f"revoked the invitation of {invitation.email} to {org.slug}")
    return 0


def _aware_datetime(text: str) -> Any:
    import datetime as dt

    try:
        when = dt.datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not an ISO date or time, e.g. 2027-06-30") from None
    return when if when.tzinfo is not None else when.replace(tzinfo=dt.UTC)


def _token_create(args: argparse.Namespace) -> int:
    setup()
    from accord.core.services import do_create_token

    _, plaintext = do_create_token(None, org_or_fail(args.org), _user(args.email), name=args.name, scope=args.scope,
                                   expires_at=args.expires_at, expires_in_days=args.expires_in_days)
    print(plaintext)
    print("Store this token now: it is not shown again.", file=sys.stderr)
    return 0


def _token_revoke(args: argparse.Namespace) -> int:
    setup()
    from accord.core.selectors import tokens_matching
    from accord.core.services import do_revoke_token

    org = org_or_fail(args.org)
    matches = tokens_matching(org, args.token)
    if len(matches) != 1:
        raise CliError(f"{'no' if not matches else 'more than one'} token of {org.slug} matches '{args.token[:10]}'")
    do_revoke_token(None, org, matches[0])
    print(f"revoked token {matches[0].prefix}… of {matches[0].user.email}")
    return 0


def _token_list(args: argparse.Namespace) -> int:
    setup()
    from accord.core.selectors import tokens_of

    for t in tokens_of(org_or_fail(args.org), _user(args.email)):
        used = t.last_used_at.isoformat() if t.last_used_at else "never used"
        expires = f"expires {t.expires_at:%Y-%m-%d %H:%M}" if t.expires_at else "no expiry"
        print(f"{t.prefix}\t{t.name}\t{t.state}\t{t.scope}\t{expires}\t{used}")
    return 0


def _audit_keyring() -> Any:
    from accord.core.audit_keys import keyring

    ring = keyring()
    if ring.current_id is None:
        raise CliError("no audit key is configured, so a rewritten chain cannot be told from a real one: set "
                       "ACCORD_AUDIT_KEY or ACCORD_AUDIT_KEY_FILE (docs/configuration.md)")
    return ring


def _audit_verify(args: argparse.Namespace) -> int:
    setup()
    from accord.core.audit import verify_chain
    from accord.core.audit_checkpoints import read_checkpoints, vanished
    from accord.core.selectors import organizations

    ring = _audit_keyring()
    checkpoints: list[Any] = []
    problems: list[str] = []
    if args.checkpoints is not None:
        try:
            checkpoints, problems = read_checkpoints(args.checkpoints, ring)
        except OSError as exc:
            raise CliError(f"cannot read the checkpoint file {args.checkpoints}: {exc.strerror}") from None
    orgs = [org_or_fail(args.org)] if args.org else list(organizations())
    events = 0
    for org in orgs:
        report = verify_chain(org, ring=ring, checkpoints=[cp for cp in checkpoints if cp.org == org.pk])
        if not report.ok:
            problems.append(f"audit chain of {org.slug} is broken: {report.problem}")
        events += report.events
    if not args.org:
        problems.extend(vanished(checkpoints, {org.pk for org in orgs}))
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        return 1
    against = f", against {len(checkpoints)} checkpoint(s)" if args.checkpoints is not None else ""
    print(f"audit chains intact: {len(orgs)} organisation(s), {events} event(s){against}")
    return 0


def _audit_checkpoint(args: argparse.Namespace) -> int:
    setup()
    from accord.core.audit_checkpoints import write_checkpoints
    from accord.core.selectors import organizations

    ring = _audit_keyring()
    try:
        written = write_checkpoints(args.out, organizations(), ring)
    except OSError as exc:
        raise CliError(f"cannot append to the checkpoint file {args.out}: {exc.strerror}") from None
    for slug in written.missing_heads:
        print(f"audit chain of {slug} has no head to checkpoint: its chain was deleted", file=sys.stderr)
    print(f"appended {written.lines} checkpoint(s) to {args.out}")
    return 1 if written.missing_heads else 0


def _audit_rotate_key(args: argparse.Namespace) -> int:
    setup()
    from accord.core.audit import rotate_chain_key
    from accord.core.selectors import organizations

    ring = _audit_keyring()
    rotated, failed = 0, 0
    for org in organizations():
        try:
            rotated += rotate_chain_key(org) is not None
        except ValueError as exc:
            print(exc, file=sys.stderr)
            failed += 1
    print(f"{rotated} audit chain(s) moved onto key '{ring.current_id}'"
          + (f"; {failed} not rotated because they do not verify" if failed else ""))
    return 1 if failed else 0


def _permissions(args: argparse.Namespace) -> int:
    setup()
    from accord.core.permissions import render_markdown

    sys.stdout.write(render_markdown())
    return 0


def _demo(args: argparse.Namespace) -> int:
    setup()
    from django.core.management import call_command

    from accord.core.demo import load_demo
    from accord.core.server import site_url

    if args.scale < 0:
        raise CliError("--scale must be 0 or more")
    call_command("migrate", interactive=False, verbosity=0)
    summary = load_demo(scale=args.scale, log=lambda line: print(line, file=sys.stderr),
                        site_url=site_url(args.host, args.port))
    if args.no_serve:
        print(summary)
        return 0
    # Said once the server listens (the application loads for seconds first), not while it cannot answer.
    return _serve(argparse.Namespace(host=args.host, port=args.port, workers=0, no_worker=args.no_worker),
                  ready=summary)


def _serve(args: argparse.Namespace, *, ready: str = "") -> int:
    setup()
    from accord.core.server import collect_static, job_worker, run_server, site_url

    collect_static()
    workers = args.workers or (2 * (os.cpu_count() or 1) + 1)
    print(f"Accord is starting on {args.host}:{args.port} ({workers} workers)...", file=sys.stderr)
    serving = (f"Accord is serving on {site_url(args.host, args.port)} (listening on {args.host}:{args.port}, "
               f"{workers} workers); Ctrl-C stops it.")
    with job_worker(start=not getattr(args, "no_worker", False)):
        run_server(args.host, args.port, workers, ready=f"{ready}\n{serving}" if ready else serving)
    return 0
