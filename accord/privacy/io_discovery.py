"""A data-discovery file as the tables kit reads it (`accord.core.tables`): CSV or XLSX with the columns `system`
(S-001 or the system's name), `location` (table, file, bucket), `field`, `classification` (optional: the
discovery tool's own) and `rows` (optional: how many rows hold the field). The kit bounds the file before a row is
read (size, rows, columns, an XLSX's inflated size); `services_discovery.do_import_discovery` checks and writes the
rows, all or nothing."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from accord.core import tables
from accord.core.fields import FieldSpec, Kind, ModelSpec
from accord.core.tables.table import MB
from accord.privacy.models_discovery import DiscoveredField

FIELD = ModelSpec(DiscoveredField, fields=(
    FieldSpec("system", Kind.TEXT, label=_("System"), source="system.ref", required=True,
              help="The system's reference (S-001) or name; a system of the audit's scope"),
    FieldSpec("location", Kind.TEXT, label=_("Location"), help="The table, file or bucket"),
    FieldSpec("field", Kind.TEXT, label=_("Field"), model_field="field_name", required=True,
              help="The field's name as the system knows it"),
    FieldSpec("classification", Kind.TEXT, label=_("Sample classification"), model_field="sample_classification",
              help="What the discovery tool classified its sample values as (optional)"),
    FieldSpec("rows", Kind.TEXT, label=_("Rows"), model_field="row_count", help="How many rows hold it (optional)"),
))

#: A discovery file: at most 60,000 fields and 20 MB (the 50,000-field import of issue 14 and room to spare).
TABLE = tables.Table(FIELD, noun="fields", whole="the discovery", sheet="Discovery", max_rows=60_000,
                     max_bytes=20 * MB)


def parse_upload(fileobj: tables.Readable, filename: str) -> list[tables.Record]:
    """An upload (CSV or XLSX) as `do_import_discovery` rows, or ValidationError on `file` (unreadable, a header
    missing `system` or `field`, an unknown column, past the limits)."""
    return tables.parse(TABLE, fileobj, filename)
