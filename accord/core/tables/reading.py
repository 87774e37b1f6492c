"""Imports: a CSV or XLSX upload to rows of {column: cell} for the app's import service, bounded before
anything is read, or one ValidationError on the `file` field that says what to change.

The limits hold whatever the file claims: the bytes read are capped, an XLSX's inflated size and its
sheet's declared used range are checked before its rows are read, and no row past `max_sheet_rows` or
column past `max_columns` is handed out even when the declared range is missing or lies.
Cells come back as the service's parser expects them: texts stripped and without the formula guard
(`csvsafe.restore`), whole numbers as int, dates as ISO 8601 text. Whether each row is valid is the
service's to say (every refused row and field named; see `accord.core.tables.report`).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from collections.abc import Iterator
from typing import Any, Protocol

from django.core.exceptions import ValidationError
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException

from accord.core.csvsafe import restore
from accord.core.tables.table import MB, Table

#: (row number as the spreadsheet shows it, the header being row 1; {column: cell}).
Record = tuple[int, dict[str, Any]]


class Readable(Protocol):
    """What an upload must offer: an open binary file, a Django UploadedFile, a BytesIO."""

    def read(self, size: int = -1, /) -> bytes: ...


def reject(message: str) -> ValidationError:
    """The one error of an unreadable or oversized file: on the `file` field."""
    return ValidationError({"file": message})


def _read_limited(table: Table, fileobj: Readable) -> bytes:
    data = fileobj.read(table.max_bytes + 1)
    if isinstance(data, str):
        data = data.encode("utf-8")
    if len(data) > table.max_bytes:
        raise reject(f"The file is larger than {table.max_bytes // MB} MB; split it into several imports.")
    return data


def _header_key(cell: Any) -> str:
    return "" if cell is None else str(cell).strip().lstrip("\ufeff").strip().lower().replace(" ", "_")


def _columns(table: Table, header: list[Any]) -> list[str | None]:
    """Column name of each column (None for the ones an import ignores), after checking the header."""
    keys = [_header_key(c) for c in header]
    while keys and not keys[-1]:
        keys.pop()
    required, columns = table.required_columns, table.columns
    if not any(keys):
        raise reject("The first row must name the columns (a header such as: "
                     f"{', '.join(required or columns[:3])}, ...); it is empty.")
    if "" in keys:
        raise reject(f"Column {keys.index('') + 1} of the header has no name.")
    unknown = [k for k in keys if k not in columns]
    if unknown:
        raise reject(f"Unknown column(s): {', '.join(unknown)}. The columns are: {', '.join(columns)}.")
    twice = sorted({k for k in keys if keys.count(k) > 1})
    if twice:
        raise reject(f"Column(s) named more than once: {', '.join(twice)}.")
    missing = [k for k in required if k not in keys]
    # A file that updates objects may carry only the key and the columns it changes; a row that adds one
    # without the required fields is then refused by the service, row by row.
    if missing and (not table.key or table.key not in keys):
        instead = f" (or give `{table.key}` to update existing {table.noun})" if table.key else ""
        raise reject(f"The header lacks the required column(s): {', '.join(missing)}{instead}.")
    return [None if k in table.read_only_columns else k for k in keys]


def _cell_value(value: Any) -> Any:
    """A cell as a service's parser expects it: text without the formula guard, whole numbers as int."""
    if value is None:
        return ""
    if isinstance(value, str):
        return restore(value.strip())
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return int(value) if value.is_integer() else repr(value)
    return value


def _too_many_rows(table: Table) -> ValidationError:
    return reject(f"The file has more than {table.max_sheet_rows:,} rows, blank rows included (a header, at most "
                  f"{table.max_rows:,} {table.noun} and {table.max_blank_rows:,} blank rows); delete the rows below "
                  f"{table.whole}, or split it into several imports.")


