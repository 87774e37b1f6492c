"""Amounts and probabilities as the charts (and the pages beside them) write them."""

from __future__ import annotations

import math

_UNITS = ((1e9, "bn"), (1e6, "M"), (1e3, "k"))


def compact_amount(amount: float) -> str:
    """An amount in at most three significant figures with k, M or bn: 8,400 → "8.4 k", 1,250,000 →
    "1.25 M", 950 → "950"."""
    value = abs(amount)
    sign = "-" if amount < 0 else ""
    for size, unit in _UNITS:
        if value >= size * 0.9995:
            scaled = value / size
            digits = 0 if scaled >= 99.95 else 1 if scaled >= 9.995 else 2
            figures = f"{scaled:.{digits}f}"
            if "." in figures:
                figures = figures.rstrip("0").rstrip(".")
            return f"{sign}{figures} {unit}"
    return f"{sign}{value:,.0f}"


def format_money(amount: float | None, currency: str) -> str:
    """`compact_amount` with the currency code ("1.25 M EUR"); "" for None."""
    if amount is None:
        return ""
    return f"{compact_amount(amount)} {currency}"


def format_probability(p: float) -> str:
    """A probability as a percentage a person reads: 0.1 → "10 %", 0.0123 → "1.23 %", 0.00004 → "0.004 %"."""
    percent = p * 100
    if percent == 0:
        return "0 %"
    if percent >= 10:
        return f"{percent:.0f} %"
    digits = max(1, 1 - math.floor(math.log10(percent)))  # two significant figures
    return f"{percent:.{min(digits, 4)}f}".rstrip("0").rstrip(".") + " %"
