"""Small pieces shared by every `accord` sub-command (no Django import, so pure engines can use them)."""

from __future__ import annotations

import argparse
import sys
import time
from typing import TextIO


class CliError(Exception):
    """An error the `accord` command prints as one line before exiting with `code`."""

    def __init__(self, message: str, code: int = 1) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


class Progress:
    """A dependency-free progress bar on stderr, drawn only when stderr is a terminal (or forced)."""

    def __init__(self, label: str, total: int, *, stream: TextIO | None = None, force: bool = False) -> None:
        self.label = label
        self.total = max(total, 1)
        self.stream = stream or sys.stderr
        self.enabled = force or self.stream.isatty()
        self.done = 0
        self._last_draw = 0.0

    def advance(self, amount: int = 1) -> None:
        """Add `amount` units of finished work and redraw at most ten times a second."""
        self.done = min(self.total, self.done + amount)
        now = time.monotonic()
        if self.enabled and (now - self._last_draw > 0.1 or self.done == self.total):
            self._last_draw = now
            width = 30
            filled = int(width * self.done / self.total)
            pct = 100 * self.done / self.total
            self.stream.write(f"\r{self.label} [{'#' * filled}{'.' * (width - filled)}] {pct:5.1f}%")
            if self.done == self.total:
                self.stream.write("\n")
            self.stream.flush()


def verb_group(
    subparsers: argparse._SubParsersAction[argparse.ArgumentParser], name: str, *, help_text: str, dest: str
) -> argparse._SubParsersAction[argparse.ArgumentParser]:
    """The sub-verbs of `accord NAME`, shared by the modules that add verbs to it (`accord budget list` comes
    from the portfolio's costs, `accord budget solve` from the optimiser): the first to register creates the
    group with its help; the others add their verbs to it."""
    existing = subparsers.choices.get(name)
    if existing is not None:
        for action in existing._actions:
            if isinstance(action, argparse._SubParsersAction):
                return action
        raise ValueError(f"accord {name} already exists without sub-verbs")
    parser = subparsers.add_parser(name, help=help_text, description=help_text[:1].upper() + help_text[1:] + ".")
    return parser.add_subparsers(dest=dest, metavar="VERB", required=True)
