"""Small pieces shared by every `accord` sub-command (no Django import, so pure engines can use them)."""

from __future__ import annotations

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
