"""`accord org sso show|set|set-saml|refresh-metadata|remove ORG`: an organisation's identity provider
(decisions 0033, 0037 and 0063), for operators.

The client secret is read from standard input (never from the command line, where `ps` and the shell's
history would keep it)."""

from __future__ import annotations

import argparse
import getpass
import sys

from accord.cli_support import CliError


def register(org: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    sso = org.add_parser("sso", help="an organisation's identity provider (single sign-on)").add_subparsers(
        dest="sso_verb", metavar="ACTION")
    p = sso.add_parser("show", help="show the identity provider and whether members must sign in through it")
    p.add_argument("slug")
    p.set_defaults(handler=_show)
    p = sso.add_parser("set", help="configure (or change) the organisation's OpenID Connect identity provider")
    p.add_argument("slug")
    p.add_argument("--issuer", help="the issuer URL (https://), where /.well-known/openid-configuration is found")
    p.add_argument("--client-id", help="the client id the provider issued to Accord")
    p.add_argument("--client-secret-stdin", action="store_true",
                   help="read the client secret from standard input (required the first time)")
    p.add_argument("--allowed-domains", metavar="DOMAINS",
                   help="comma-separated e-mail domains the provider speaks for, e.g. example.org,example.com")
    p.add_argument("--join-role", choices=["viewer", "contributor", "none"],
                   help="the role of someone it signs in for the first time (none: only existing members)")
    p.add_argument("--required", action=argparse.BooleanOptionalAction, default=None,
                   help="members must (or need not) sign in through it")
    p.set_defaults(handler=_set)
    p = sso.add_parser("set-saml", help="configure (or change) the organisation's SAML 2.0 identity provider, "
                       "from its metadata (a file or its address) or field by field (decision 0063)")
    p.add_argument("slug")
    p.add_argument("--metadata", metavar="FILE", help="the IdP's metadata XML (entity id, endpoints, certificate)")
    p.add_argument("--metadata-url", metavar="URL", help="the https:// address of the IdP's metadata (kept for "
                   "refresh-metadata)")
    p.add_argument("--entity-id", default="", help="the IdP's entity id (empty: from the metadata)")
    p.add_argument("--sso-url", default="", help="the IdP's single sign-on URL (empty: from the metadata)")
    p.add_argument("--slo-url", default="", help="the IdP's single logout URL (empty: from the metadata, or none)")
    p.add_argument("--cert", metavar="FILE", help="the IdP's signing certificate, PEM (empty: from the metadata)")
    p.add_argument("--email-attribute", required=True, help="the attribute carrying the e-mail address")
    p.add_argument("--name-attribute", default="", help="the attribute carrying the full name")
    p.add_argument("--sign-requests", action="store_true", help="Accord signs its requests (a key is made for it)")
    p.add_argument("--encrypted-assertions", action="store_true", help="refuse assertions not encrypted to Accord")
    p.add_argument("--allowed-domains", metavar="DOMAINS", required=True,
                   help="comma-separated e-mail domains the provider speaks for")
    p.add_argument("--join-role", choices=["viewer", "contributor", "none"], default="none",
                   help="the role of someone it signs in for the first time (none: only existing members)")
    p.set_defaults(handler=_set_saml)
    p = sso.add_parser("refresh-metadata", help="read the SAML IdP's metadata again from its address (after a "
                       "certificate rotation; a daily cron job can run it)")
    p.add_argument("slug")
    p.set_defaults(handler=_refresh)
    p = sso.add_parser("rotate-sp-key", help="replace Accord's SAML service provider key (in force at once: give "
                       "the identity provider the new certificate printed here)")
    p.add_argument("slug")
    p.set_defaults(handler=_rotate)
    p = sso.add_parser("remove", help="remove the identity provider (members sign in with their password)")
    p.add_argument("slug")
    p.set_defaults(handler=_remove)


def _print(org: object) -> None:
    from accord.core.selectors import identity_provider

    idp = identity_provider(org)  # type: ignore[arg-type]
    required = "yes" if getattr(org, "sso_required", False) else "no"
    if idp is None:
        print(f"identity_provider=none sso_required={required}")
        return
    if idp.kind == "saml":
        print(f"kind=saml entity_id={idp.saml_entity_id} sso_url={idp.saml_sso_url} "
              f"slo_url={idp.saml_slo_url or 'none'} sign_requests={'yes' if idp.saml_sign_requests else 'no'} "
              f"encrypted_assertions={'yes' if idp.saml_encrypted_assertions else 'no'} "
              f"metadata_url={idp.saml_idp_metadata_url or 'none'} "
              f"email_attribute={idp.saml_email_attribute} allowed_domains={','.join(idp.allowed_domains)} "
              f"join_role={idp.join_role or 'none'} sso_required={required}")
        if idp.saml_sp_cert:
            print(idp.saml_sp_cert_pem)
        return
    print(f"issuer={idp.issuer} client_id={idp.client_id} client_secret=set "
          f"allowed_domains={','.join(idp.allowed_domains)} join_role={idp.join_role or 'none'} "
          f"sso_required={required}")


def _show(args: argparse.Namespace) -> int:
    from accord.core.cli import org_or_fail, setup

    setup()
    _print(org_or_fail(args.slug))
    return 0


def _read_secret() -> str:
    secret = sys.stdin.readline().rstrip("\n") if not sys.stdin.isatty() else getpass.getpass("Client secret: ")
    if not secret.strip():
        raise CliError("the client secret read from standard input is empty")
    return secret


def _set(args: argparse.Namespace) -> int:
    from accord.core.cli import org_or_fail, setup

    setup()
    from accord.core.selectors import identity_provider
    from accord.core.services import do_set_identity_provider, do_set_sso_policy

    org = org_or_fail(args.slug)
    current = identity_provider(org)
    changing = any(v is not None for v in (args.issuer, args.client_id, args.allowed_domains, args.join_role)) \
        or args.client_secret_stdin
    if changing and current is not None and current.kind == "saml":
        raise CliError(f"{org.slug} signs in through SAML: change its provider on the Single sign-on page or with "
                       "PUT .../identity-provider/ (this command sets an OpenID Connect provider, and --required "
                       "for either)")
    if changing:
        if current is None and not (args.issuer and args.client_id and args.allowed_domains):
            raise CliError("a new identity provider needs --issuer, --client-id, --allowed-domains and "
                           "--client-secret-stdin")
        domains = args.allowed_domains.split(",") if args.allowed_domains is not None else (
            current.allowed_domains if current else [])
        do_set_identity_provider(
            None, org, issuer=args.issuer or (current.issuer if current else ""),
            client_id=args.client_id or (current.client_id if current else ""),
            client_secret=_read_secret() if args.client_secret_stdin else None, allowed_domains=domains,
            join_role=args.join_role if args.join_role is not None else (current.join_role if current else ""))
    if args.required is not None:
        do_set_sso_policy(None, org, required=args.required)
    _print(org)
    return 0


def _remove(args: argparse.Namespace) -> int:
    from accord.core.cli import org_or_fail, setup

    setup()
    from accord.core.services import do_remove_identity_provider

    org = org_or_fail(args.slug)
    do_remove_identity_provider(None, org)
    print(f"{org.slug} no longer signs in through an identity provider")
    return 0


def _read_file(path: str | None) -> str:
    if not path:
        return ""
    try:
        with open(path, encoding="utf-8") as handle:
            return handle.read()
    except (OSError, UnicodeDecodeError) as error:
        raise CliError(f"cannot read {path}: {error}") from None


def _set_saml(args: argparse.Namespace) -> int:
    from accord.core.cli import org_or_fail, setup

    setup()
    from accord.core.services import do_set_saml_identity_provider

    org = org_or_fail(args.slug)
    do_set_saml_identity_provider(
        None, org, entity_id=args.entity_id, sso_url=args.sso_url, x509_cert=_read_file(args.cert),
        email_attribute=args.email_attribute, name_attribute=args.name_attribute,
        allowed_domains=args.allowed_domains.split(","), join_role="" if args.join_role == "none" else args.join_role,
        slo_url=args.slo_url, sign_requests=args.sign_requests, encrypted_assertions=args.encrypted_assertions,
        metadata_xml=_read_file(args.metadata), metadata_url=args.metadata_url or "")
    _print(org)
    return 0


def _rotate(args: argparse.Namespace) -> int:
    from accord.core.cli import org_or_fail, setup

    setup()
    from accord.core.services import do_rotate_saml_sp_key

    org = org_or_fail(args.slug)
    do_rotate_saml_sp_key(None, org)
    _print(org)
    return 0


def _refresh(args: argparse.Namespace) -> int:
    from accord.core.cli import org_or_fail, setup

    setup()
    from accord.core.services import do_refresh_saml_metadata

    org = org_or_fail(args.slug)
    do_refresh_saml_metadata(None, org)
    _print(org)
    return 0
