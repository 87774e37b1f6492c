"""The tables kit on the command line: what every `accord X export|import` verb does the same way (choose the
format, write the file or standard output, read an upload, run the import and show its report one line a row,
every refused row named with its column). The app's verb passes its own export, parser and import service."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from accord.cli_support import CliError
from accord.core.tables.report import ImportRejected, ImportReport, ImportRow
from accord.core.tables.table import FORMATS


def reader_left() -> None:
    """The reader of standard output stopped early (`accord risk list ORG | head`): not an error. Point stdout at
    /dev/null so that Python's final flush does not complain either."""
    os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


def export_format(fmt: str | None, out: str) -> str:
    """The format asked (`--format`), else the extension of `--out`; CSV only for standard output (`-`)."""
    fmt = fmt or Path(out).suffix.lower().lstrip(".")
    if fmt not in FORMATS:
        raise CliError(f"give --format {' or '.join(FORMATS)} (the extension of '{out}' does not say)")
    if out == "-" and fmt != "csv":
        raise CliError("only CSV can be written to standard output; give --out FILE.xlsx")
    return fmt


def write_export(content: bytes, out: str, fmt: str, what: str) -> int:
    """Write an export to `out` (`-`: standard output) and say so (`what`: "the risk register of acme")."""
    if out == "-":
        try:
            sys.stdout.buffer.write(content)
            sys.stdout.flush()
        except BrokenPipeError:
            reader_left()
        return 0
    try:
        Path(out).write_bytes(content)
    except OSError as exc:
        raise CliError(f"cannot write '{out}': {exc.strerror or exc}") from None
    print(f"exported {what} to {out} ({fmt.upper()}, {len(content):,} bytes)")
    return 0


def read_rows(path: str, parse: Callable[[Any, str], list[Any]]) -> list[Any]:
    """The rows of the file at `path`, read by the app's `parse_upload`; one line for a file that cannot be read."""
    from django.core.exceptions import ValidationError

    try:
        with open(path, "rb") as fileobj:
            rows = parse(fileobj, path)
    except OSError as exc:
        raise CliError(f"cannot read '{path}': {exc.strerror or exc}") from None
    except ValidationError as exc:
        raise CliError(f"{path}: {' '.join(exc.messages)}") from None
    print(f"checking {len(rows):,} row(s) of {path}…", file=sys.stderr)
    return rows


def run_import(path: str, rows: list[Any], do_import: Callable[..., ImportReport], *,
               dry_run: bool) -> ImportReport | None:
    """Run the app's import service on `rows`: a refused file prints every bad row and column and fails; a dry run
    prints each row's outcome and returns None; otherwise the report, for the verb's last line."""
    try:
        report = do_import(rows, dry_run=dry_run)
    except ImportRejected as exc:
        for number, field, message in exc.rows:
            print(f"row {number}, {field}: {message}", file=sys.stderr)
        bad = len({number for number, _, _ in exc.rows})
        raise CliError(f"import rejected: {bad} bad row(s) in {path}; nothing was imported") from None
    if not dry_run:
        return report
    for outcome in report.rows:
        print(row_line(outcome))
    sys.stdout.flush()
    if report.problems:
        raise CliError(f"dry run: {report.summary()}; the import would be rejected; nothing was written")
    print(f"dry run: {report.summary()}; nothing was written")
    return None


def row_line(row: ImportRow) -> str:
    """One row of a dry run: `row 3: update R-002 (title, likelihood)`."""
    from accord.core.choices import ImportAction

    if row.action == ImportAction.REFUSED:
        problems = "; ".join(f"{field}: {message}" for field, message in row.errors)
        return f"row {row.row}: refused{' ' + row.ref if row.ref else ''}: {problems}"
    changed = f" ({', '.join(row.changed)})" if row.changed else ""
    return f"row {row.row}: {row.action} {row.ref}{changed}"
