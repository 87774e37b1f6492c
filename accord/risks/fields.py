"""The risk's fields, each declared once: the API's schemas, the service's input, the audited fields,
the columns of exports and imports and the risk form's sections are derived from `RISK`
(accord/core/fields.py says how). A new field of a risk is one entry here, the model field and its
migration; the service's parser handles it by its kind.

The order is the API's (its schemas list the fields in this order); exports put `ref` first, then
the columns an import reads, then the ones it ignores.
"""

from __future__ import annotations

import decimal
from typing import Any

from django.utils.translation import gettext_lazy as _

from accord.core.fields import FieldSpec, Kind, ModelSpec
from accord.risks.choices import Level, RaisedBy, RiskStatus, Treatment
from accord.risks.models import MATRIX_SIZES, Risk

CENT = decimal.Decimal("0.01")
LARGEST_AXIS = MATRIX_SIZES[-1]
FAIR_EXAMPLE = ('{"tef": {"pert": [1, 4, 12]}, "vulnerability": {"uniform": [0.1, 0.3]}, '
                '"primary_loss": {"lognormal_ci90": [20000, 400000]}}')


def _money(risk: Any, figure: str) -> decimal.Decimal | None:
    """A residual figure of the simulated register, to the cent; None without one."""
    money = getattr(risk, "money", None)
    if money is None:
        return None
    return decimal.Decimal(repr(float(getattr(money, figure)))).quantize(CENT)


def _read_only(name: str, kind: Kind, *, source: str = "", help: str = "") -> FieldSpec:
    """A field only the API shows: no one writes it, files and the audit trail leave it out."""
    return FieldSpec(name, kind, source=source, help=help, input=False, column=False, audited=False)


