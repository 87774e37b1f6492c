"""How the risk register's object types read in the audit trail (accord.core.history): risks by their
reference (R-001), categories by name, members by name, codes by label, amounts and shares as people
write them. The risk's fields come from its field specification. Registered by RisksConfig.ready()."""

from __future__ import annotations

from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from accord.core.fields import Kind
from accord.core.history import ObjectType, Ref, json_numbers, number, register, share, spec_fields
from accord.risks import selectors
from accord.risks.choices import AcceptanceStatus, AppetiteStatus, Level, Signatory
from accord.risks.fields import RISK


def _slots(value: Any) -> str:
    """Signature slots as their labels: ["ciso", "board"] → CISO, CEO/board."""
    labels = dict(Signatory.choices)
    return ", ".join(str(labels.get(v, v)) for v in value) if isinstance(value, list) else str(labels.get(value, value))


SIGNED_AS = _("Signed as")
ACCEPTANCE_LABELS: dict[str, str | Promise] = {
    "slot": SIGNED_AS, "risk": _("Risk"), "justification": _("Justification"),
    "compensating_measures": _("Compensating measures"), "expires_on": _("Expires on"),
    "required_signatories": _("Required signatories"), "above_tolerance": _("Above tolerance"),
    "residual": _("Residual"), "withdrawal_reason": _("Reason for withdrawal")}
APPETITE_LABELS: dict[str, str | Promise] = {
    "slot": SIGNED_AS, "statement": _("Statement"), "category_levels": _("Category levels"),
    "tolerance": _("Tolerance"), "required_signatories": _("Required signatories")}
MATRIX_LABELS: dict[str, str | Promise] = {
    "likelihood_labels": _("Likelihood labels"), "impact_labels": _("Impact labels"), "levels": _("Levels"),
    "risks_rescored": _("Risks rescored")}


def _position(value: Any) -> str:
    """A residual position as the acceptance recorded it ("3×4 high"), its level in the reader's words."""
    position, _sep, level = str(value).partition(" ")
    return f"{position} {dict(Level.choices).get(level, level)}" if level else position


def register_risk_types() -> None:
    fields, labels = spec_fields(RISK, shows={Kind.DECIMAL: number, Kind.SHARE: share, Kind.JSON: json_numbers})
    # Archiving (services/archive.py) is not input: its fields are named here.
    fields["archived_by"] = Ref("core.user")
    risk_labels: dict[str, str | Promise] = {**labels, "archived_at": _("Archived at"),
                                             "archived_by": _("Archived by"),
                                             "archive_reason": _("Reason for archiving")}
    register("risks.risk", ObjectType(_("Risk"), name=selectors.risk_refs, fields=fields, labels=risk_labels))
    register("risks.riskacceptance", ObjectType(
        _("Risk acceptance"), name=selectors.acceptance_names,
        fields={"risk": Ref("risks.risk"), "category": Ref("risks.riskcategory"), "status": AcceptanceStatus,
                "required_signatories": _slots, "slot": _slots, "residual": _position},
        labels=ACCEPTANCE_LABELS))
    register("risks.riskappetite", ObjectType(
        _("Risk appetite"), name=selectors.appetite_names,
        fields={"status": AppetiteStatus, "required_signatories": _slots, "slot": _slots,
                "tolerance": json_numbers}, labels=APPETITE_LABELS))
    register("risks.appetiteopinion", ObjectType(_("Opinion on the risk appetite"), fields={
        "appetite": Ref("risks.riskappetite")}, labels={"text": _("Opinion")}))
    register("risks.riskmatrix", ObjectType(_("Risk matrix"), fields={"levels": _levels}, labels=MATRIX_LABELS))
    register("risks.riskcategory", ObjectType(_("Risk category"), name=selectors.category_names,
                                              labels={"is_privacy": _("About personal data")}))


def _levels(value: Any) -> str:
    """The matrix's levels row by row: low, medium / medium, high."""
    names = dict(Level.choices)
    if not isinstance(value, list):
        return str(value)
    return " / ".join(", ".join(str(names.get(c, c)) for c in row) if isinstance(row, list) else str(row)
                      for row in value)
