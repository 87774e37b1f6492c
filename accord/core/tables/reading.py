"""Imports: a CSV or XLSX upload to rows of {column: cell} for the app's import service, bounded before
anything is read, or one ValidationError on the `file` field that says what to change.

The limits hold whatever the file claims: the bytes read are capped, an XLSX's inflated size, its shared
strings and its sheet's declared used range are checked before openpyxl reads anything, then the sheet's XML
is scanned as it inflates (expat, 64 KB at a time, no cell kept) and refused at the first row past
`max_sheet_rows` (every <row> counted, empty ones too), row with more than `max_columns` cells, or cell past
rows x columns, whatever the declared range says; only then does openpyxl read the rows.
Cells come back as the service's parser expects them: texts stripped and without the formula guard
(`csvsafe.restore`), whole numbers as int, dates as ISO 8601 text. Whether each row is valid is the
service's to say (every refused row and field named; see `accord.core.tables.report`).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from collections.abc import Callable, Iterator
from typing import IO, Any, Protocol
from xml.parsers import expat

from django.core.exceptions import ValidationError
from django.utils import formats
from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.reader.excel import ExcelReader
from openpyxl.utils import column_index_from_string, get_column_letter, range_boundaries
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.xml.constants import SHARED_STRINGS

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
        raise reject(_("The file is larger than %(limit)s MB; split it into several imports.")
                     % {"limit": table.max_bytes // MB})
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
        raise reject(_("The first row must name the columns (a header such as: %(columns)s, ...); it is empty.")
                     % {"columns": ", ".join(required or columns[:3])})
    if "" in keys:
        raise reject(_("Column %(number)s of the header has no name.") % {"number": keys.index("") + 1})
    unknown = [k for k in keys if k not in columns]
    if unknown:
        raise reject(_("Unknown column(s): %(unknown)s. The columns are: %(columns)s.")
                     % {"unknown": ", ".join(unknown), "columns": ", ".join(columns)})
    twice = sorted({k for k in keys if keys.count(k) > 1})
    if twice:
        raise reject(_("Column(s) named more than once: %(columns)s.") % {"columns": ", ".join(twice)})
    missing = [k for k in required if k not in keys]
    # A file that updates objects may carry only the key and the columns it changes; a row that adds one
    # without the required fields is then refused by the service, row by row.
    if missing and (not table.key or table.key not in keys):
        if table.key:
            raise reject(_("The header lacks the required column(s): %(columns)s (or give `%(key)s` to update "
                           "existing %(noun)s).") % {"columns": ", ".join(missing), "key": table.key,
                                                     "noun": table.noun})
        raise reject(_("The header lacks the required column(s): %(columns)s.") % {"columns": ", ".join(missing)})
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
    return reject(_("The file has more than %(rows)s rows, blank rows included (a header, at most %(max)s %(noun)s "
                    "and %(blank)s blank rows); delete the rows below %(whole)s, or split it into several imports.")
                  % {**_limits(table), "rows": _n(table.max_sheet_rows)})


def _records(table: Table, rows: Iterator[list[Any]]) -> list[Record]:
    header = next(rows, None)
    if header is None:
        raise reject(_("The file is empty: the first row must name the columns."))
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
            raise reject(_("Row %(number)s has more cells than the header has columns.") % {"number": number})
        if len(records) >= table.max_rows:
            raise reject(_("The file has more than %(max)s %(noun)s; split it into several imports.")
                         % _limits(table))
        records.append((number, {name: cells[i] if i < len(cells) else ""
                                 for i, name in enumerate(columns) if name is not None}))
    if not records:
        raise reject(_("The file has a header but no %(noun)s below it (is %(whole)s on the first sheet?).")
                     % _limits(table))
    return records


def _csv_rows(data: bytes) -> Iterator[list[Any]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise reject(_("The file is not UTF-8 text; save it as 'CSV UTF-8' (or as XLSX) and try again.")) from None
    if "\x00" in text:
        raise reject(_("The file is not a CSV text file; upload a .csv or .xlsx file."))
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    try:
        yield from csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    except csv.Error as exc:
        raise reject(_("The CSV file cannot be read: %(problem)s.") % {"problem": exc}) from None


def check_dimensions(table: Table, max_row: int | None, max_column: int | None) -> None:
    """Refuse a sheet whose declared used range (its <dimension> element) passes the limits, before a row
    is read: reading costs one row per row number, blank or not."""
    if max_row is not None and max_row > table.max_sheet_rows:
        raise reject(_("The sheet's used range reaches row %(row)s; an import reads at most %(rows)s rows (a "
                       "header, %(max)s %(noun)s and %(blank)s blank rows): delete the rows below %(whole)s (select "
                       "them, Delete rows) or copy it into a new workbook.")
                     % {**_limits(table), "row": _n(max_row), "rows": _n(table.max_sheet_rows)})
    if max_column is not None and max_column > table.max_columns:
        raise reject(_("The sheet's used range reaches column %(letter)s (%(column)s); an import reads at most "
                       "%(columns)s columns: delete the columns right of %(whole)s or copy it into a new workbook.")
                     % {**_limits(table), "letter": get_column_letter(max_column), "column": _n(max_column)})


_SCAN_CHUNK = 64 * 1024


def _n(number: int) -> str:
    """A count as the reader's language writes it (10,000 or 10 000)."""
    return formats.number_format(number, force_grouping=True)


