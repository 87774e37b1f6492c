"""A risk's audit trail as a person reads it: who changed what, before → after, in names."""

from __future__ import annotations

import decimal
import json
from collections.abc import Iterable
from typing import Any

from accord.core.models import AuditEvent, Membership
from accord.risks import selectors
from accord.risks.choices import Level, RaisedBy, RiskStatus, Treatment
from accord.risks.models import Risk, RiskCategory

HISTORY_LIMIT = 100


def history_rows(org: Any, risk: Risk, categories: Iterable[RiskCategory],
                 members: Iterable[Membership]) -> list[dict[str, Any]]:
    """The risk's audit events as a person reads them: who changed what, before → after, with ids
    and codes turned into names (a member or category deleted since shows as its number)."""
    names: dict[str, dict[Any, str]] = {"category": {c.pk: c.name for c in categories}}
    names["owner"] = names["treatment_owner"] = {m.pk: m.user.display_name for m in members}
    for field, choices in (("raised_by", RaisedBy), ("treatment", Treatment), ("status", RiskStatus),
                           ("inherent_level", Level), ("residual_level", Level)):
        names[field] = {str(value): str(label) for value, label in choices.choices}

    def show(field: str, value: Any) -> str:
        if value in (None, "", []):
            return "—"
        if field in names:
            return names[field].get(value, f"#{value}")
        if isinstance(value, list):
            return "; ".join(str(v) for v in value)
        if field.startswith(("frequency_", "loss_", "treatment_frequency_", "treatment_loss_")):
            try:
                number = decimal.Decimal(str(value))
            except decimal.InvalidOperation:
                return str(value)
            if field.startswith("treatment_"):
                return f"{(number * 100).normalize():f} %"
            return f"{number.normalize():,f}"
        if field == "fair":
            return json.dumps(_numbers(value), separators=(", ", ": "))
        return str(value)

    rows = []
    event: AuditEvent
    for event in selectors.risk_history(org, risk)[:HISTORY_LIMIT]:
        changes = []
        for field, pair in (event.changes or {}).items():
            if not (isinstance(pair, list) and len(pair) == 2):
                continue
            before, after = show(field, pair[0]), show(field, pair[1])
            if event.action == "create" and after == "—":
                continue  # a new risk's empty fields say nothing
            changes.append((field.replace("_", " ").capitalize(), before, after))
        rows.append({"event": event, "changes": changes})
    return rows


def _numbers(value: Any) -> Any:
    """An audited JSON value with its numbers back as numbers (the audit trail stores decimals as text)."""
    if isinstance(value, dict):
        return {k: _numbers(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_numbers(v) for v in value]
    if isinstance(value, str):
        try:
            number = decimal.Decimal(value)
        except decimal.InvalidOperation:
            return value
        if not number.is_finite():
            return value
        return int(number) if number == number.to_integral_value() else float(number)
    return value
