"""Money kept in minor units, in templates: `{{ amount|minor:org.currency }}` ("1.25 M EUR" for 125000000 cents),
`{{ variance|minor_signed:org.currency }}` ("+12.5 k EUR"), `{{ share|share }}` ("16.0 %"). The number format
is the charts' with the reader's separators (`risk_money.localized`)."""

from __future__ import annotations

from django import template

from accord.charts import compact_amount
from accord.compliance.rules import minor_digits
from accord.risks.templatetags.risk_money import localized

register = template.Library()


def major(amount: int, currency: str) -> float:
    """Minor units as the currency's major unit (cents → euros)."""
    return amount / 10 ** minor_digits(currency)


@register.filter
def minor(amount: int | None, currency: str) -> str:
    if amount is None:
        return ""
    return f"{localized(compact_amount(major(amount, currency)))} {currency}"


@register.filter
def minor_signed(amount: int | None, currency: str) -> str:
    if amount is None:
        return ""
    sign = "+" if amount > 0 else "−" if amount < 0 else ""
    return f"{sign}{localized(compact_amount(abs(major(amount, currency))))} {currency}"


@register.filter
def share(value: float | None) -> str:
    if value is None:
        return "—"
    text = localized(f"{abs(value) * 100:,.1f} %")
    return f"−{text}" if value < 0 and round(abs(value) * 100, 1) > 0 else text
