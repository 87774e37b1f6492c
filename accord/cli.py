"""`accord`: the one command for operators and batch work.

Accord's own verbs are declared by each app's `cli.py` (`register(subparsers)`); anything else is
handed to Django's management commands (`accord migrate`, `accord check --deploy`, ...). Errors are
one line on stderr and a non-zero exit, never a traceback (set ACCORD_DEBUG=1 to see one).
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence
from typing import NoReturn

from accord.cli_support import CliError

# Pure engines' verbs need no database: a command line naming one is parsed by the engines' modules
# alone, so `accord quant simulate` imports neither Django nor any app (decision 0031). Their modules
# import nothing of Django's (import contract "engines-pure"; accord.cli_support is Django-free too).
PURE_CLI_MODULES = ("accord.quant.cli", "accord.optimize.cli")
# Verbs whose sub-verbs come from pure engines and apps alike (`accord budget solve` and `accord budget list`).
SHARED_VERBS = ("budget",)
# Apps whose cli.py adds verbs; pure engines first, they need no database.
CLI_MODULES = (
    "accord.core.cli", "accord.core.notifications.cli", *PURE_CLI_MODULES, "accord.core.jobs.cli", "accord.risks.cli",
    "accord.portfolio.cli", "accord.compliance.cli", "accord.compliance.cli_controls", "accord.compliance.cli_mappings",
    "accord.portfolio.cli_costs", "accord.compliance.cli_assessments", "accord.compliance.cli_soa",
    "accord.portfolio.cli_systems",
    "accord.core.reports.cli", "accord.core.backup.cli", "accord.privacy.cli", "accord.policies.cli",
    "accord.incidents.cli",
)


class _Parser(argparse.ArgumentParser):
    """argparse, with a usage error as the one-line error every other failure is (exit 2), naming the
    verb and where its help is, instead of the usage text."""

    def error(self, message: str) -> NoReturn:
        raise CliError(f"{self.prog}: {message} (see: {self.prog} --help)", 2)


def build_parser(modules: Sequence[str] = CLI_MODULES) -> argparse.ArgumentParser:
    """The `accord` parser with the verbs of `modules` (every app's by default)."""
    parser = _Parser(
        prog="accord",
        description="Accord: IT and security governance. Django management commands (migrate, check, "
        "createcachetable, ...) also run under this command.",
    )
    sub = parser.add_subparsers(dest="verb", metavar="VERB")
    for name in modules:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name and (name == exc.name or name.startswith(exc.name + ".")):
                continue  # an app without verbs (or not installed)
            raise
        module.register(sub)
    return parser


def _own_verbs(parser: argparse.ArgumentParser) -> set[str]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return set(action.choices)
    return set()


def _pure_parser(args_list: Sequence[str]) -> argparse.ArgumentParser | None:
    """The pure engines' parser when the command line names one of their verbs, else None. A verb whose
    sub-verbs come from several modules (`accord budget solve` is the optimiser's, `accord budget list` the
    portfolio's) is the engines' only when the sub-verb is theirs."""
    if not args_list or args_list[0].startswith("-"):
        return None
    parser = build_parser(PURE_CLI_MODULES)
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction) and args_list[0] in action.choices:
            verb = action.choices[args_list[0]]
            sub_verbs = _own_verbs(verb)
            if args_list[0] in SHARED_VERBS:
                return parser if len(args_list) > 1 and args_list[1] in sub_verbs else None
            return parser
    return None


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "accord.settings")
    debug = os.environ.get("ACCORD_DEBUG", "").lower() in ("1", "true", "yes", "on")
    try:
        parser = _pure_parser(args_list) or build_parser()
        if args_list and not args_list[0].startswith("-") and args_list[0] not in _own_verbs(parser):
            return _django_command(args_list)
        args = parser.parse_args(args_list)
        handler = getattr(args, "handler", None)
        if handler is None:
            parser.print_help()
            return 0 if not args_list else 2
        return int(handler(args) or 0)
    except CliError as exc:
        print(f"accord: error: {exc.message}", file=sys.stderr)
        return exc.code
    except KeyboardInterrupt:
        print("accord: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:
        if debug:
            raise
        print(f"accord: error: {_describe(exc)}", file=sys.stderr)
        return 1


def _describe(exc: Exception) -> str:
    # Only code that imported Django can raise its ValidationError: a pure verb's error imports nothing.
    exceptions = sys.modules.get("django.core.exceptions")
    if exceptions is not None and isinstance(exc, exceptions.ValidationError):
        if hasattr(exc, "error_dict"):
            return "; ".join(f"{field}: {' '.join(msgs)}" for field, msgs in exc.message_dict.items())
        return " ".join(exc.messages)
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0] if text else 'no details'}"


def _django_command(args_list: list[str]) -> int:
    import django
    from django.core.management import CommandError, execute_from_command_line

    django.setup()
    try:
        execute_from_command_line(["accord", *args_list])
    except CommandError as exc:
        raise CliError(str(exc)) from None
    except SystemExit as exc:
        return int(exc.code or 0) if isinstance(exc.code, int) or exc.code is None else 1
    return 0


def setup_django() -> None:
    """Configure Django for a verb that uses the database."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "accord.settings")
    django.setup()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
