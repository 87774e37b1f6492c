"""Tabular import and export (CSV and XLSX), one declarative piece every app configures with its field
specification (decision 0030; docs/extending.md has the recipe).

An app declares a `Table` (its `ModelSpec`, the noun and the limits), then exports with
`export(table, objects, fmt)` and reads an upload with `parse(table, file, name)`; its import service
checks every row and answers with an `ImportReport`, raising `ImportRejected` (every refused row and
field) before writing anything. Cells are formula-injection-safe both ways (accord.core.csvsafe).
"""

from accord.core.tables.reading import Readable, Record, check_dimensions, parse, reject
from accord.core.tables.report import ImportRejected, ImportReport, ImportRow, refused
from accord.core.tables.table import CONTENT_TYPES, FORMATS, Table
from accord.core.tables.writing import export

__all__ = [
    "CONTENT_TYPES", "FORMATS", "ImportRejected", "ImportReport", "ImportRow", "Readable", "Record", "Table",
    "check_dimensions", "export", "parse", "refused", "reject",
]
