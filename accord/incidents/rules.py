"""The incidents' rules, one pure module (no Django): the severity on the incident matrix, the phases' order, a
recovery task's due instant from a system's RTO, and the NIS2 Article 23 clocks. docs/incidents.md states each
with its sources.

NIS2 (Directive (EU) 2022/2555, Art. 23(4)), counted in elapsed time from the moment the entity became aware of
the significant incident, exact in UTC (so right across a daylight-saving change):

- early warning: within 24 hours of becoming aware;
- incident notification: within 72 hours of becoming aware;
- final report: within one month after the incident notification was submitted (while it is not, one month
  after its deadline: the latest the final report can be due). "One month" is the same day and time of the
  next month in UTC, or that month's last day when the day does not exist there (31 January: 28/29 February).
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

#: The phases in order (IncidentStatus's values).
PHASES = ("detected", "analysed", "contained", "eradicated", "recovered", "closed")
#: The field that stamps each phase's start.
PHASE_STAMPS = {"detected": "detected_at", "analysed": "analysed_at", "contained": "contained_at",
                "eradicated": "eradicated_at", "recovered": "recovered_at", "closed": "closed_at"}
SEVERITIES = ("low", "medium", "high", "critical")

EARLY_WARNING_WITHIN = dt.timedelta(hours=24)
NOTIFICATION_WITHIN = dt.timedelta(hours=72)
FINAL_REPORT_MONTHS = 1
#: The NIS2 designations whose incidents track the clocks.
NIS2_ENTITIES = ("essential", "important")

#: What a task's owner must be able to do: update the task (a viewer owning one could not mark it done).
TASK_ACTION = "incident.task"
#: Likewise for the owner of a lesson's action: mark it done.
LESSON_ACTION = "incident.review"


#: The default incident matrix: impact (columns, 1..4) × urgency (rows, 1..4).
DEFAULT_IMPACTS = ("Minor", "Moderate", "Major", "Severe")
DEFAULT_URGENCIES = ("Can wait", "Soon", "Urgent", "Immediate")
DEFAULT_LEVELS = (
    ("low", "low", "medium", "high"),
    ("low", "medium", "high", "high"),
    ("medium", "high", "high", "critical"),
    ("medium", "high", "critical", "critical"),
)


#: The phases from which an incident's post-incident review (and its lessons) may be written.
REVIEWABLE = ("recovered", "closed")
#: The incident kind's usual risk category of the register (a new risk from a lesson); the others: cyber security.
LESSON_RISK_CATEGORY = {"outage": "it_operations", "third_party": "third_party", "lost_device": "cyber_security"}
DEFAULT_LESSON_CATEGORY = "cyber_security"


def may_review(status: str) -> bool:
    """An incident's review and lessons are written once it is recovered or closed (what happened is known)."""
    return status in REVIEWABLE


