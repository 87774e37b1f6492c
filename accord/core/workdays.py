"""Working days, one rule for every clock that counts them (a security review's target, later a data-subject
request's month): Monday to Friday, less the public holidays of the organisation's country and subdivision.

The holidays come from the `holidays` package (docs/dependencies.md), by ISO 3166-1 alpha-2 country code and
its ISO 3166-2 subdivision code as that package names them (`FR`, `DE` + `BY`, `ES` + `CT`). An organisation
without a country has no public holidays: Monday to Friday only, as before it had one. Pure: no Django.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from typing import Protocol


class HasCalendar(Protocol):
    country: str
    subdivision: str


@lru_cache(maxsize=1)
def countries() -> dict[str, tuple[str, ...]]:
    """Every country code the holidays package knows, with its subdivision codes."""
    import holidays

    return {code: tuple(subdivisions) for code, subdivisions in holidays.list_supported_countries().items()}


@lru_cache(maxsize=512)
def _holidays(country: str, subdivision: str, year: int) -> frozenset[dt.date]:
    import holidays

    if not country:
        return frozenset()
    return frozenset(holidays.country_holidays(country, subdiv=subdivision or None, years=year))


def country_problem(country: str, subdivision: str) -> tuple[str, str] | None:
    """(the field, what is wrong) when the pair names no calendar the holidays package has; None when it does
    (an empty country with an empty subdivision included). Codes are upper case."""
    if not country:
        return ("subdivision", "no_country") if subdivision else None
    known = countries()
    if country not in known:
        return ("country", "unknown_country")
    if subdivision and subdivision not in known[country]:
        return ("subdivision", "unknown_subdivision")
    return None


def months_later(day: dt.date, months: int) -> dt.date:
    """The same date `months` calendar months after `day`, or that month's last day when the date does not
    exist there (31 January + 1 month: 28 or 29 February). The rule of Regulation (EEC, Euratom) No 1182/71 for
    a period in months, and of every clock in months (a system's end of support, a data-subject request)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)  # pragma: no cover - a month has at least 28 days


@dataclass(frozen=True)
class WorkCalendar:
    """Monday to Friday less the public holidays of `country` (and `subdivision`); empty: no holidays."""

    country: str = ""
    subdivision: str = ""

    @classmethod
    def of(cls, org: HasCalendar) -> WorkCalendar:
        return cls(org.country, org.subdivision)

    @property
    def place(self) -> str:
        """Whose holidays these are, as people read it: "FR", "DE-BY"; empty without a country."""
        return f"{self.country}-{self.subdivision}" if self.country and self.subdivision else self.country

    def holidays_between(self, start: dt.date, end: dt.date) -> list[dt.date]:
        """The public holidays from `start` to `end`, both included, in order."""
        return sorted(day for year in range(start.year, end.year + 1)
                      for day in _holidays(self.country, self.subdivision, year) if start <= day <= end)

    def is_working_day(self, day: dt.date) -> bool:
        return day.weekday() < 5 and day not in _holidays(self.country, self.subdivision, day.year)

    def next_working_day(self, day: dt.date) -> dt.date:
        """`day` itself when it is a working day, else the first working day after it."""
        while not self.is_working_day(day):
            day += dt.timedelta(days=1)
        return day

    def add_working_days(self, start: dt.date, days: int) -> dt.date:
        """The date `days` working days after `start` (`start` itself not counted)."""
        if days < 0:
            raise ValueError("days must be >= 0")
        day, left = start, days
        while left:
            day += dt.timedelta(days=1)
            if self.is_working_day(day):
                left -= 1
        return day

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        """Working days after `start` up to and including `end`; negative when `end` is before `start`."""
        if end < start:
            return -self.working_days_between(end, start)
        weeks, rest = divmod((end - start).days, 7)
        count = weeks * 5 + sum(1 for offset in range(1, rest + 1)
                                if (start + dt.timedelta(days=offset)).weekday() < 5)
        if start < end:
            count -= sum(1 for day in self.holidays_between(start + dt.timedelta(days=1), end) if day.weekday() < 5)
        return count


#: Monday to Friday, no public holidays.
WEEKDAYS = WorkCalendar()
