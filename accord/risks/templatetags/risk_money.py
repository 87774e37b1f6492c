"""Money and probabilities in templates, as the charts write them: `{{ amount|money:org.currency }}`
("1.25 M EUR"), `{{ probability|percent }}` ("2.5 %"), why a P90 is 0 (`{{ figures|p90_note }}`), and
an Open FAIR breakdown as readable rows (`{% for label, value in risk.fair|fair_rows:org.currency %}`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import template
from django.utils.formats import get_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accord.charts import compact_amount, format_probability
from accord.risks import quantified

register = template.Library()

#: The units of compact amounts, as each language abbreviates them (French: k, M, Md).
_UNITS = {"k": pgettext_lazy("amount unit, thousand", "k"), "M": pgettext_lazy("amount unit, million", "M"),
          "bn": pgettext_lazy("amount unit, billion", "bn")}


def localized(text: str) -> str:
    """A figure the charts module writes in English ("1,250.5", "1.25 M", "2.5 %") in the active language's
    separators and units ("1 250,5", "1,25 M", "2,5 %"): the charts keep one format, pages read the reader's."""
    decimal, thousands = str(get_format("DECIMAL_SEPARATOR")), str(get_format("THOUSAND_SEPARATOR"))
    if (decimal, thousands) != (".", ","):
        text = text.replace(",", "\0").replace(".", decimal).replace("\0", thousands)
    number, _sep, unit = text.rpartition(" ")
    return f"{number} {_UNITS[unit]}" if number and unit in _UNITS else text


@register.filter
def money(amount: float | None, currency: str) -> str:
    if amount is None:
        return ""
    return f"{localized(compact_amount(float(amount)))} {currency}"


@register.filter
def amount(value: float | None) -> str:
    """An amount without its currency, for tables whose header names it: "1.25 M"."""
    return "" if value is None else localized(compact_amount(float(value)))


@register.filter
def percent(probability: float | None) -> str:
    return "" if probability is None else localized(format_probability(float(probability)))


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
    return str(quantified.P90_ZERO)


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
    ("tef", _("Threat events per year"), "rate"),
    ("vulnerability", _("Vulnerability (share of threat events that cause a loss)"),
     "probability"),
    ("tcap", _("Threat capability"), "scale"),
    ("rs", _("Resistance strength"), "scale"),
    ("primary_loss", _("Primary loss per event"), "loss"),
    ("secondary_probability", _("Probability of a secondary loss"), "probability"),
    ("secondary_loss", _("Secondary loss per event"), "loss"),
)


def _number(value: Any, role: str, currency: str) -> str:
    if not isinstance(value, int | float) or isinstance(value, bool):
        return str(value)
    if role == "loss":
        return money(float(value), currency)
    if role == "probability":
        return percent(float(value))
    return localized(f"{value:,g}")


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
        return _("anywhere from %(low)s to %(high)s") % {"low": n(low), "high": n(high)}
    if "lognormal_ci90" in spec:
        low, high = spec["lognormal_ci90"]
        return _("%(low)s to %(high)s (90%% range)") % {"low": n(low), "high": n(high)}
    if "pert" in spec:
        low, mode, high = spec["pert"]
        shape = f", PERT γ {spec['gamma']:g}" if isinstance(spec.get("gamma"), int | float) else ""
        said = _("%(low)s to %(high)s, most likely %(mode)s") % {"low": n(low), "high": n(high), "mode": n(mode)}
        return said + shape
    return str(spec)


@register.filter
def fair_rows(fair: Mapping[str, Any] | None, currency: str) -> list[tuple[str, str]]:
    """An Open FAIR breakdown as (label, value) rows a person reads, in the model's order."""
    if not fair:
        return []
    return [(str(label), _distribution(fair[key], role, currency)) for key, label, role in _FAIR_LABELS if key in fair]
