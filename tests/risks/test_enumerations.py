"""Enumerations are written once, as `TextChoices`; the CLI's choices and the charts' colours and labels
are derived from them, and each copy that must remain (a table keyed by the values) is tied to its source
here, so a new level, role or status cannot be missed by one front."""

from __future__ import annotations

import argparse

from accord.cli import build_parser
from accord.core import cli as core_cli
from accord.core.choices import CisoModel, CisoReportsTo, DpoModel, Role
from accord.risks import cli as risk_cli
from accord.risks.choices import LEVEL_COLOURS, LEVEL_PALETTE, LEVEL_RANK, Level
from accord.risks.services import register as register_services


def _choices(parser: argparse.ArgumentParser, *path: str, option: str) -> list[str]:
    for name in path:
        (sub,) = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
        parser = sub.choices[name]
    (action,) = [a for a in parser._actions if option in a.option_strings or a.dest == option]
    return list(action.choices)


def test_the_risk_cli_offers_every_level_in_order():
    assert list(risk_cli.LEVELS) == list(Level.values)
    assert _choices(build_parser(), "risk", "list", option="--level") == list(Level.values)


def test_the_core_cli_offers_every_role_and_governance_choice():
    parser = build_parser()
    assert list(core_cli.ROLES) == list(Role.values)
    assert _choices(parser, "member", "add", option="role") == list(Role.values)
    assert _choices(parser, "invite", "send", option="role") == list(Role.values)
    assert _choices(parser, "org", "governance", option="--ciso-reports-to") == list(CisoReportsTo.values)
    assert _choices(parser, "org", "governance", option="--ciso-model") == list(CisoModel.values)
    assert _choices(parser, "org", "governance", option="--dpo-model") == list(DpoModel.values)


def test_the_charts_label_and_colour_every_level_and_nothing_else():
    assert [(s.key, s.label) for s in LEVEL_PALETTE] == [(level.value, level.label) for level in Level]
    assert list(LEVEL_COLOURS) == list(Level.values)


def test_levels_rank_in_their_declared_order():
    assert [LEVEL_RANK[level] for level in Level] == list(range(1, len(Level) + 1))


def test_the_default_matrix_uses_only_known_levels():
    cells = {cell for row in register_services.DEFAULT_LEVELS for cell in row}
    assert cells <= set(Level.values)
