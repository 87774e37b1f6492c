"""Actuals as a file, through the tables kit (`accord.core.tables`): one row per budget line and month,
with the columns `line` (the budget line's reference, BL-001), `month` (YYYY-MM; a date's day is ignored),
`amount` (whole minor units of the organisation's currency, negative for a credit) and `note` (optional).
`do_import_actuals` checks and books the rows, all or nothing."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from accord.core import tables
from accord.core.fields import FieldSpec, Kind, ModelSpec
from accord.portfolio.models_costs import Actual

ACTUAL = ModelSpec(Actual, fields=(
    FieldSpec("line", Kind.TEXT, label=_("Budget line"), model_field="budget_line", source="budget_line.ref",
              required=True, help="The budget line's reference, BL-001"),
    FieldSpec("month", Kind.DATE, label=_("Month"), required=True, help="The month, YYYY-MM"),
    FieldSpec("amount", Kind.INTEGER, label=_("Amount (minor units)"), required=True,
              help="What was spent that month, whole minor units; negative for a credit"),
    FieldSpec("note", Kind.TEXT, label=_("Note")),
))

#: Actuals as a file: at most 20,000 rows, 10 MB.
TABLE = tables.Table(ACTUAL, noun="actuals", whole="the actuals", sheet="Actuals", widths={"note": 40})


def parse_upload(fileobj: tables.Readable, filename: str) -> list[tables.Record]:
    """An upload (CSV or XLSX) as `do_import_actuals` rows, or ValidationError on `file` (unreadable, a
    header missing `line`, `month` or `amount`, an unknown column, past the limits)."""
    return tables.parse(TABLE, fileobj, filename)