def _records(table: Table, rows: Iterator[list[Any]]) -> list[Record]:
    header = next(rows, None)
    if header is None:
        raise reject("The file is empty: the first row must name the columns.")
    columns = _columns(table, list(header))
    records: list[Record] = []
    for number, raw in enumerate(rows, start=2):
        if number > table.max_sheet_rows:
            raise _too_many_rows(table)
        if not any(c is not None and c != "" for c in raw):
            continue  # blank lines are common at the end of spreadsheets (and counted above)
        cells = [_cell_value(c) for c in raw]
        if not any(c != "" for c in cells):
            continue
        extra = [c for c in cells[len(columns):] if c != ""]
        if extra:
            raise reject(f"Row {number} has more cells than the header has columns.")
        if len(records) >= table.max_rows:
            raise reject(f"The file has more than {table.max_rows:,} {table.noun}; split it into several imports.")
        records.append((number, {name: cells[i] if i < len(cells) else ""
                                 for i, name in enumerate(columns) if name is not None}))
    if not records:
        raise reject(f"The file has a header but no {table.noun} below it (is {table.whole} on the first sheet?).")
    return records


def _csv_rows(data: bytes) -> Iterator[list[Any]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise reject("The file is not UTF-8 text; save it as 'CSV UTF-8' (or as XLSX) and try again.") from None
    if "\x00" in text:
        raise reject("The file is not a CSV text file; upload a .csv or .xlsx file.")
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    try:
        yield from csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    except csv.Error as exc:
        raise reject(f"The CSV file cannot be read: {exc}.") from None


def check_dimensions(table: Table, max_row: int | None, max_column: int | None) -> None:
    """Refuse a sheet whose declared used range (its <dimension> element) passes the limits, before a row
    is read: reading costs one row per row number, blank or not."""
    if max_row is not None and max_row > table.max_sheet_rows:
        raise reject(f"The sheet's used range reaches row {max_row:,}; an import reads at most "
                     f"{table.max_sheet_rows:,} rows (a header, {table.max_rows:,} {table.noun} and "
                     f"{table.max_blank_rows:,} blank rows): delete the rows below {table.whole} (select them, "
                     "Delete rows) or copy it into a new workbook.")
    if max_column is not None and max_column > table.max_columns:
        raise reject(f"The sheet's used range reaches column {get_column_letter(max_column)} ({max_column:,}); "
                     f"an import reads at most {table.max_columns} columns: delete the columns right of "
                     f"{table.whole} or copy it into a new workbook.")


def _xlsx_rows(table: Table, data: bytes) -> Iterator[list[Any]]:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            inflated = sum(info.file_size for info in archive.infolist())
        if inflated > table.max_inflated_bytes:
            raise reject(f"The workbook inflates to more than {table.max_inflated_bytes // MB} MB; it cannot hold "
                         f"{table.max_rows:,} {table.noun}.")
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError, TypeError):
        raise reject("The file cannot be read as an XLSX workbook; save it again as .xlsx or CSV.") from None
    try:
        if not wb.worksheets:
            raise reject("The workbook has no sheet.")
        sheet = wb.worksheets[0]
        check_dimensions(table, sheet.max_row, sheet.max_column)
        # The first sheet holds the table; formulas are read as their last computed value, never run.
        # Whatever the dimensions say (they may be missing or lie), openpyxl hands out no row past
        # max_sheet_rows + 1 (which `_records` refuses) and no column past max_columns + 1 (whose cells,
        # right of any header, `_records` refuses too).
        rows = sheet.iter_rows(max_row=table.max_sheet_rows + 1, max_col=table.max_columns + 1, values_only=True)
        while True:
            try:
                row = next(rows, None)
            except Exception:  # a malformed sheet fails deep inside openpyxl: still the user's file
                raise reject("The workbook cannot be read; save it again as .xlsx or CSV.") from None
            if row is None:
                return
            yield list(row)
    finally:
        wb.close()


def parse(table: Table, fileobj: Readable, filename: str) -> list[Record]:
    """Read a CSV (UTF-8, with or without BOM; `,` or `;`) or XLSX upload into the rows of an import.

    Returns (row number as the spreadsheet shows it, the header being row 1, {column: value}) for each
    non-blank row, the key included; the read-only columns are dropped. Raises ValidationError on the
    `file` field for an unreadable file, a missing or unknown header, more than `max_rows` rows or
    `max_bytes`, or a sheet spanning more than `max_sheet_rows` rows or `max_columns` columns (blank
    ones counted).
    """
    data = _read_limited(table, fileobj)
    name = (filename or "").lower()
    if name.endswith(".xls"):
        raise reject("Old .xls workbooks are not supported; save the file as .xlsx or CSV.")
    is_xlsx = name.endswith(".xlsx") or data[:4] == b"PK\x03\x04"
    return _records(table, _xlsx_rows(table, data) if is_xlsx else _csv_rows(data))
