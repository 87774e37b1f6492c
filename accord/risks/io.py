"""The risk register as a file: export to CSV or XLSX, and parse an upload for `do_import_risks`.

The columns come from the risk's field specification (`accord.risks.fields.RISK`): `ref`, the
fields an import writes, then the read-only columns (`inherent_level`, `residual_level`,
`above_tolerance`, and the residual `ale` and `p90` of the simulated register) that an import
ignores, so an export can be edited and imported again. Lists
are joined with "; ", members are e-mail addresses, dates are ISO 8601 (real date cells in XLSX),
an Open FAIR breakdown (`fair`) is its JSON text, and the treatment's reductions are shares from 0
to 1 (`FieldSpec.cell_value`).

Spreadsheet programs run a cell that starts with = + - @ (or a tab or carriage return) as a
formula. Export prefixes such a text with a single quote and import strips that quote again, so
a register never carries a live formula and a round trip gives back the same text; the CSV quotes
every field, so no separator splits a cell (accord.core.csvsafe).
"""

from __future__ import annotations

import csv
import datetime as dt
import decimal
import io
import zipfile
from collections.abc import Iterable, Iterator
from typing import Any, Protocol

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException

from accord.core import csvsafe
from accord.core.clock import org_today
from accord.core.csvsafe import neutralise, restore
from accord.core.models import Organization
from accord.risks import quantified
from accord.risks.fields import RISK
from accord.risks.selectors import RiskFilter

COLUMNS = RISK.column_names
# What an import ignores: the computed columns (levels, flags, money figures). It reads `ref` (the risk a
# row updates; empty adds a risk) and the input fields.
READ_ONLY_COLUMNS = RISK.ignored_columns
KEY_COLUMN = RISK.key
REQUIRED_COLUMNS = RISK.required_names
MAX_ROWS = 20_000
MAX_BYTES = 10 * 1024 * 1024
# An XLSX is a zip: refuse one that inflates far beyond what 20,000 rows of text can need.
MAX_XLSX_INFLATED_BYTES = 200 * 1024 * 1024
MAX_COLUMNS = 200
#: Blank rows an import reads besides the header and MAX_ROWS risks; a sheet spanning more rows is refused
#: from its dimensions before it is read, and no sheet is read past this many rows (blank rows are what a
#: sparse sheet costs: one cell at row 1,048,576 is a million empty rows to hand out).
MAX_BLANK_ROWS = 1_000
MAX_SHEET_ROWS = 1 + MAX_ROWS + MAX_BLANK_ROWS

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
FORMATS = tuple(CONTENT_TYPES)

class Readable(Protocol):
    """What an upload must offer: an open binary file, a Django UploadedFile, a BytesIO."""

    def read(self, size: int = -1, /) -> bytes: ...


# --- export -------------------------------------------------------------------------------------

def _row_values(risk: Any) -> dict[str, Any]:
    """One risk as typed cell values (dates as dates, numbers as numbers, lists as text)."""
    return {spec.name: spec.cell_value(risk) for spec in RISK.columns}


def _rows(org: Organization, filters: RiskFilter | None) -> Iterator[dict[str, Any]]:
    figures = quantified.register_figures(org)
    risks = quantified.ordered_risks(org, filters)
    for risk in risks.iterator(chunk_size=1000) if isinstance(risks, QuerySet) else risks:
        risk.money = figures.get(risk.pk)  # the computed columns (ale, p90) read it
        yield _row_values(risk)


def _csv_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str):
        return neutralise(value)
    return str(value)


def _export_csv(rows: Iterable[dict[str, Any]]) -> bytes:
    out = io.StringIO()
    writer = csvsafe.writer(out)
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow([_csv_text(row[c]) for c in COLUMNS])
    # A byte-order mark makes Excel read the file as UTF-8; `parse_upload` accepts it either way.
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _xlsx_value(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, str):
        return neutralise(value)
    if isinstance(value, decimal.Decimal):
        # A number cell when a float holds it exactly, text otherwise (16 significant digits).
        as_float = float(value)
        return as_float if decimal.Decimal(repr(as_float)) == value else str(value)
    return value


