"""Framework imports from other shapes than Accord's own file: OSCAL catalogs and profiles (converted by the
pure `accord.compliance.oscal`), a profile resolved against a framework the organisation imported before,
and spreadsheets (`accord.compliance.sheets`). Each ends in `services.do_import_framework`: all or nothing,
one audit event, every problem named at once."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import PurePath
from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404

from accord.compliance import oscal, selectors, services, sheets
from accord.compliance.models import Framework
from accord.core.models import Organization, User

#: Told (done, total) as the rows of a framework are written.
ProgressFn = Callable[[int, int], None]


def oscal_refusal(exc: oscal.OscalError) -> ValidationError:
    """The converter's `path: problem` lines as a refusal with one field per path."""
    fields: dict[str, list[str]] = {}
    for error in exc.errors:
        path, _, problem = error.partition(": ")
        fields.setdefault(path, []).append(problem or path)
    return ValidationError(fields)


def against_document(org: Organization, ref: str) -> dict[str, Any]:
    """The framework `ref` (`key` or `key@version`) of `org` as a document a profile is resolved against;
    a missing one is refused on `against`, with the frameworks there are."""
    try:
        framework = selectors.access_framework(org, ref)
    except Http404:
        known = [f.ref for f in selectors.frameworks(org)]
        raise ValidationError({"against": f"No framework '{ref}' is imported here; give key or key@version of "
                                          f"one of: {', '.join(known) or '(none yet)'}."}) from None
    return selectors.framework_document(org, framework)


def convert_oscal(org: Organization, document: Mapping[str, Any] | str | bytes, *, against: str | None = None,
                  key: str | None = None) -> dict[str, Any]:
    """An OSCAL catalog, or a profile resolved against the framework `against` of `org`, in Accord's format.
    A profile that names controls the framework lacks is refused naming every one of them."""
    base = against_document(org, against) if against else None
    try:
        return oscal.to_framework(document, base, key=key)
    except oscal.OscalError as exc:
        raise oscal_refusal(exc) from None


def do_import_oscal(actor: User | None, org: Organization, document: Mapping[str, Any] | str | bytes, *,
                    against: str | None = None, key: str | None = None,
                    progress: ProgressFn | None = None) -> Framework:
    """Import an OSCAL catalog, or a profile resolved against the framework `against` (key or key@version)
    already imported into `org`, as a new framework (all or nothing, one audit event)."""
    converted = convert_oscal(org, document, against=against, key=key)
    return services.do_import_framework(actor, org, services.parse_framework(converted), progress=progress)


def do_import_framework_sheet(actor: User | None, org: Organization, fileobj: Any, filename: str, *,
                              given: Mapping[str, str] | None = None,
                              progress: ProgressFn | None = None) -> Framework:
    """Import a framework from a spreadsheet (CSV or XLSX, one row per requirement; docs/frameworks.md).
    `given` supplies the framework's key, name, version and publisher where the `framework_*` columns are
    blank. A file the tables kit cannot read is refused on `file`; any bad row raises
    `tables.ImportRejected` naming every refused row and field; nothing is written then."""
    records = sheets.read(fileobj, filename)
    document = sheets.build(records, given or {}, source=PurePath(filename or "").name)
    return services.do_import_framework(actor, org, services.parse_framework(document), progress=progress)
