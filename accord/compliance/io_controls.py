"""The controls library as a file: export to CSV or XLSX, and parse an upload for `do_import_controls`, both
through the tables kit (`accord.core.tables`) configured with the control's file specification
(`accord.compliance.fields.CONTROL_FILE`): `ref`, the control's fields, then its links, one cell each
(`accord.compliance.linkcells`): risks by reference with the control's effect on each, requirements by
framework key and id. Members are e-mail addresses, dates ISO 8601 (date cells in XLSX), costs whole minor
units; formula-like texts are guarded both ways (accord.core.csvsafe). An export imports again as it is, into
the same organisation (nothing changes) or into another with the same risk refs and frameworks.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from accord.compliance import linkcells
from accord.compliance.fields import CONTROL_FILE
from accord.compliance.models import Framework
from accord.compliance.models_controls import Control, ControlRequirement, ControlRisk
from accord.compliance.selectors_controls import ControlFilter, controls
from accord.core import tables
from accord.core.clock import org_today
from accord.core.models import Organization

#: The controls library as a file: at most 20,000 controls, 10 MB, 200 columns and 1,000 blank rows.
TABLE = tables.Table(CONTROL_FILE, noun="controls", whole="the controls library", sheet="Controls",
                     widths={"ref": 8, "name": 40, "description": 50, "risks": 40, "requirements": 40})
CONTENT_TYPES = tables.CONTENT_TYPES
FORMATS = tables.FORMATS


def framework_names(org: Organization) -> dict[int, str]:
    """How a link cell names each framework of `org`: its key for the newest version of that key (the version a
    key alone names), `key@version` for an older one (one query)."""
    names: dict[int, str] = {}
    seen: set[str] = set()
    for pk, key, version in (Framework.objects.for_org(org).order_by("key", "-imported_at", "-pk")
                             .values_list("pk", "key", "version")):
        names[pk] = key if key not in seen else f"{key}@{version}"
        seen.add(key)
    return names


def _controls(org: Organization, filters: ControlFilter | None) -> Iterator[Control]:
    risks: dict[int, list[tuple[str, object, object]]] = defaultdict(list)
    for control_id, number, frequency, loss in (ControlRisk.objects.for_org(org).order_by("risk__number")
                                                .values_list("control_id", "risk__number", "frequency_reduction",
                                                             "loss_reduction")):
        risks[control_id].append((f"R-{number:03d}", frequency, loss))
    names = framework_names(org)
    requirements: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for control_id, framework_id, ref in (ControlRequirement.objects.for_org(org)
                                          .order_by("requirement__framework__key", "requirement__position")
                                          .values_list("control_id", "requirement__framework_id",
                                                       "requirement__ref")):
        requirements[control_id].append((names[framework_id], ref))
    for control in controls(org, filters).iterator(chunk_size=1000):
        control.risks_cell = linkcells.risks_text(risks.get(control.pk, []))  # type: ignore[arg-type,attr-defined]
        control.requirements_cell = linkcells.requirements_text(requirements.get(control.pk, []))  # type: ignore[attr-defined]
        yield control


def export_controls(org: Organization, fmt: str, filters: ControlFilter | None = None) -> tuple[bytes, str, str]:
    """The controls library (filtered like the list) as (file content, content type, file name)."""
    content = tables.export(TABLE, _controls(org, filters), fmt)
    return content, CONTENT_TYPES[fmt], f"{org.slug}-controls-{org_today(org).isoformat()}.{fmt}"


def parse_upload(fileobj: tables.Readable, filename: str) -> list[tables.Record]:
    """An upload (CSV or XLSX) as `do_import_controls` rows: (row number as the spreadsheet shows it, the header
    being row 1, {column: value}); a ValidationError on `file` for a file that cannot be read or is past the
    limits (`accord.core.tables.parse`)."""
    return tables.parse(TABLE, fileobj, filename)