def _export_xlsx(rows: Iterable[dict[str, Any]]) -> bytes:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Risks")
    ws.freeze_panes = "B2"
    for column, width in (("A", 8), ("B", 40), ("C", 50)):
        ws.column_dimensions[column].width = width
    header = []
    for name in COLUMNS:
        cell = WriteOnlyCell(ws, value=name)
        cell.font = Font(bold=True)
        header.append(cell)
    ws.append(header)
    for row in rows:
        # Plain values are several times faster than cell objects; openpyxl gives dates the
        # yyyy-mm-dd format by itself, and `neutralise` leaves no text that starts with "=".
        ws.append([_xlsx_value(row[name]) for name in COLUMNS])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def export_register(org: Organization, filters: RiskFilter | None, fmt: str) -> tuple[bytes, str, str]:
    """The register (filtered like the page) as (file content, content type, file name)."""
    if fmt not in FORMATS:
        raise ValidationError({"format": f"'{fmt}' is not an export format; use one of: {', '.join(FORMATS)}."})
    rows = _rows(org, filters)
    content = _export_csv(rows) if fmt == "csv" else _export_xlsx(rows)
    stamp = org_today(org).isoformat()
    return content, CONTENT_TYPES[fmt], f"{org.slug}-risks-{stamp}.{fmt}"


# --- import -------------------------------------------------------------------------------------

def _reject(message: str) -> ValidationError:
    return ValidationError({"file": message})


def _read_limited(fileobj: Readable) -> bytes:
    data = fileobj.read(MAX_BYTES + 1)
    if isinstance(data, str):
        data = data.encode("utf-8")
    if len(data) > MAX_BYTES:
        raise _reject(f"The file is larger than {MAX_BYTES // (1024 * 1024)} MB; split it into several imports.")
    return data


def _header_key(cell: Any) -> str:
    return "" if cell is None else str(cell).strip().lstrip("\ufeff").strip().lower().replace(" ", "_")


def _columns(header: list[Any]) -> list[str | None]:
    """Field name of each column (None for the ones an import ignores), after checking the header."""
    keys = [_header_key(c) for c in header]
    while keys and not keys[-1]:
        keys.pop()
    if not any(keys):
        raise _reject("The first row must name the columns (a header such as: "
                      f"{', '.join(REQUIRED_COLUMNS)}, ...); it is empty.")
    if "" in keys:
        raise _reject(f"Column {keys.index('') + 1} of the header has no name.")
    unknown = [k for k in keys if k not in COLUMNS]
    if unknown:
        raise _reject(f"Unknown column(s): {', '.join(unknown)}. The columns are: {', '.join(COLUMNS)}.")
    twice = sorted({k for k in keys if keys.count(k) > 1})
    if twice:
        raise _reject(f"Column(s) named more than once: {', '.join(twice)}.")
    missing = [k for k in REQUIRED_COLUMNS if k not in keys]
    # A file that updates risks may carry only `ref` and the columns it changes; a row that adds a risk
    # without the required fields is then refused, row by row.
    if missing and RISK.key not in keys:
        raise _reject(f"The header lacks the required column(s): {', '.join(missing)} (or give `{RISK.key}` to "
                      "update existing risks).")
    return [None if k in READ_ONLY_COLUMNS else k for k in keys]


def _cell_value(value: Any) -> Any:
    """A cell as the service's parser expects it: text without the formula guard, whole numbers as int."""
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


def _too_many_rows() -> ValidationError:
    return _reject(f"The file has more than {MAX_SHEET_ROWS:,} rows, blank rows included (a header, at most "
                   f"{MAX_ROWS:,} risks and {MAX_BLANK_ROWS:,} blank rows); delete the rows below the register, "
                   "or split it into several imports.")


def _records(rows: Iterator[list[Any]]) -> list[tuple[int, dict[str, Any]]]:
    header = next(rows, None)
    if header is None:
        raise _reject("The file is empty: the first row must name the columns.")
    columns = _columns(list(header))
    records: list[tuple[int, dict[str, Any]]] = []
    for number, raw in enumerate(rows, start=2):
        if number > MAX_SHEET_ROWS:
            raise _too_many_rows()
        if not any(c is not None and c != "" for c in raw):
            continue  # blank lines are common at the end of spreadsheets (and counted above)
        cells = [_cell_value(c) for c in raw]
        if not any(c != "" for c in cells):
            continue
        extra = [c for c in cells[len(columns):] if c != ""]
        if extra:
            raise _reject(f"Row {number} has more cells than the header has columns.")
        if len(records) >= MAX_ROWS:
            raise _reject(f"The file has more than {MAX_ROWS:,} risks; split it into several imports.")
        records.append((number, {name: cells[i] if i < len(cells) else ""
                                 for i, name in enumerate(columns) if name is not None}))
    if not records:
        raise _reject("The file has a header but no risks below it (is the register on the first sheet?).")
    return records


