"""A control's money in templates: amounts stored in minor units shown in the currency's major unit with its
decimals (`{{ row.yearly_cost|minor:org.currency }}` → "1,250.00", French "1 250,00"), a return on security
investment as a percentage (`{{ row.rosi|rosi }}` → "+240 %"), and an effect's share (`{{ link.loss_reduction|share }}`
→ "40 %")."""

from __future__ import annotations

import decimal
from typing import Any

from django import template
from django.utils.formats import number_format

from accord.compliance import rules

register = template.Library()


@register.filter
def minor(value: int | None, currency: str) -> str:
    """Minor units as the currency's major unit, grouped and with its decimals, in the reader's language."""
    if value is None:
        return ""
    digits = rules.minor_digits(currency)
    return number_format(decimal.Decimal(int(value)).scaleb(-digits), decimal_pos=digits, use_l10n=True,
                         force_grouping=True)


@register.filter
def rosi(value: float | None) -> str:
    """A return on security investment (a ratio) as a signed percentage."""
    if value is None:
        return ""
    percent = round(value * 100)
    sign = "+" if percent > 0 else ""
    return f"{sign}{number_format(percent, decimal_pos=0, use_l10n=True, force_grouping=True)} %"


@register.filter
def share(value: Any) -> str:
    """A share from 0 to 1 as a percentage with at most two decimals ("40 %", "12,5 %")."""
    if value is None:
        return ""
    percent = (decimal.Decimal(str(value)) * 100).quantize(decimal.Decimal("0.01"))
    places = next((p for p in (0, 1) if percent == round(percent, p)), 2)
    return f"{number_format(percent, decimal_pos=places, use_l10n=True)} %"
