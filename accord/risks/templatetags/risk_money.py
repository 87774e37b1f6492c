"""Money and probabilities in templates, as the charts write them: `{{ amount|money:org.currency }}`
("1.25 M EUR"), `{{ probability|percent }}` ("2.5 %"), why a P90 is 0 (`{{ figures|p90_note }}`), and
an Open FAIR breakdown as readable rows (`{% for label, value in risk.fair|fair_rows:org.currency %}`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import template

from accord.charts import compact_amount, format_money, format_probability
from accord.risks import quantified

register = template.Library()


@register.filter
def money(amount: float | None, currency: str) -> str:
    return format_money(amount, currency)


@register.filter
def amount(value: float | None) -> str:
    """An amount without its currency, for tables whose header names it: "1.25 M"."""
    return "" if value is None else compact_amount(float(value))


@register.filter
def percent(probability: float | None) -> str:
    return "" if probability is None else format_probability(float(probability))


@register.filter
def p90_note(figures: Any) -> str:
    """`quantified.p90_note` of a year's loss figures: a `LossFigures`, a `RiskMoney` (its residual) or
    the engine's statistics as a mapping (the Money page)."""
    if figures is None:
        return ""
    if isinstance(figures, Mapping):
        return quantified.p90_note(figures["ale"], figures["p90"], figures["prob_any_loss"])
    return str(figures.p90_note)


@register.simple_tag
def p90_zero_explained() -> str:
    return quantified.P90_ZERO


@register.filter
def any_p90_note(rows: Any) -> bool:
    """True when a row of a table needs `p90_note`: rows of risks (with `money`), of (money, title) pairs
    or of figures."""
    for row in rows or ():
        figures = row[0] if isinstance(row, tuple) else getattr(row, "money", row)
        if p90_note(figures):
            return True
    return False


_FAIR_LABELS = (
    ("tef", "Threat events per year", "rate"),
    ("vulnerability", "Vulnerability (share of threat events that cause a loss)", "probability"),
    ("tcap", "Threat capability", "scale"),
    ("rs", "Resistance strength", "scale"),
    ("primary_loss", "Primary loss per event", "loss"),
    ("secondary_probability", "Probability of a secondary loss", "probability"),
    ("secondary_loss", "Secondary loss per event", "loss"),
)


def _number(value: Any, role: str, currency: str) -> str:
    if not isinstance(value, int | float) or isinstance(value, bool):
        return str(value)
    if role == "loss":
        return format_money(float(value), currency)
    if role == "probability":
        return format_probability(float(value))
    return f"{value:,g}"


def _distribution(spec: Any, role: str, currency: str) -> str:
    """One distribution of a breakdown as a sentence fragment: "PERT 1, most likely 4, 12"."""
    if not isinstance(spec, dict):
        return _number(spec, role, currency)

    def n(value: Any) -> str:
        return _number(value, role, currency)

    if "constant" in spec:
        return n(spec["constant"])
    if "uniform" in spec:
        low, high = spec["uniform"]
        return f"anywhere from {n(low)} to {n(high)}"
    if "lognormal_ci90" in spec:
        low, high = spec["lognormal_ci90"]
        return f"{n(low)} to {n(high)} (90% range)"
    if "pert" in spec:
        low, mode, high = spec["pert"]
        shape = f", PERT γ {spec['gamma']:g}" if isinstance(spec.get("gamma"), int | float) else ""
        return f"{n(low)} to {n(high)}, most likely {n(mode)}{shape}"
    return str(spec)


@register.filter
def fair_rows(fair: Mapping[str, Any] | None, currency: str) -> list[tuple[str, str]]:
    """An Open FAIR breakdown as (label, value) rows a person reads, in the model's order."""
    if not fair:
        return []
    return [(label, _distribution(fair[key], role, currency)) for key, label, role in _FAIR_LABELS if key in fair]
