"""A `Table`: how one model travels as a file (CSV or XLSX), declared once by the app from its field
specification (decision 0013) and read by both directions.

The columns are the spec's (`ModelSpec.columns`): the key (the reference that names an existing object),
the fields an import reads, then the computed ones an import ignores, so an export can be edited and
imported again. The limits bound every import before its rows are read.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from accord.core.fields import ModelSpec

if TYPE_CHECKING:
    from accord.core.languages import Text

MB = 1024 * 1024

#: The file formats, with the content type of each.
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
FORMATS = tuple(CONTENT_TYPES)


@dataclass(frozen=True)
class Table:
    """One model as a file.

    `noun` names the rows in messages ("risks"), `whole` the table as people know it ("the register"),
    `sheet` the XLSX sheet an export writes (an import reads the first sheet). Limits: `max_rows` rows
    besides the header, `max_bytes` of file, `max_columns`, `max_blank_rows` (blank rows cost a read each:
    a sheet whose used range passes `max_sheet_rows` is refused from its dimensions before any row is
    read), `max_inflated_bytes` that an XLSX (a zip) may inflate to, `max_shared_strings_bytes` that its
    shared strings (loaded whole by openpyxl) may inflate to. The inflated cap is what the row and column
    limits can need: 21,001 rows x 200 columns = 4.2 M cells at most, an empty styled cell
    (`<c r="GR21001" s="999"/>`) is 24 bytes, so a sheet full to the limits is about 96 MB of markup, plus
    32 MB of shared strings (20,000 rows of 1.6 KB of text each), 128 MB in all; the sheet's rows and
    cells are counted as it inflates besides (`accord.core.tables.reading`). `widths` sets XLSX column widths by
    column name; `freeze` the cell above and left of which the XLSX panes stay in view.
    """

    spec: ModelSpec
    noun: Text
    whole: Text
    sheet: str
    max_rows: int = 20_000
    max_bytes: int = 10 * MB
    max_columns: int = 200
    max_blank_rows: int = 1_000
    max_inflated_bytes: int = 128 * MB
    max_shared_strings_bytes: int = 32 * MB
    widths: Mapping[str, int] = field(default_factory=dict)
    freeze: str = "B2"

    def __post_init__(self) -> None:
        unknown = set(self.widths) - set(self.columns)
        if unknown:
            raise ValueError(f"{self.sheet}: widths of unknown column(s) {', '.join(sorted(unknown))}.")

    @property
    def columns(self) -> tuple[str, ...]:
        """The columns of an export, in order."""
        return self.spec.column_names

    @property
    def key(self) -> str:
        """The column that names an existing object (empty: every row adds one)."""
        return self.spec.key

    @property
    def read_only_columns(self) -> tuple[str, ...]:
        """Columns an export writes and an import ignores (computed values)."""
        return self.spec.ignored_columns

    @property
    def required_columns(self) -> tuple[str, ...]:
        """Columns a file that adds objects must have."""
        return self.spec.required_names

    @property
    def max_sheet_rows(self) -> int:
        """The most rows an import reads: the header, `max_rows` and `max_blank_rows`."""
        return 1 + self.max_rows + self.max_blank_rows

    @property
    def max_cells(self) -> int:
        """The most cells a sheet may hold: `max_sheet_rows` rows of `max_columns`."""
        return self.max_sheet_rows * self.max_columns

    def cells(self, obj: Any) -> dict[str, Any]:
        """One object as typed cell values by column (dates as dates, numbers as numbers, lists as text)."""
        return {spec.name: spec.cell_value(obj) for spec in self.spec.columns}
