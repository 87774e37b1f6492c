"""The DPO's clocks, alone (accord.privacy.rules_deadlines, no database): the one-month due date of a
data-subject request at month ends and in leap years, its roll past weekends and public holidays (France; Bavaria
for Corpus Christi), the extension to three months, the paused days, and the 72-hour breach deadline across both
daylight-saving changes of Europe/Paris."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from accord.core.workdays import WEEKDAYS, WorkCalendar, months_later
from accord.privacy import rules_deadlines as r

FR = WorkCalendar("FR")
BAVARIA = WorkCalendar("DE", "BY")
BERLIN = WorkCalendar("DE", "BE")
PARIS = ZoneInfo("Europe/Paris")
D = dt.date


@pytest.mark.parametrize(("received", "end"), [
    (D(2026, 1, 31), D(2026, 2, 28)),  # no 31 February: the month's last day
    (D(2025, 1, 31), D(2025, 2, 28)),
    (D(2024, 1, 31), D(2024, 2, 29)),  # a leap year
    (D(2024, 1, 30), D(2024, 2, 29)),
    (D(2024, 1, 29), D(2024, 2, 29)),
    (D(2023, 3, 29), D(2023, 4, 29)),
])
def test_a_month_after_a_month_end_is_the_same_date_or_the_last_day(received, end):
    assert months_later(received, 1) == end


def test_months_later_keeps_the_date_or_takes_the_last_day_of_the_month():
    assert months_later(D(2026, 3, 29), 1) == D(2026, 4, 29)
    assert months_later(D(2026, 3, 30), 1) == D(2026, 4, 30)
    assert months_later(D(2026, 3, 31), 1) == D(2026, 4, 30)
    assert months_later(D(2026, 12, 31), 2) == D(2027, 2, 28)
    assert months_later(D(2027, 12, 31), 2) == D(2028, 2, 29)
    assert months_later(D(2026, 11, 30), 3) == D(2027, 2, 28)


@pytest.mark.parametrize(("received", "due"), [
    # 31 Jan 2026 + 1 month = Saturday 28 Feb 2026 → Monday 2 March.
    (D(2026, 1, 31), D(2026, 3, 2)),
    # Friday 28 Feb 2025 stays.
    (D(2025, 1, 31), D(2025, 2, 28)),
    # Leap year: Thursday 29 Feb 2024 stays.
    (D(2024, 1, 31), D(2024, 2, 29)),
    # 29 Mar 2026 → Wednesday 29 April.
    (D(2026, 3, 29), D(2026, 4, 29)),
    # 30 and 31 Mar 2026 → Thursday 30 April.
    (D(2026, 3, 30), D(2026, 4, 30)),
    (D(2026, 3, 31), D(2026, 4, 30)),
    # 1 Feb 2026 → Sunday 1 March → Monday 2 March.
    (D(2026, 2, 1), D(2026, 3, 2)),
])
def test_a_request_is_due_one_month_after_receipt_on_a_working_day(received, due):
    assert r.request_due_on(received, WEEKDAYS) == due


def test_the_day_of_receipt_is_not_counted():
    # Received on Wednesday 4 March 2026: due Saturday 4 April → Monday 6 April is Easter Monday in France → 7 April.
    assert r.request_due_on(D(2026, 3, 4), WEEKDAYS) == D(2026, 4, 6)
    assert r.request_due_on(D(2026, 3, 4), FR) == D(2026, 4, 7)


@pytest.mark.parametrize(("received", "due"), [
    # Friday 1 May 2026 (Labour Day) → Monday 4 May.
    (D(2026, 4, 1), D(2026, 5, 4)),
    # Tuesday 14 July 2026 (national day) → Wednesday 15 July.
    (D(2026, 6, 14), D(2026, 7, 15)),
    # Saturday 15 August 2026 (Assumption) → Monday 17 August.
    (D(2026, 7, 15), D(2026, 8, 17)),
    # Thursday 14 July 2022 → Friday 15 July.
    (D(2022, 6, 14), D(2022, 7, 15)),
    # Monday 15 August 2022 → Tuesday 16 August.
    (D(2022, 7, 15), D(2022, 8, 16)),
    # 31 March 2026 → Thursday 30 April (no 31 April, and 30 April is a working day).
    (D(2026, 3, 31), D(2026, 4, 30)),
])
def test_a_french_organisation_skips_the_french_public_holidays(received, due):
    assert r.request_due_on(received, FR) == due


def test_corpus_christi_counts_in_bavaria_not_in_berlin():
    # Corpus Christi: Thursday 4 June 2026 (a public holiday in Bavaria, not in Berlin).
    assert r.request_due_on(D(2026, 5, 4), BAVARIA) == D(2026, 6, 5)
    assert r.request_due_on(D(2026, 5, 4), BERLIN) == D(2026, 6, 4)


def test_an_extended_request_is_due_three_months_after_receipt_rolled_once():
    # 31 Jan 2026 + 3 months = Thursday 30 April 2026 (not 2 March + 2 months = 2 May, a Saturday).
    assert r.request_due_on(D(2026, 1, 31), FR, extended=True) == D(2026, 4, 30)
    # 1 Feb 2026 + 3 months = Friday 1 May 2026, Labour Day → Monday 4 May.
    assert r.request_due_on(D(2026, 2, 1), FR, extended=True) == D(2026, 5, 4)
    # Leap day: 30 Nov 2027 + 3 months = Tuesday 29 February 2028.
    assert r.request_due_on(D(2027, 11, 30), WEEKDAYS, extended=True) == D(2028, 2, 29)


def test_each_paused_day_pushes_the_due_date_before_the_roll():
    # 2 March 2026 + 1 month = Thursday 2 April; 2 days paused → Saturday 4 April → Monday 6 April (Easter Monday
    # in France) → Tuesday 7 April.
    assert r.request_due_on(D(2026, 3, 2), FR, paused=2) == D(2026, 4, 7)
    assert r.request_due_on(D(2026, 3, 2), FR, paused=1) == D(2026, 4, 3)
    assert r.request_due_on(D(2026, 3, 2), FR, extended=True, paused=3) == D(2026, 6, 5)
    with pytest.raises(ValueError, match="paused days"):
        r.request_due_on(D(2026, 3, 2), FR, paused=-1)


def test_paused_days_count_from_the_pause_day_to_the_resumption_day():
    pauses = [r.Pause(D(2026, 3, 5), D(2026, 3, 8)), r.Pause(D(2026, 3, 10), D(2026, 3, 10)),
              r.Pause(D(2026, 3, 12))]
    assert r.paused_days(pauses) == 3
    assert r.paused_days(pauses, today=D(2026, 3, 14)) == 5


def test_an_extension_is_allowed_up_to_the_original_due_date():
    assert r.may_extend(D(2026, 3, 2), D(2026, 3, 2))
    assert not r.may_extend(D(2026, 3, 2), D(2026, 3, 3))


def test_answered_late_is_after_the_due_date_only():
    assert not r.answered_late(D(2026, 3, 2), D(2026, 3, 2))
    assert r.answered_late(D(2026, 3, 2), D(2026, 3, 3))
    assert not r.answered_late(D(2026, 3, 2), None)


def test_the_breach_deadline_crosses_the_spring_change_in_elapsed_hours():
    # Saturday 28 March 2026 09:30 CET; clocks go forward on Sunday 29 March: 72 h later is 10:30 CEST.
    aware = dt.datetime(2026, 3, 28, 9, 30, tzinfo=PARIS)
    deadline = r.notify_authority_by(aware)
    assert deadline == dt.datetime(2026, 3, 31, 8, 30, tzinfo=dt.UTC)
    assert deadline.astimezone(PARIS).isoformat() == "2026-03-31T10:30:00+02:00"
    assert deadline - aware == dt.timedelta(hours=72)


def test_the_breach_deadline_crosses_the_autumn_change_in_elapsed_hours():
    # Saturday 24 October 2026 09:30 CEST; clocks go back on Sunday 25 October: 72 h later is 08:30 CET.
    aware = dt.datetime.fromisoformat("2026-10-24T09:30:00+02:00")
    deadline = r.notify_authority_by(aware)
    assert deadline.astimezone(PARIS).isoformat() == "2026-10-27T08:30:00+01:00"


def test_the_breach_deadline_is_not_rolled_to_a_working_day():
    # Aware on Wednesday 11 November 2026 (Armistice Day) at 18:00: the deadline is Saturday 14 November 18:00.
    aware = dt.datetime(2026, 11, 11, 18, 0, tzinfo=PARIS)
    assert r.notify_authority_by(aware).astimezone(PARIS) == dt.datetime(2026, 11, 14, 18, 0, tzinfo=PARIS)


def test_the_breach_deadline_needs_an_instant_with_its_offset():
    with pytest.raises(ValueError, match="offset"):
        r.notify_authority_by(dt.datetime(2026, 3, 28, 9, 30))  # noqa: DTZ001 - the naive value refused


def test_a_notification_after_the_deadline_is_late():
    deadline = dt.datetime(2026, 3, 31, 8, 30, tzinfo=dt.UTC)
    assert not r.notified_late(deadline, deadline)
    assert r.notified_late(deadline, deadline + dt.timedelta(seconds=1))
    assert not r.notified_late(deadline, None)
