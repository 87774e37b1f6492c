"""A form for a matrix of levels: a label per row and per column, and a level per cell, grown or shrunk to the size
asked for. The risk matrix (likelihood × impact, accord.risks.forms.MatrixForm) and the incident matrix (urgency ×
impact, accord.incidents.forms.IncidentMatrixForm) are both this form; the template `core/_level_grid.html` draws
its grid (rows from the highest down, as the heat maps show them).

Fields: `rows_field` and `columns_field` (hidden: the size), `<row>_<n>` and `<column>_<n>` (labels),
`level_<r>_<c>` (the cell at row r, column c). Subclasses name the axes and their bounds and give the translated
labels."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

from django import forms

from accord.core.formrender import CELL, COMPACT


class LevelGridForm(forms.Form):
    """A matrix of levels of `row` (e.g. likelihood) × `column` (e.g. impact); `levels[r-1][c-1]` is the cell's."""

    field_template_name = COMPACT
    row: ClassVar[str] = "row"
    column: ClassVar[str] = "column"
    rows_field: ClassVar[str] = "rows"  # the hidden fields (and query parameters) of the size
    columns_field: ClassVar[str] = "columns"
    minimum: ClassVar[int] = 2
    maximum: ClassVar[int] = 7
    label_length: ClassVar[int] = 60

    def __init__(self, data: Mapping[str, Any] | None = None, *, row_labels: Sequence[str],
                 column_labels: Sequence[str], levels: Sequence[Sequence[str]], choices: Sequence[tuple[str, Any]],
                 size: tuple[int, int] | None = None) -> None:
        super().__init__(data)
        self.field_templates: dict[str, str] = {}  # the cells of the grid
        n_r, n_c = size or (len(row_labels), len(column_labels))
        self.n_rows, self.n_columns = n_r, n_c
        self.fields[self.rows_field] = forms.IntegerField(widget=forms.HiddenInput, initial=n_r,
                                                         min_value=self.minimum, max_value=self.maximum)
        self.fields[self.columns_field] = forms.IntegerField(widget=forms.HiddenInput, initial=n_c,
                                                            min_value=self.minimum, max_value=self.maximum)
        old_r, old_c = len(row_labels), len(column_labels)
        for n in range(1, n_r + 1):
            self.fields[f"{self.row}_{n}"] = forms.CharField(
                max_length=self.label_length, label=self.row_label(n), initial=row_labels[n - 1] if n <= old_r else "")
        for n in range(1, n_c + 1):
            self.fields[f"{self.column}_{n}"] = forms.CharField(
                max_length=self.label_length, label=self.column_label(n),
                initial=column_labels[n - 1] if n <= old_c else "")
        for r in range(1, n_r + 1):
            for c in range(1, n_c + 1):
                known = r <= old_r and c <= old_c
                self.fields[f"level_{r}_{c}"] = forms.ChoiceField(
                    choices=list(choices), label=self.cell_label(r, c),
                    initial=str(levels[r - 1][c - 1]) if known else self.guess(r, c, n_r, n_c),
                    widget=forms.Select(attrs={"data-level": ""}))  # coloured by its value (accord.css)
                self.field_templates[f"level_{r}_{c}"] = CELL

    # --- what a subclass says ---------------------------------------------------------------------------------

    def row_label(self, n: int) -> str:
        return f"{self.row} {n}"

    def column_label(self, n: int) -> str:
        return f"{self.column} {n}"

    def cell_label(self, row: int, column: int) -> str:
        return f"{self.row} {row}, {self.column} {column}"

    def guess(self, row: int, column: int, n_rows: int, n_columns: int) -> str:
        """A starting level for a cell the matrix did not have."""
        raise NotImplementedError

    # --- what the template and the view read ------------------------------------------------------------------

    @property
    def row_fields(self) -> list[forms.BoundField]:
        return [self[f"{self.row}_{n}"] for n in range(1, self.n_rows + 1)]

    @property
    def column_fields(self) -> list[forms.BoundField]:
        return [self[f"{self.column}_{n}"] for n in range(1, self.n_columns + 1)]

    @property
    def grid(self) -> list[tuple[forms.BoundField, list[forms.BoundField]]]:
        """Rows from the highest down, as the heat map shows them."""
        return [(self[f"{self.row}_{r}"], [self[f"level_{r}_{c}"] for c in range(1, self.n_columns + 1)])
                for r in range(self.n_rows, 0, -1)]

    def row_values(self) -> list[str]:
        return [self.cleaned_data[f"{self.row}_{n}"] for n in range(1, self.n_rows + 1)]

    def column_values(self) -> list[str]:
        return [self.cleaned_data[f"{self.column}_{n}"] for n in range(1, self.n_columns + 1)]

    def level_values(self) -> list[list[str]]:
        return [[self.cleaned_data[f"level_{r}_{c}"] for c in range(1, self.n_columns + 1)]
                for r in range(1, self.n_rows + 1)]

    @classmethod
    def size_asked(cls, params: Mapping[str, Any], default: tuple[int, int]) -> tuple[int, int]:
        """The shape asked for in a query or a post (`rows_field`, `columns_field`), kept within the bounds."""
        def read(name: str, fallback: int) -> int:
            try:
                return min(cls.maximum, max(cls.minimum, int(params.get(name, fallback))))
            except (TypeError, ValueError):
                return fallback

        return read(cls.rows_field, default[0]), read(cls.columns_field, default[1])