def lesson_risk_position(severity: str, size: int) -> int:
    """Where a risk raised from a lesson starts on a risk matrix axis of `size` levels: the incident's severity's
    share of the scale (low 1/4, medium 2/4, high 3/4, critical 4/4), rounded up, at least 1."""
    rank = SEVERITIES.index(severity) + 1 if severity in SEVERITIES else 2
    return max(1, min(size, -(-rank * size // len(SEVERITIES))))


def check_matrix(impacts: Sequence[str], urgencies: Sequence[str], levels: Sequence[Sequence[str]]) -> str:
    """What is wrong with a matrix ('' when nothing): 2 to 7 labels each way, one row of levels per urgency, one
    level per impact, each a known severity."""
    if not 2 <= len(impacts) <= 7 or not 2 <= len(urgencies) <= 7:
        return "a matrix has 2 to 7 impacts and 2 to 7 urgencies"
    if any(not str(label).strip() for label in (*impacts, *urgencies)):
        return "every impact and urgency has a label"
    if len(levels) != len(urgencies) or any(len(row) != len(impacts) for row in levels):
        return f"levels are {len(urgencies)} rows (urgencies) of {len(impacts)} severities (impacts)"
    bad = sorted({str(v) for row in levels for v in row} - set(SEVERITIES))
    if bad:
        return f"unknown severities {', '.join(bad)}; use: {', '.join(SEVERITIES)}"
    return ""


def severity(levels: Sequence[Sequence[str]], impact: int, urgency: int) -> str:
    """The severity of an incident of `impact` and `urgency` (both from 1) on the matrix `levels`."""
    if not (1 <= urgency <= len(levels) and 1 <= impact <= len(levels[urgency - 1])):
        raise ValueError(f"impact {impact} or urgency {urgency} is outside the matrix")
    return str(levels[urgency - 1][impact - 1])


def next_phase(status: str) -> str | None:
    """The phase after `status` (None once closed)."""
    index = PHASES.index(status)
    return PHASES[index + 1] if index + 1 < len(PHASES) else None


def recovery_due(start: dt.datetime, rto_hours: int | None) -> dt.datetime | None:
    """A recovery task's due instant: the system's RTO counted from `start` (when the organisation became aware);
    None for a system with no RTO."""
    if rto_hours is None:
        return None
    return _utc(start) + dt.timedelta(hours=rto_hours)


def months_after(moment: dt.datetime, months: int) -> dt.datetime:
    """The same day and time `months` later in UTC, or that month's last day when the day does not exist."""
    moment = _utc(moment)
    total = moment.month - 1 + months
    year, month = moment.year + total // 12, total % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


@dataclass(frozen=True)
class Clock:
    """One Article 23 report: its key, when it is due, when it was done (None: not yet)."""

    key: str
    due_at: dt.datetime
    done_at: dt.datetime | None

    def late(self, now: dt.datetime) -> bool:
        """Done after its due time, or not done and past it."""
        return (self.done_at or _utc(now)) > self.due_at


def nis2_clocks(designation: str, became_aware_at: dt.datetime, *, early_warning_at: dt.datetime | None = None,
                notification_at: dt.datetime | None = None,
                final_report_at: dt.datetime | None = None) -> tuple[Clock, ...]:
    """The three Article 23 clocks of an incident of an essential or important entity (none for another)."""
    if designation not in NIS2_ENTITIES:
        return ()
    aware = _utc(became_aware_at)
    notification_due = aware + NOTIFICATION_WITHIN
    final_from = _utc(notification_at) if notification_at is not None else notification_due
    return (
        Clock("early_warning", aware + EARLY_WARNING_WITHIN, _opt(early_warning_at)),
        Clock("notification", notification_due, _opt(notification_at)),
        Clock("final_report", months_after(final_from, FINAL_REPORT_MONTHS), _opt(final_report_at)),
    )


def hours_between(start: dt.datetime | None, end: dt.datetime | None) -> float | None:
    """Elapsed hours from `start` to `end` (None when either is missing or `end` comes first)."""
    if start is None or end is None or end < start:
        return None
    return (end - start).total_seconds() / 3600


def _opt(moment: dt.datetime | None) -> dt.datetime | None:
    return _utc(moment) if moment is not None else None


def _utc(moment: dt.datetime) -> dt.datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("instants carry their offset")
    return moment.astimezone(dt.UTC)


#: The metrics, each the mean elapsed hours between two of an incident's timestamps (docs/incidents.md#metrics).
METRICS = (
    ("detect", "occurred_at", "detected_at"),          # MTTD: from when it happened to its detection
    ("acknowledge", "detected_at", "became_aware_at"),  # MTTA: from detection to the organisation's awareness
    ("contain", "became_aware_at", "contained_at"),     # MTTC: from awareness to containment
    ("recover", "became_aware_at", "recovered_at"),     # MTTR: from awareness to recovery
)


@dataclass(frozen=True)
class Mean:
    """A mean in hours over `count` incidents that have both timestamps (None when none has)."""

    hours: float | None
    count: int