RISK = ModelSpec(Risk, key="ref", fields=(
    _read_only("id", Kind.INTEGER),
    FieldSpec("ref", Kind.TEXT, label=_("Ref"), input=False, audited=False),
    FieldSpec("title", Kind.TEXT, label=_("Title"), required=True, section="overview"),
    FieldSpec("description", Kind.TEXT, label=_("Description"), section="overview"),
    FieldSpec("category", Kind.KEY, label=_("Category"), required=True, section="overview",
              input_help="A category key (see risk-categories)"),
    _read_only("category_name", Kind.TEXT, source="category.name"),
    FieldSpec("owner", Kind.MEMBER, label=_("Owner"), section="overview", help="The owner's e-mail address",
              input_help="A member's e-mail address, or null"),
    _read_only("owner_id", Kind.INTEGER, help="The owner's membership id (the `owner` filter)"),
    FieldSpec("raised_by", Kind.CHOICE, label=_("Raised by"), choices=RaisedBy, section="overview"),
    FieldSpec("affected_assets", Kind.LIST, label=_("Affected assets"), section="overview",
              hint=_("Separate assets with semicolons (;).")),
    FieldSpec("causes", Kind.TEXT, label=_("Causes"), section="assessment"),
    FieldSpec("consequences", Kind.TEXT, label=_("Consequences"), section="assessment"),
    FieldSpec("likelihood", Kind.INTEGER, label=_("Inherent likelihood"), model_field="inherent_likelihood",
              required=True, bound="likelihood", bound_max=LARGEST_AXIS, section="assessment",
              help="Inherent likelihood, 1 to the matrix's size"),
    FieldSpec("impact", Kind.INTEGER, label=_("Inherent impact"), model_field="inherent_impact", required=True,
              bound="impact", bound_max=LARGEST_AXIS, section="assessment",
              help="Inherent impact, 1 to the matrix's size"),
    FieldSpec("residual_likelihood", Kind.INTEGER, label=_("Residual likelihood"), bound="likelihood",
              bound_max=LARGEST_AXIS, section="assessment", input_help="Empty or null: the inherent likelihood"),
    FieldSpec("residual_impact", Kind.INTEGER, label=_("Residual impact"), bound="impact", bound_max=LARGEST_AXIS,
              section="assessment", input_help="Empty or null: the inherent impact"),
    FieldSpec("inherent_level", Kind.CHOICE, label=_("Inherent level"), choices=Level, input=False),
    FieldSpec("residual_level", Kind.CHOICE, label=_("Residual level"), choices=Level, input=False),
    FieldSpec("above_tolerance", Kind.BOOLEAN, label=_("Above tolerance"), input=False, audited=False,
              help="Residual level above the signed appetite for its category"),
    _read_only("accepted", Kind.BOOLEAN, help="An acceptance is in force and not expired"),
    _read_only("review_overdue", Kind.BOOLEAN,
               help="Open (not closed) and its next review is before today, in the organisation's time zone"),
    _read_only("treatment_overdue", Kind.BOOLEAN,
               help="Open and not accepted, and its treatment was due before today"),
    FieldSpec("treatment", Kind.CHOICE, label=_("Treatment"), choices=Treatment, section="treatment"),
    FieldSpec("treatment_plan", Kind.TEXT, label=_("Treatment plan"), section="treatment"),
    FieldSpec("treatment_owner", Kind.MEMBER, label=_("Treatment owner"), section="treatment"),
    _read_only("treatment_owner_id", Kind.INTEGER),
    FieldSpec("treatment_due", Kind.DATE, label=_("Treatment due"), section="treatment"),
    # Shown as the register derives it (accepted while an acceptance is in force); "accepted" is refused as
    # an input (decision 0021).
    FieldSpec("status", Kind.CHOICE, label=_("Status"), choices=RiskStatus, section="overview", source="shown_status",
              help="accepted while a signed acceptance is in force (never set directly); otherwise as set",
              input_help="identified, assessed, in_treatment or closed; 'accepted' follows from a signed "
                         "acceptance and is refused here"),
    FieldSpec("next_review", Kind.DATE, label=_("Next review"), section="overview"),
    FieldSpec("tags", Kind.LIST, label=_("Tags"), section="overview", hint=_("Separate tags with semicolons (;).")),
    FieldSpec("frequency_low", Kind.DECIMAL, label=_("Events per year, 5th percentile"), section="money",
              help="Events per year, 5th percentile"),
    FieldSpec("frequency_high", Kind.DECIMAL, label=_("Events per year, 95th percentile"), section="money",
              help="Events per year, 95th percentile"),
    FieldSpec("loss_low", Kind.DECIMAL, label=_("Loss per event, 5th percentile"), section="money",
              help="Loss per event, 5th percentile, organisation currency"),
    FieldSpec("loss_high", Kind.DECIMAL, label=_("Loss per event, 95th percentile"), section="money",
              help="Loss per event, 95th percentile, organisation currency"),
    FieldSpec("fair", Kind.JSON, label=_("Open FAIR breakdown (JSON)"), section="money",
              help="Open FAIR breakdown in the scenario file's `fair` shape (docs/quant.md); when set, it is the "
                   "risk's money model",
              input_help="Open FAIR breakdown: an object (or its JSON text) in the scenario file's `fair` shape; "
                         "null clears it",
              hint="Instead of the two ranges, an Open FAIR model: tef (threat events per year), vulnerability (or "
                   "tcap and rs), primary_loss, and optionally secondary_probability with secondary_loss, each a "
                   "distribution (constant, uniform, pert, lognormal_ci90), e.g. " + FAIR_EXAMPLE + ". When given, "
                   "it is the risk's money model."),
    # Computed by the simulation, not stored: exports carry them (imports ignore them); `risk.money` is set by
    # the export from `money_order.register_figures`.
    FieldSpec("ale", Kind.DECIMAL, label=_("ALE (residual)"), input=False, output=False, audited=False,
              compute=lambda risk: _money(risk, "ale")),
    FieldSpec("p90", Kind.DECIMAL, label=_("P90 (residual)"), input=False, output=False, audited=False,
              compute=lambda risk: _money(risk, "p90")),
    _read_only("created_at", Kind.DATETIME),
    _read_only("updated_at", Kind.DATETIME),
    _read_only("archived_at", Kind.DATETIME, help="When the risk was archived (out of the register); null while "
                                                  "it is in it"),
    _read_only("archive_reason", Kind.TEXT, help="Why it was archived; empty while it is in the register"),
))
