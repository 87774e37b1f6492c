"""The risk register as a file: export to CSV or XLSX, and parse an upload for `do_import_risks`, both
through the tables kit (`accord.core.tables`) configured here with the risk's field specification.

The columns come from `accord.risks.fields.RISK`: `ref`, the fields an import writes, then the read-only
columns (`inherent_level`, `residual_level`, `above_tolerance`, and the residual `ale` and `p90` of the
simulated register) that an import ignores, so an export can be edited and imported again. Lists are
joined with "; ", members are e-mail addresses, dates are ISO 8601 (real date cells in XLSX), an Open
FAIR breakdown (`fair`) is its JSON text, and the treatment's reductions are shares from 0 to 1
(`FieldSpec.cell_value`). Formula-like texts are guarded both ways (accord.core.csvsafe).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy

from accord.core import tables
from accord.core.clock import org_today
from accord.core.csvsafe import neutralise as neutralise
from accord.core.csvsafe import restore as restore
from accord.core.models import Organization
from accord.risks import money_order
from accord.risks.fields import RISK
from accord.risks.selectors import RiskFilter

#: The register as a file: at most 20,000 risks, 10 MB, 200 columns and 1,000 blank rows.
TABLE = tables.Table(RISK, noun=gettext_lazy("risks"), whole=gettext_lazy("the register"), sheet="Risks",
                     widths={"ref": 8, "title": 40, "description": 50})

COLUMNS = TABLE.columns
# What an import ignores: the computed columns (levels, flags, money figures). It reads `ref` (the risk a
# row updates; empty adds a risk) and the input fields.
READ_ONLY_COLUMNS = TABLE.read_only_columns
KEY_COLUMN = TABLE.key
REQUIRED_COLUMNS = TABLE.required_columns
MAX_ROWS = TABLE.max_rows
MAX_COLUMNS = TABLE.max_columns
MAX_SHEET_ROWS = TABLE.max_sheet_rows
CONTENT_TYPES = tables.CONTENT_TYPES
FORMATS = tables.FORMATS


def _risks(org: Organization, filters: RiskFilter | None) -> Iterator[Any]:
    figures = money_order.register_figures(org).by_risk
    risks = money_order.ordered_risks(org, filters)
    for risk in risks.iterator(chunk_size=1000) if isinstance(risks, QuerySet) else risks:
        risk.money = figures.get(risk.pk)  # the computed columns (ale, p90) read it
        yield risk


def export_register(org: Organization, filters: RiskFilter | None, fmt: str) -> tuple[bytes, str, str]:
    """The register (filtered like the page) as (file content, content type, file name)."""
    content = tables.export(TABLE, _risks(org, filters), fmt)
    stamp = org_today(org).isoformat()
    return content, CONTENT_TYPES[fmt], f"{org.slug}-risks-{stamp}.{fmt}"


def parse_upload(fileobj: tables.Readable, filename: str) -> list[tables.Record]:
    """An upload (CSV or XLSX) as `do_import_risks` rows: (row number as the spreadsheet shows it, the header
    being row 1, {field: value}) for each non-blank row, `ref` included; the computed columns are dropped.
    Raises ValidationError on the `file` field for an unreadable file, a missing or unknown header, or a file
    past the limits of `TABLE` (`accord.core.tables.parse`)."""
    return tables.parse(TABLE, fileobj, filename)
