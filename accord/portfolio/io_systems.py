"""The systems inventory as a file: export to CSV or XLSX, and parse an upload for `do_import_systems`, both
through the tables kit (`accord.core.tables`) configured with the system's field specification.

The columns come from `accord.portfolio.fields_systems.SYSTEM`: `name` (the key: a row updates the system of
that name, any case, or adds one), the fields an import writes, then the read-only `ref`, `yearly_cost` and
`time_class`, which an import ignores, so an export imports again as it is, into the same organisation or
another. Lists (dependencies, personal data categories) are joined with "; ", owners are e-mail addresses,
dates ISO 8601, booleans yes/no.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from accord.core import tables
from accord.core.clock import org_today
from accord.core.models import Organization
from accord.portfolio import selectors_systems
from accord.portfolio.fields_systems import SYSTEM

#: The inventory as a file: at most 20,000 systems, 10 MB, 200 columns and 1,000 blank rows.
TABLE = tables.Table(SYSTEM, noun="systems", whole="the inventory", sheet="Systems",
                     widths={"name": 30, "description": 50, "dependencies": 40})
CONTENT_TYPES = tables.CONTENT_TYPES
FORMATS = tables.FORMATS


def _systems(org: Organization, flt: selectors_systems.SystemFilter | None) -> Iterator[Any]:
    yield from selectors_systems.systems(org, flt).iterator(chunk_size=2000)


def export_inventory(org: Organization, flt: selectors_systems.SystemFilter | None,
                     fmt: str) -> tuple[bytes, str, str]:
    """The inventory (filtered like the list) as (file content, content type, file name)."""
    content = tables.export(TABLE, _systems(org, flt), fmt)
    return content, CONTENT_TYPES[fmt], f"{org.slug}-systems-{org_today(org).isoformat()}.{fmt}"


def parse_upload(fileobj: tables.Readable, filename: str) -> list[tables.Record]:
    """An upload (CSV or XLSX) as `do_import_systems` rows: (row number as the spreadsheet shows it, {field:
    value}) for each non-blank row; the read-only columns are dropped. Raises ValidationError on `file` for an
    unreadable file, a missing or unknown header, or a file past the limits of `TABLE`."""
    return tables.parse(TABLE, fileobj, filename)
