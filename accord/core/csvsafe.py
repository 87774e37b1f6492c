"""CSV that a spreadsheet opens as data: every field quoted, no cell read as a formula.

Every CSV Accord writes goes through `writer`. Quoting every field keeps a cell whole whatever
separator the file is written with (`Backup gap;=cmd|…` stays one cell where `;` separates), and
`neutralise` prefixes a single quote to a text a spreadsheet would run as a formula: one starting
with = + - @, a tab or a carriage return (OWASP's list). `restore` undoes it on import.
"""

from __future__ import annotations

import csv
from typing import Any, TextIO

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(text: str) -> str:
    """Prefix a text a spreadsheet would run as a formula with a single quote.

    Texts that start with quotes before such a character get one more quote, so `restore` is its
    exact inverse.
    """
    return "'" + text if text.lstrip("'").startswith(FORMULA_STARTS) else text


def restore(text: str) -> str:
    """Undo `neutralise`: drop the one quote that protects a formula-like text."""
    if text.startswith("'") and text.lstrip("'").startswith(FORMULA_STARTS):
        return text[1:]
    return text


def writer(out: TextIO, delimiter: str = ",") -> Any:
    """A csv writer that quotes every field, with `delimiter` between them; pass it texts already
    `neutralise`d."""
    return csv.writer(out, delimiter=delimiter, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