def _csv_rows(data: bytes) -> Iterator[list[Any]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _reject("The file is not UTF-8 text; save it as 'CSV UTF-8' (or as XLSX) and try again.") from None
    if "\x00" in text:
        raise _reject("The file is not a CSV text file; upload a .csv or .xlsx file.")
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    try:
        yield from csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    except csv.Error as exc:
        raise _reject(f"The CSV file cannot be read: {exc}.") from None


def _check_dimensions(max_row: int | None, max_column: int | None) -> None:
    """Refuse a sheet whose declared used range (its <dimension> element) passes the limits, before a row
    is read: reading costs one row per row number, blank or not."""
    if max_row is not None and max_row > MAX_SHEET_ROWS:
        raise _reject(f"The sheet's used range reaches row {max_row:,}; an import reads at most {MAX_SHEET_ROWS:,} "
                      f"rows (a header, {MAX_ROWS:,} risks and {MAX_BLANK_ROWS:,} blank rows): delete the rows below "
                      "the register (select them, Delete rows) or copy the register into a new workbook.")
    if max_column is not None and max_column > MAX_COLUMNS:
        raise _reject(f"The sheet's used range reaches column {get_column_letter(max_column)} ({max_column:,}); "
                      f"an import reads at most {MAX_COLUMNS} columns: delete the columns right of the register "
                      "or copy the register into a new workbook.")


def _xlsx_rows(data: bytes) -> Iterator[list[Any]]:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            inflated = sum(info.file_size for info in archive.infolist())
        if inflated > MAX_XLSX_INFLATED_BYTES:
            raise _reject("The workbook inflates to more than 200 MB; it cannot be a register of 20,000 risks.")
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError, TypeError):
        raise _reject("The file cannot be read as an XLSX workbook; save it again as .xlsx or CSV.") from None
    try:
        if not wb.worksheets:
            raise _reject("The workbook has no sheet.")
        sheet = wb.worksheets[0]
        _check_dimensions(sheet.max_row, sheet.max_column)
        # The first sheet holds the register; formulas are read as their last computed value, never run.
        # Whatever the dimensions say (they may be missing or lie), openpyxl hands out no row past
        # MAX_SHEET_ROWS + 1 (which `_records` refuses) and no column past MAX_COLUMNS + 1 (whose cells,
        # right of any header, `_records` refuses too).
        rows = sheet.iter_rows(max_row=MAX_SHEET_ROWS + 1, max_col=MAX_COLUMNS + 1, values_only=True)
        while True:
            try:
                row = next(rows, None)
            except Exception:  # a malformed sheet fails deep inside openpyxl: still the user's file
                raise _reject("The workbook cannot be read; save it again as .xlsx or CSV.") from None
            if row is None:
                return
            yield list(row)
    finally:
        wb.close()


def parse_upload(fileobj: Readable, filename: str) -> list[tuple[int, dict[str, Any]]]:
    """Read a CSV (UTF-8, with or without BOM; `,` or `;`) or XLSX upload into `do_import_risks` rows.

    Returns (row number as the spreadsheet shows it, the header being row 1, {field: value}) for
    each non-blank row, `ref` included; the computed columns are dropped. Raises ValidationError on the `file`
    field for an unreadable file, a missing or unknown header, more than 20,000 risks or 10 MB, or a sheet
    spanning more than MAX_SHEET_ROWS rows or MAX_COLUMNS columns (blank ones counted).
    """
    data = _read_limited(fileobj)
    name = (filename or "").lower()
    if name.endswith(".xls"):
        raise _reject("Old .xls workbooks are not supported; save the file as .xlsx or CSV.")
    is_xlsx = name.endswith(".xlsx") or data[:4] == b"PK\x03\x04"
    return _records(_xlsx_rows(data) if is_xlsx else _csv_rows(data))
