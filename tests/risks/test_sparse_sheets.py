"""A workbook's used range, not its file size, decides what reading it costs: a 5 KB XLSX with one cell at
row 1,048,576 is refused from its dimensions before any row is read, and a sheet whose dimensions are
missing or lie is never read past the row limit, blank rows counted (issue 10, §3)."""

import io
import re
import zipfile

import pytest
from django.core.exceptions import ValidationError
from openpyxl import Workbook
from openpyxl.worksheet._read_only import ReadOnlyWorksheet

from accord.risks.io import MAX_COLUMNS, MAX_SHEET_ROWS, parse_upload

HEADER = ["title", "category", "likelihood", "impact"]
LAST_ROW = 1_048_576


def _workbook(cells, *, dimension=None):
    """An XLSX with `cells` ((row, column, value)); `dimension` rewrites (or with "" removes) the sheet's
    <dimension> element, as a hand-made or hostile file may."""
    wb = Workbook()
    for column, name in enumerate(HEADER, start=1):
        wb.active.cell(row=1, column=column, value=name)
    for row, column, value in cells:
        wb.active.cell(row=row, column=column, value=value)
    out = io.BytesIO()
    wb.save(out)
    if dimension is None:
        return out.getvalue()
    source, rewritten = zipfile.ZipFile(io.BytesIO(out.getvalue())), io.BytesIO()
    with zipfile.ZipFile(rewritten, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                element = f'<dimension ref="{dimension}"/>'.encode() if dimension else b""
                data = re.sub(rb"<dimension [^>]*/>", element, data)
            target.writestr(info, data)
    return rewritten.getvalue()


@pytest.fixture
def rows_read(monkeypatch):
    """How many rows openpyxl hands out while the test runs (blank rows included)."""
    count = [0]
    original = ReadOnlyWorksheet._cells_by_row

    def counting(self, *args, **kwargs):
        for row in original(self, *args, **kwargs):
            count[0] += 1
            yield row

    monkeypatch.setattr(ReadOnlyWorksheet, "_cells_by_row", counting)
    return count


def test_a_cell_at_the_last_row_of_a_sheet_is_refused_from_its_dimensions_before_any_row_is_read(rows_read):
    content = _workbook([(LAST_ROW, 1, "far away")])
    assert len(content) < 10_000
    with pytest.raises(ValidationError, match=r"used range reaches row 1,048,576") as exc:
        parse_upload(io.BytesIO(content), "r.xlsx")
    assert "delete the rows below the register" in exc.value.message_dict["file"][0]
    assert rows_read[0] == 0


def test_a_cell_far_to_the_right_is_refused_from_its_dimensions(rows_read):
    content = _workbook([(2, 16_384, "far right")])
    with pytest.raises(ValidationError, match=r"used range reaches column XFD \(16,384\)"):
        parse_upload(io.BytesIO(content), "r.xlsx")
    assert rows_read[0] == 0


@pytest.mark.parametrize("dimension", ["", "A1:D2"], ids=["no dimension", "a dimension that lies"])
def test_a_sheet_without_true_dimensions_is_read_no_further_than_the_row_limit(rows_read, dimension):
    content = _workbook([(2, 1, "near"), (LAST_ROW, 1, "far away")], dimension=dimension)
    with pytest.raises(ValidationError, match=f"more than {MAX_SHEET_ROWS:,} rows"):
        parse_upload(io.BytesIO(content), "r.xlsx")
    assert rows_read[0] <= MAX_SHEET_ROWS + 1


def test_blank_rows_count_towards_the_row_limit_in_a_csv_too():
    text = ",".join(HEADER) + "\n" + "\n" * MAX_SHEET_ROWS + "x,strategic,1,1\n"
    with pytest.raises(ValidationError, match=f"more than {MAX_SHEET_ROWS:,} rows"):
        parse_upload(io.BytesIO(text.encode()), "r.csv")


def test_a_register_with_some_blank_rows_and_columns_within_the_limits_is_read():
    content = _workbook([(2, 1, "Outage"), (2, 2, "strategic"), (2, 3, 1), (2, 4, 1), (500, MAX_COLUMNS, None)])
    assert [n for n, _ in parse_upload(io.BytesIO(content), "r.xlsx")] == [2]
