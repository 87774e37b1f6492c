"""The DPO's clocks, one pure module (no Django): a data-subject request's due date (Art. 12(3) GDPR) and a
personal-data breach's deadline to the supervisory authority (Art. 33(1)). docs/privacy.md states both rules
with worked examples; decision 0060 records the readings.

A request (Art. 12(3), counted by Regulation (EEC, Euratom) No 1182/71 on periods of time):

1. the day of receipt is not counted; a period of one month ends on the same date of the next month, or on
   that month's last day when the date does not exist there (received 31 January: 28 or 29 February);
2. an extension by "two further months" ends three months after receipt, by the same rule (read as one
   period from receipt, not two months added to a due date already rolled to a working day);
3. each whole day the clock was paused while the requester's identity was checked pushes the end by a day;
4. an end on a Saturday, a Sunday or a public holiday of the organisation's country and subdivision moves
   to the end of the next working day (`accord.core.workdays.WorkCalendar`).

A breach: the authority is notified within 72 hours of becoming aware, counted in elapsed hours (exact in
UTC, so right across a daylight-saving change; 1182/71's roll to a working day applies to periods in days,
weeks, months and years, not to one in hours).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from accord.core.workdays import WorkCalendar, months_later

#: Art. 12(3): one month to answer, extendable by two further months.
ANSWER_MONTHS = 1
EXTENDED_MONTHS = ANSWER_MONTHS + 2
#: Art. 33(1): 72 hours to notify the supervisory authority.
NOTIFY_WITHIN = dt.timedelta(hours=72)


@dataclass(frozen=True)
class Pause:
    """A pause of the clock while identity is checked: from `paused_on` to `resumed_on` (None: still paused)."""

    paused_on: dt.date
    resumed_on: dt.date | None = None


def paused_days(pauses: Iterable[Pause], *, today: dt.date | None = None) -> int:
    """Whole days the clock stood still: from each pause's day to its resumption's day (paused on the 5th,
    resumed on the 8th: 3 days). A pause still open counts up to `today` when given, else nothing yet."""
    total = 0
    for pause in pauses:
        end = pause.resumed_on or today
        if end is not None and end > pause.paused_on:
            total += (end - pause.paused_on).days
    return total


def period_end(received_on: dt.date, months: int, calendar: WorkCalendar, *, paused: int = 0) -> dt.date:
    """The last day of a period of `months` months from `received_on` (not counted), pushed by `paused` days,
    then rolled to a working day of `calendar` (rules 1, 3 and 4 above)."""
    if paused < 0:
        raise ValueError("paused days must be >= 0")
    end = months_later(received_on, months) + dt.timedelta(days=paused)
    return calendar.next_working_day(end)


def request_due_on(received_on: dt.date, calendar: WorkCalendar, *, extended: bool = False,
                   paused: int = 0) -> dt.date:
    """A request's due date: one month after receipt, or three once extended (rule 2), pushed by the paused
    days and rolled to a working day."""
    return period_end(received_on, EXTENDED_MONTHS if extended else ANSWER_MONTHS, calendar, paused=paused)


def may_extend(due_on: dt.date, today: dt.date) -> bool:
    """An extension's reasons must reach the person within the first month (Art. 12(3)): up to and including the
    original due date."""
    return today <= due_on


def answered_late(due_on: dt.date, closed_on: dt.date | None) -> bool:
    """Answered (or refused) after the last day to do so; a request still open is not late yet."""
    return closed_on is not None and closed_on > due_on


def notify_authority_by(became_aware_at: dt.datetime) -> dt.datetime:
    """72 elapsed hours after the organisation became aware of a breach, in UTC (an aware instant only)."""
    if became_aware_at.tzinfo is None or became_aware_at.utcoffset() is None:
        raise ValueError("became_aware_at must carry its offset")
    return became_aware_at.astimezone(dt.UTC) + NOTIFY_WITHIN


def notified_late(deadline: dt.datetime, first_sent_at: dt.datetime | None) -> bool:
    """The first notification to the authority went after its deadline (Art. 33(1) then asks for reasons)."""
    return first_sent_at is not None and first_sent_at > deadline
