"""How the risk register's object types read in the audit trail (accord.core.history): risks by their
reference (R-001), categories by name, members by name, codes by label, amounts and shares as people
write them. The risk's fields come from its field specification. Registered by RisksConfig.ready()."""

from __future__ import annotations

from typing import Any

from accord.core.fields import Kind
from accord.core.history import ObjectType, Ref, json_numbers, number, register, share, spec_fields
from accord.risks import selectors
from accord.risks.choices import AcceptanceStatus, AppetiteStatus, Level, Signatory
from accord.risks.fields import RISK


def _slots(value: Any) -> str:
    """Signature slots as their labels: ["ciso", "board"] → CISO, CEO/board."""
    labels = dict(Signatory.choices)
    return ", ".join(str(labels.get(v, v)) for v in value) if isinstance(value, list) else str(labels.get(value, value))


def register_risk_types() -> None:
    fields, labels = spec_fields(RISK, shows={Kind.DECIMAL: number, Kind.SHARE: share, Kind.JSON: json_numbers})
    # Archiving (services/archive.py) is not input: its fields are named here.
    fields["archived_by"] = Ref("core.user")
    labels.update(archived_at="Archived at", archived_by="Archived by", archive_reason="Reason for archiving")
    register("risks.risk", ObjectType("Risk", name=selectors.risk_refs, fields=fields, labels=labels))
    register("risks.riskcategory", ObjectType("Risk category", name=selectors.category_names))
    register("risks.riskacceptance", ObjectType(
        "Risk acceptance", name=selectors.acceptance_names,
        fields={"risk": Ref("risks.risk"), "category": Ref("risks.riskcategory"), "status": AcceptanceStatus,
                "required_signatories": _slots, "slot": _slots}, labels={"slot": "Signed as"}))
    register("risks.riskappetite", ObjectType(
        "Risk appetite", name=selectors.appetite_names,
        fields={"status": AppetiteStatus, "required_signatories": _slots, "slot": _slots,
                "tolerance": json_numbers}, labels={"slot": "Signed as"}))
    register("risks.appetiteopinion", ObjectType("Opinion on the risk appetite", fields={
        "appetite": Ref("risks.riskappetite")}, labels={"text": "Opinion"}))
    register("risks.riskmatrix", ObjectType("Risk matrix", fields={"levels": _levels}))


def _levels(value: Any) -> str:
    """The matrix's levels row by row: low, medium / medium, high."""
    names = dict(Level.choices)
    if not isinstance(value, list):
        return str(value)
    return " / ".join(", ".join(str(names.get(c, c)) for c in row) if isinstance(row, list) else str(row)
                      for row in value)
