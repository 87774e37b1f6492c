"""Exports: objects to CSV or XLSX bytes, every text cell guarded against formulas (accord.core.csvsafe).

Spreadsheet programs run a cell that starts with = + - @ (or a tab or carriage return) as a formula; an
export prefixes such a text with a single quote (which an import strips again), and the CSV quotes every
field, so no separator splits a cell. XLSX cells keep their types: dates are date cells, numbers numbers.
"""

from __future__ import annotations

import datetime as dt
import decimal
import io
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from accord.core import csvsafe
from accord.core.csvsafe import neutralise
from accord.core.tables.table import FORMATS, Table


def _csv_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str):
        return neutralise(value)
    return str(value)


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


def export_csv(table: Table, objects: Iterable[Any]) -> bytes:
    out = io.StringIO()
    writer = csvsafe.writer(out)
    columns = table.columns
    writer.writerow(columns)
    for obj in objects:
        row = table.cells(obj)
        writer.writerow([_csv_text(row[c]) for c in columns])
    # A byte-order mark makes Excel read the file as UTF-8; an import accepts it either way.
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def export_xlsx(table: Table, objects: Iterable[Any]) -> bytes:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(table.sheet)
    ws.freeze_panes = table.freeze
    columns = table.columns
    for name, width in table.widths.items():
        ws.column_dimensions[get_column_letter(columns.index(name) + 1)].width = width
    header = []
    for name in columns:
        cell = WriteOnlyCell(ws, value=name)
        cell.font = Font(bold=True)
        header.append(cell)
    ws.append(header)
    for obj in objects:
        row = table.cells(obj)
        # Plain values are several times faster than cell objects; openpyxl gives dates the
        # yyyy-mm-dd format by itself, and `neutralise` leaves no text that starts with "=".
        ws.append([_xlsx_value(row[name]) for name in columns])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def export(table: Table, objects: Iterable[Any], fmt: str) -> bytes:
    """`objects` as a file of format `fmt` (csv or xlsx); a ValidationError on `format` for any other."""
    if fmt not in FORMATS:
        raise ValidationError({"format": f"'{fmt}' is not an export format; use one of: {', '.join(FORMATS)}."})
    return export_csv(table, objects) if fmt == "csv" else export_xlsx(table, objects)
