"""What an import does with each row, and the refusal that names every bad row and field.

Imports are all or nothing: an app's import service checks every row, builds an `ImportReport`, and,
when any row is refused, raises `ImportRejected` before writing anything. Every front shows the same
report: the web page row by row, the API as JSON, the CLI one line per row.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accord.core.choices import ImportAction


@dataclass(frozen=True)
class ImportRow:
    """What an import does with one row: `ref` is the object it adds (the reference it gets), updates or
    leaves unchanged, or the reference given in a refused row; `changed` the fields an update changes,
    `errors` (field, message) of a refused row."""

    row: int
    action: ImportAction
    ref: str = ""
    changed: tuple[str, ...] = ()
    errors: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class ImportReport:
    """Every row's outcome, in file order, and the objects written (none for a dry run)."""

    rows: tuple[ImportRow, ...]
    dry_run: bool
    created: list[Any] = field(default_factory=list)
    updated: list[Any] = field(default_factory=list)

    def count(self, action: ImportAction) -> int:
        return sum(1 for row in self.rows if row.action == action)

    def summary(self) -> str:
        """"2 added, 1 updated, 4 unchanged" (and the refused rows, when there are any)."""
        counts = {action: self.count(action) for action in ImportAction}
        words = ((ImportAction.CREATE, ngettext("%(count)s added", "%(count)s added", counts[ImportAction.CREATE])),
                 (ImportAction.UPDATE, ngettext("%(count)s updated", "%(count)s updated",
                                                counts[ImportAction.UPDATE])),
                 (ImportAction.UNCHANGED, ngettext("%(count)s unchanged", "%(count)s unchanged",
                                                   counts[ImportAction.UNCHANGED])),
                 (ImportAction.REFUSED, ngettext("%(count)s refused", "%(count)s refused",
                                                 counts[ImportAction.REFUSED])))
        return ", ".join(word % {"count": formats.number_format(counts[action], force_grouping=True)}
                         for action, word in words if action != ImportAction.REFUSED or counts[action])

    def as_data(self) -> dict[str, Any]:
        """The report as JSON data, the one shape every front and an import job's result give: the counts
        (`count` is what is added or updated), the summary line, and each row's outcome with its errors."""
        created, updated = self.count(ImportAction.CREATE), self.count(ImportAction.UPDATE)
        return {"count": created + updated, "created": created, "updated": updated,
                "unchanged": self.count(ImportAction.UNCHANGED), "refused": self.count(ImportAction.REFUSED),
                "dry_run": self.dry_run, "summary": self.summary(),
                "rows": [{"row": r.row, "action": str(r.action), "ref": r.ref, "changed": list(r.changed),
                          "errors": [{"field": name, "message": message} for name, message in r.errors]}
                         for r in self.rows]}

    @property
    def problems(self) -> list[tuple[int, str, str]]:
        """(row, field, message) of every refused row."""
        return [(row.row, name, message) for row in self.rows for name, message in row.errors]


class ImportRejected(ValidationError):
    """An import with refused rows: `rows` lists (row number, field, message), `report` every row's
    outcome; nothing was written."""

    def __init__(self, report: ImportReport) -> None:
        self.report = report
        self.rows = report.problems
        super().__init__([_("row %(row)s, %(field)s: %(message)s") % {"row": n, "field": name, "message": message}
                          for n, name, message in self.rows])


def refused(row: int, ref: str, error: ValidationError) -> ImportRow:
    """A refused row from the service's ValidationError: every field and its messages."""
    return ImportRow(row, ImportAction.REFUSED, ref,
                     errors=tuple((name, " ".join(msgs)) for name, msgs in error.message_dict.items()))
