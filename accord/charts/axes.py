"""Scales (value → position) and their ticks, for the charts that plot numbers or dates."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass


def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """About `count` round tick values covering [low, high]: steps of 1, 2 or 5 × 10^k, the first at or
    below `low`, the last at or above `high` (0 to 1 when the range is empty)."""
    if not (math.isfinite(low) and math.isfinite(high)):
        raise ValueError("a scale needs finite bounds")
    if high < low:
        low, high = high, low
    if high == low:
        low, high = (0.0, 1.0) if low == 0 else (min(0.0, low), max(0.0, high))
    raw = (high - low) / max(count - 1, 1)
    magnitude = 10.0 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw * (1 - 1e-9))
    first = math.floor(low / step + 1e-9) * step
    last = math.ceil(high / step - 1e-9) * step
    n = round((last - first) / step)
    return [round(first + k * step, 12) for k in range(n + 1)]


@dataclass(frozen=True)
class Linear:
    """Maps [low, high] onto [start, end] pixels linearly (`end` < `start` for an axis that goes up)."""

    low: float
    high: float
    start: float
    end: float

    def __call__(self, value: float) -> float:
        span = self.high - self.low
        share = (value - self.low) / span if span else 0.0
        return self.start + (self.end - self.start) * share


@dataclass(frozen=True)
class Log10:
    """Maps [low, high] (both > 0) onto [start, end] pixels by decades; values at or below `low` sit at
    `start`."""

    low: float
    high: float
    start: float
    end: float

    def __call__(self, value: float) -> float:
        if value <= self.low:
            return self.start
        a, b = math.log10(self.low), math.log10(self.high)
        return self.start + (self.end - self.start) * (math.log10(value) - a) / (b - a)


def decade_ticks(low: float, high: float) -> list[float]:
    """The powers of ten from the one at or below `low` to the one at or above `high`."""
    a = math.floor(math.log10(low) + 1e-9)
    b = max(math.ceil(math.log10(high) - 1e-9), a + 1)
    return [10.0 ** k for k in range(a, b + 1)]


@dataclass(frozen=True)
class Dates:
    """Maps dates from `first` to `last` (inclusive: `last` ends at `end`) onto [start, end] pixels."""

    first: dt.date
    last: dt.date
    start: float
    end: float

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    def __call__(self, day: dt.date) -> float:
        """The left edge of `day`; the day after `last` is `end`."""
        return self.start + (self.end - self.start) * (day - self.first).days / self.days


def month_starts(first: dt.date, last: dt.date) -> list[dt.date]:
    """The first day of each month from the month of `first` through the month of `last`."""
    out, day = [], first.replace(day=1)
    while day <= last:
        out.append(day)
        day = (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return out
