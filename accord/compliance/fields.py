"""The control's fields, each declared once (accord/core/fields.py): the API's schemas, the service's input,
the audited fields and the columns of exports and imports derive from `CONTROL`. Costs are whole minor units
of the organisation's currency; people-days are priced at its day rate."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from accord.compliance.choices import ControlKind, ControlStatus
from accord.compliance.models_controls import Control
from accord.core.fields import FieldSpec, Kind, ModelSpec

CONTROL = ModelSpec(Control, key="ref", fields=(
    FieldSpec("id", Kind.INTEGER, input=False, column=False, audited=False),
    FieldSpec("ref", Kind.TEXT, label=_("Ref"), input=False, audited=False),
    FieldSpec("name", Kind.TEXT, label=_("Name"), required=True),
    FieldSpec("description", Kind.TEXT, label=_("Description")),
    FieldSpec("kind", Kind.CHOICE, label=_("Kind"), choices=ControlKind),
    FieldSpec("owner", Kind.MEMBER, label=_("Owner"), help="The owner's e-mail address",
              input_help="A member's e-mail address, or null"),
    FieldSpec("status", Kind.CHOICE, label=_("Status"), choices=ControlStatus,
              help="Only an implemented control reduces the residual money figures"),
    FieldSpec("implemented_on", Kind.DATE, label=_("Implemented on")),
    FieldSpec("next_review_on", Kind.DATE, label=_("Next review")),
    FieldSpec("build_cost", Kind.INTEGER, label=_("Build cost (minor units)"),
              help="One-off cost to put it in place, whole minor units of the organisation's currency"),
    FieldSpec("run_cost", Kind.INTEGER, label=_("Yearly run cost (minor units)"),
              help="Yearly cost to run it, whole minor units of the organisation's currency"),
    FieldSpec("build_days", Kind.DECIMAL, label=_("Build people-days"),
              help="One-off people-days, priced at the organisation's day rate"),
    FieldSpec("run_days", Kind.DECIMAL, label=_("People-days a year"),
              help="People-days a year to run it, priced at the organisation's day rate"),
))

#: The names of a control's input (API, forms, imports) and the fields the audit trail records.
CONTROL_FIELDS = CONTROL.input_names
AUDITED_CONTROL_FIELDS = CONTROL.audited
LINK_FIELDS = ("frequency_reduction", "loss_reduction")


def _cell(name: str) -> Any:
    """A link column's text, set on the control by the export (accord.compliance.io_controls)."""
    return lambda control: getattr(control, name, "")


#: The controls library as a file: the control's columns, then its links, one cell each (an import reads them):
#: `risks` "R-001 (frequency 0.4, loss 0.2); R-003 (loss 0.3)", `requirements` "iso27001-2022:A.8.13; gdpr:32(1)".
CONTROL_FILE = ModelSpec(Control, key="ref", fields=(
    *CONTROL.fields,
    FieldSpec("risks", Kind.TEXT, label=_("Risks"), output=False, audited=False, compute=_cell("risks_cell")),
    FieldSpec("requirements", Kind.TEXT, label=_("Requirements"), output=False, audited=False,
              compute=_cell("requirements_cell")),
))
LINK_COLUMNS = ("risks", "requirements")
