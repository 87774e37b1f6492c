"""The API's shape of an import report (`ImportReport.as_data`), one for every import the API offers (risks,
systems, …): each app's import operation answers it, and so does the result of its import job. One schema
under one name, so that the OpenAPI document has one `ImportOut` and clients one type."""

from __future__ import annotations

from ninja import Field, Schema

from accord.core.apikit import FieldError
from accord.core.choices import ImportAction
from accord.core.tables.report import ImportReport


class ImportQuery(Schema):
    dry_run: bool = Field(False, description="Report what the import would do with each row; write nothing")


class ImportRowOut(Schema):
    row: int = Field(description="The row's number in the file (the header is row 1)")
    action: ImportAction
    ref: str = Field(description="The object the row adds (the reference it gets), updates or leaves unchanged; "
                                 "for a refused row, the reference or name it gives (may be empty)")
    changed: list[str] = Field(description="The fields an update changes")
    errors: list[FieldError] = Field(description="Why the row is refused")


class ImportOut(Schema):
    count: int = Field(description="Objects added or updated (that would be, in a dry run)")
    created: int
    updated: int
    unchanged: int
    refused: int = Field(description="Refused rows (in a dry run, or in the result of a failed import job)")
    dry_run: bool
    summary: str = Field(description='The counts in words, e.g. "2 added, 1 updated, 4 unchanged"')
    rows: list[ImportRowOut] = Field(description="What the import does with each row, in file order")


def import_out(report: ImportReport) -> ImportOut:
    """The report as the API answers it."""
    return ImportOut(**report.as_data())