def _limits(table: Table) -> dict[str, Any]:
    """The table's words and limits, for the messages below."""
    return {"noun": table.noun, "whole": table.whole, "max": _n(table.max_rows), "blank": _n(table.max_blank_rows),
            "columns": table.max_columns, "cells": _n(table.max_cells)}


def _size(limit: int) -> str:
    if limit >= MB:
        return _("%(number)s MB") % {"number": limit // MB}
    return _("%(number)s bytes") % {"number": _n(limit)}


def _scan(stream: IO[bytes], start: Callable[[str, dict[str, str]], None]) -> None:
    """Feed `stream` to expat 64 KB at a time, calling `start(local name, attributes)` for each element;
    a refusal raised by `start` stops the read at once. Texts are never collected."""
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.StartElementHandler = lambda name, attrs: start(name.rpartition(" ")[2], attrs)
    try:
        while chunk := stream.read(_SCAN_CHUNK):
            parser.Parse(chunk, False)
        parser.Parse(b"", True)
    except expat.ExpatError:
        raise reject(_("The workbook cannot be read; save it again as .xlsx or CSV.")) from None


def _scan_shared_strings(table: Table, archive: zipfile.ZipFile, path: str | None) -> None:
    """Refuse a shared-strings part larger than `max_shared_strings_bytes` (from its declared size, which
    is all zipfile will inflate) or holding more strings than the sheet may have cells, before openpyxl
    loads it whole."""
    if path is None:
        return
    info = archive.getinfo(path)
    if info.file_size > table.max_shared_strings_bytes:
        raise reject(_("The workbook's shared strings inflate to more than %(size)s; an import of %(max)s %(noun)s "
                       "needs less: copy %(whole)s into a new workbook.")
                     % {**_limits(table), "size": _size(table.max_shared_strings_bytes)})
    count = [0]

    def start(tag: str, attrs: dict[str, str]) -> None:
        if tag == "si":
            count[0] += 1
            if count[0] > table.max_cells:
                raise reject(_("The workbook holds more than %(cells)s shared strings, more than its sheet may "
                               "have cells; copy %(whole)s into a new workbook.") % _limits(table))

    with archive.open(info) as stream:
        _scan(stream, start)


def _scan_sheet(table: Table, archive: zipfile.ZipFile, path: str) -> None:
    """Refuse the sheet at the first breach of the limits, counting its rows and cells as it inflates (the
    declared used range may be missing or lie; openpyxl would parse every cell of a row even past the
    columns it hands out)."""
    state = {"rows": 0, "number": 0, "row_cells": 0, "cells": 0}

    def start(tag: str, attrs: dict[str, str]) -> None:
        if tag == "dimension":  # before the rows: a true range names the limit it passes
            try:
                _min_col, _min_row, max_column, max_row = range_boundaries(attrs.get("ref", "").split(":")[-1])
            except (ValueError, TypeError):
                return
            check_dimensions(table, max_row, max_column)
        elif tag == "row":
            state["rows"] += 1
            given = attrs.get("r", "")
            state["number"] = int(given) if given.isdigit() else state["number"] + 1
            state["row_cells"] = 0
            if state["rows"] > table.max_sheet_rows or state["number"] > table.max_sheet_rows:
                raise _too_many_rows(table)
        elif tag == "c":
            state["row_cells"] += 1
            state["cells"] += 1
            letters = attrs.get("r", "").rstrip("0123456789")
            if state["row_cells"] > table.max_columns or (
                    letters and (len(letters) > 3 or column_index_from_string(letters) > table.max_columns)):
                raise reject(_("Row %(row)s of the sheet has more than %(columns)s cells or a cell past column "
                               "%(letter)s; an import reads at most %(columns)s columns: delete the columns right of "
                               "%(whole)s or copy it into a new workbook.")
                             % {**_limits(table), "row": _n(max(state["number"], 1)),
                                "letter": get_column_letter(table.max_columns)})
            if state["cells"] > table.max_cells:
                raise reject(_("The sheet has more than %(cells)s cells (%(rows)s rows of %(columns)s columns); "
                               "copy %(whole)s into a new workbook.")
                             % {**_limits(table), "rows": _n(table.max_sheet_rows)})

    with archive.open(path) as stream:
        _scan(stream, start)


def _parts(data: bytes) -> tuple[str | None, list[str]]:
    """The shared-strings part and the worksheet parts, as openpyxl finds them: it loads the first whole
    and reads each sheet up to its <dimension> element (or whole without one) before handing out a row."""
    reader = ExcelReader(io.BytesIO(data), read_only=True, data_only=True)
    reader.read_manifest()
    strings = reader.package.find(SHARED_STRINGS)
    reader.read_workbook()
    sheets = [rel.target for _rid, rel in reader.parser.find_sheets()
              if rel.target in reader.valid_files and "chartsheet" not in rel.Type]
    return (strings.PartName[1:] if strings is not None else None), sheets


def _xlsx_rows(table: Table, data: bytes) -> Iterator[list[Any]]:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            inflated = sum(info.file_size for info in archive.infolist())
            if inflated > table.max_inflated_bytes:
                raise reject(_("The workbook inflates to more than %(size)s; it cannot hold %(max)s %(noun)s.")
                             % {**_limits(table), "size": _size(table.max_inflated_bytes)})
            strings, sheets = _parts(data)
            _scan_shared_strings(table, archive, strings)
            # The declared used range, then every row and cell of each sheet, before openpyxl reads one.
            for path in sheets:
                _scan_sheet(table, archive, path)
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError, TypeError, SyntaxError,
            AttributeError):
        raise reject(_("The file cannot be read as an XLSX workbook; save it again as .xlsx or CSV.")) from None
    try:
        if not wb.worksheets:
            raise reject(_("The workbook has no sheet."))
        sheet = wb.worksheets[0]
        # The first sheet holds the table; formulas are read as their last computed value, never run.
        # The scan above refused any row past max_sheet_rows and any cell past max_columns; openpyxl is
        # still asked for no more than max_sheet_rows + 1 rows and max_columns + 1 columns.
        rows = sheet.iter_rows(max_row=table.max_sheet_rows + 1, max_col=table.max_columns + 1, values_only=True)
        while True:
            try:
                row = next(rows, None)
            except Exception:  # a malformed sheet fails deep inside openpyxl: still the user's file
                raise reject(_("The workbook cannot be read; save it again as .xlsx or CSV.")) from None
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
        raise reject(_("Old .xls workbooks are not supported; save the file as .xlsx or CSV."))
    is_xlsx = name.endswith(".xlsx") or data[:4] == b"PK\x03\x04"
    return _records(table, _xlsx_rows(table, data) if is_xlsx else _csv_rows(data))
