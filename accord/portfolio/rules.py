"""Pure rules of the portfolio: the phase rule (which moves are allowed, which need a security gate and
what opens it), the review clock in working days, who completes a review and who signs a gate exception.

One place for each: services, selectors and every front ask these functions; none reads the database.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from accord.core.approvals.rules import fits, label
from accord.core.choices import CisoModel, Role, Signatory
from accord.core.models import GovernanceProfile, Membership
from accord.core.workdays import WEEKDAYS, WorkCalendar, months_later
from accord.portfolio.choices import PASSING_OUTCOMES, ExceptionStatus, Gate, Phase
from accord.portfolio.choices_systems import SUGGESTED_TIME, TimeClass
from accord.risks.rules import is_hybrid, required_acceptance_slots

#: Where each phase may go next. Cancelling is possible until the initiative is live.
TRANSITIONS: dict[str, frozenset[str]] = {
    Phase.IDEA: frozenset({Phase.PROPOSED, Phase.CANCELLED}),
    Phase.PROPOSED: frozenset({Phase.APPROVED, Phase.IDEA, Phase.CANCELLED}),
    Phase.APPROVED: frozenset({Phase.IN_DELIVERY, Phase.CANCELLED}),
    Phase.IN_DELIVERY: frozenset({Phase.LIVE, Phase.CANCELLED}),
    Phase.LIVE: frozenset({Phase.CLOSED}),
    Phase.CLOSED: frozenset(),
    Phase.CANCELLED: frozenset(),
}

#: The move each gate guards.
GATED_MOVES: dict[tuple[str, str], str] = {
    (Phase.PROPOSED, Phase.APPROVED): Gate.APPROVAL,
    (Phase.IN_DELIVERY, Phase.LIVE): Gate.GO_LIVE,
}
#: The phase in which each gate's review is held.
GATE_PHASE: dict[str, str] = {gate: src for (src, _dst), gate in GATED_MOVES.items()}


def gate_of(phase: str, to: str) -> str | None:
    """The gate guarding the move `phase` → `to`, or None."""
    return GATED_MOVES.get((phase, to))


def current_gate(phase: str, kind: str, gated_kinds: Iterable[str]) -> str | None:
    """The gate whose review an initiative of `kind` in `phase` holds now (None: no gate ahead, or its kind
    is not gated)."""
    if kind not in set(gated_kinds):
        return None
    return next((gate for gate, held_in in GATE_PHASE.items() if held_in == phase), None)


@dataclass(frozen=True)
class ReviewFacts:
    """What the phase rule reads of one review: its gate, whether it is complete and its outcome."""

    gate: str
    complete: bool
    outcome: str


def gate_open(gate: str, reviews: Iterable[ReviewFacts], *, exception_in_force: bool) -> bool:
    """A gate is open once a review of it is complete with a passing outcome (approved, or approved with
    conditions), or a co-signed exception for it is in force."""
    return exception_in_force or any(r.gate == gate and r.complete and r.outcome in PASSING_OUTCOMES
                                     for r in reviews)


def refusal(phase: str, to: str, kind: str, gated_kinds: Iterable[str], reviews: Sequence[ReviewFacts], *,
            exception_in_force: bool = False) -> str | None:
    """Why `phase` → `to` is refused, naming the missing gate review, or None when the move is allowed."""
    if to not in Phase.values:
        return f"'{to}' is not a phase; use one of: {', '.join(Phase.values)}."
    if to not in TRANSITIONS[phase]:
        allowed = ", ".join(sorted(TRANSITIONS[phase])) or "nowhere (it is final)"
        return (f"An initiative {Phase(phase).label.lower()} cannot move to {Phase(to).label.lower()}; "
                f"it may go to {allowed}.")
    gate = gate_of(phase, to)
    if gate is None or kind not in set(gated_kinds):
        return None
    if gate_open(gate, reviews, exception_in_force=exception_in_force):
        return None
    name = Gate(gate).label
    mine = [r for r in reviews if r.gate == gate]
    if any(r.complete and r.outcome not in PASSING_OUTCOMES for r in mine) and not any(not r.complete for r in mine):
        return (f"The {name.lower()} security review ({gate}) rejected this initiative; open a new {gate} review "
                f"and have it approved before moving to {Phase(to).label.lower()}.")
    if any(not r.complete for r in mine):
        return (f"The {name.lower()} security review ({gate}) is open and not complete; it must be completed "
                f"as approved (or approved with conditions) before moving to {Phase(to).label.lower()}.")
    return (f"Moving to {Phase(to).label.lower()} needs a completed {name.lower()} security review ({gate}); none "
            f"is open: open the {gate} review first.")


# --- the review clock (working days: Monday to Friday less the organisation's public holidays) ----------

def add_working_days(start: dt.date, days: int, calendar: WorkCalendar = WEEKDAYS) -> dt.date:
    """The date `days` working days of `calendar` after `start` (`start` itself not counted)."""
    return calendar.add_working_days(start, days)


def working_days_between(start: dt.date, end: dt.date, calendar: WorkCalendar = WEEKDAYS) -> int:
    """Working days of `calendar` after `start` up to and including `end`; negative when `end` is before."""
    return calendar.working_days_between(start, end)


@dataclass(frozen=True)
class Clock:
    """Where an open review stands against its target: due on, working days left (negative: late)."""

    due_on: dt.date
    working_days_left: int
    overdue: bool

    @property
    def late_by(self) -> int:
        """Working days past the due date (0 while on time)."""
        return max(0, -self.working_days_left)


def review_clock(due_on: dt.date, today: dt.date, calendar: WorkCalendar = WEEKDAYS) -> Clock:
    """The clock of a review due on `due_on`, read on `today` (overdue the day after its due date), its days
    left counted in `calendar`'s working days (the organisation's: `WorkCalendar.of(org)`)."""
    return Clock(due_on=due_on, working_days_left=working_days_between(today, due_on, calendar),
                 overdue=today > due_on)


#: The phases in the order an initiative lives them (cancelled stands outside).
PHASE_ORDER: tuple[str, ...] = (Phase.IDEA, Phase.PROPOSED, Phase.APPROVED, Phase.IN_DELIVERY, Phase.LIVE,
                                Phase.CLOSED)


def gate_state(gate: str, phase: str, *, gated: bool, reviews: Sequence[ReviewFacts],
               open_clock: Clock | None) -> str | None:
    """Where `gate` stands for an initiative in `phase` (the roadmap's marker): `passed` (the initiative
    moved past it), `cleared` (a passing review is in, the move not made yet), `rejected` (its latest
    review said no), `overdue` or `open` (a review is open, past or within its target), `waiting` (no review
    asked yet); None when there is no such gate: its kind is not gated, or it was cancelled. `reviews` are
    the initiative's, newest first."""
    if not gated or phase not in PHASE_ORDER:
        return None
    if PHASE_ORDER.index(phase) > PHASE_ORDER.index(GATE_PHASE[gate]):
        return "passed"
    if open_clock is not None:
        return "overdue" if open_clock.overdue else "open"
    done = [r for r in reviews if r.gate == gate and r.complete]
    if done and done[0].outcome in PASSING_OUTCOMES:
        return "cleared"
    if done:
        return "rejected"
    return "waiting"


def may_withdraw_exception(status: str, gate: str, phase: str) -> bool:
    """A gate exception can be withdrawn while it awaits signatures, or while in force if the initiative has
    not moved past its gate yet (withdrawing it shuts the gate again); once used, it stays on the record."""
    if status == ExceptionStatus.PENDING:
        return True
    return status == ExceptionStatus.IN_FORCE and GATE_PHASE.get(gate) == phase


# --- who decides -------------------------------------------------------------------------------------

def reviewer_slot(profile: GovernanceProfile) -> str:
    """Who completes a security review: the CISO (internal or an external vCISO), or, where one person
    holds the hybrid CIO-CISO role, that person."""
    return Signatory.CIO_CISO.value if is_hybrid(profile) else Signatory.CISO.value


def may_complete_review(profile: GovernanceProfile, membership: Membership) -> bool:
    """`membership` may complete a security review under `profile`: the CISO (or the hybrid CIO-CISO); where
    the CISO is external (a vCISO), an admin too, to record the decision the vCISO sent (the audit trail
    names the admin as its author)."""
    if membership.role == Role.ADMIN and profile.ciso_model == CisoModel.EXTERNAL:
        return True
    return fits(reviewer_slot(profile), membership)


def reviewer_label(profile: GovernanceProfile) -> str:
    return label(reviewer_slot(profile))


def exception_slots(profile: GovernanceProfile) -> list[str]:
    """Who signs a gate exception: those the governance profile requires for a risk acceptance above
    tolerance (the CISO and the person the CISO reports to, or the hybrid CIO-CISO and the board)."""
    return required_acceptance_slots(profile, above_tolerance=True)


# --- objectives' progress -----------------------------------------------------------------------------

def key_result_progress(baseline: Decimal, target: Decimal, current: Decimal) -> float:
    """How far a key result has come from its baseline towards its target, 0 to 1:
    (current − baseline) / (target − baseline), clamped to [0, 1]. The same formula serves a decreasing
    target (target below baseline: both differences are negative), and going past the target counts as 1,
    going the wrong way as 0. A target equal to its baseline (refused by the services) counts as reached."""
    span = Decimal(target) - Decimal(baseline)
    if span == 0:
        return 1.0
    share = (Decimal(current) - Decimal(baseline)) / span
    return float(min(Decimal(1), max(Decimal(0), share)))


def objective_progress(key_results: Iterable[tuple[Decimal, Decimal, Decimal]]) -> float | None:
    """An objective's progress: the mean of its key results' progress (each (baseline, target, current)),
    or None for an objective with no key result yet."""
    shares = [key_result_progress(b, t, c) for b, t, c in key_results]
    return sum(shares) / len(shares) if shares else None


# --- costs: budget against actual ---------------------------------------------------------------------

def months_to_date(year: int, today: dt.date, last_actual_month: dt.date | None) -> int:
    """How many months of `year` the actuals cover, the period a budget is compared over: 12 for a past
    year, 0 for a future one; in the current year the months up to the last one with any actual booked in
    the organisation (actuals arrive after a month closes, so the month in progress is not counted before
    its actuals come)."""
    if year < today.year:
        return 12
    if year > today.year or last_actual_month is None or last_actual_month.year != year:
        return 0
    return last_actual_month.month


@dataclass(frozen=True)
class Variance:
    """Budget against actual over the months covered: the budget of those months (the year's amount
    prorated), what was spent, and the difference (positive: overspent), also as a share of that budget
    (None when that budget is 0)."""

    months: int
    budget: int
    planned: int
    actual: int
    variance: int
    share: float | None

    @property
    def over(self) -> bool:
        return self.variance > 0


def variance(budget: int, actual: int, months: int = 12) -> Variance:
    """The one variance rule: planned = the year's `budget` × `months` / 12, rounded half up to the minor unit
    (integer arithmetic: no float touches money); variance = `actual` − planned; share = variance / planned.
    A line with no month covered yet has planned 0 and the variance of whatever was spent."""
    if not 0 <= months <= 12:
        raise ValueError("months must be 0 to 12")
    planned = (budget * months * 2 + 12) // 24
    difference = actual - planned
    return Variance(months=months, budget=budget, planned=planned, actual=actual, variance=difference,
                    share=difference / planned if planned else None)


def share_of(part: int, whole: int) -> float | None:
    """`part` as a share of `whole` (security spend in IT spend), None when the whole is 0."""
    return part / whole if whole else None
# --- systems inventory ------------------------------------------------------------------------------

#: A system whose vendor support ends within this many months is flagged by the security input into TIME.
END_OF_SUPPORT_WARNING_MONTHS = 12


def system_name_key(name: str) -> str:
    """How system names compare: case and runs of spaces ignored ("Core  ERP" is "core erp"). The inventory
    refuses two systems with one key, and a risk's affected asset names the system with its key."""
    return " ".join(str(name).split()).casefold()


def split_assets(assets: Sequence[str], known: Iterable[str]) -> tuple[list[str], list[str]]:
    """A risk's free-text affected assets split into (the keys of those that name a known system, in the
    list's order, each once; the texts that name none, kept as they were). `known`: system name keys."""
    names = set(known)
    matched: list[str] = []
    rest: list[str] = []
    for text in assets:
        key = system_name_key(text)
        if key in names:
            if key not in matched:
                matched.append(key)
        else:
            rest.append(text)
    return matched, rest


@dataclass(frozen=True)
class TimeReason:
    """One reason of the security input into TIME: `code` (end_of_support_passed, end_of_support_near,
    risk_above_tolerance, failing_control), the text people read, and the object it names (a risk's or a
    control's reference; empty for the end of support)."""

    code: str
    text: str
    ref: str = ""


@dataclass(frozen=True)
class TimeSuggestion:
    """What the security input suggests: Migrate or Eliminate (`suggested`, empty when nothing flags the
    system), each reason listed; `disagrees` when the CIO's decision keeps the system as it is (Tolerate or
    Invest) while reasons stand."""

    suggested: tuple[str, ...]
    reasons: tuple[TimeReason, ...]
    disagrees: bool = False


def time_suggestion(*, today: dt.date, end_of_support: dt.date | None, decided: str = "",
                    risks_above_tolerance: Sequence[tuple[str, str]] = (),
                    failing_controls: Sequence[tuple[str, str]] = ()) -> TimeSuggestion:
    """The security input into a system's TIME classification (the one rule every front shows).

    A system gets the suggestion Migrate or Eliminate, with every reason listed, when any of:
    its vendor's end of support has passed (`end_of_support` before `today`) or is at most
    `END_OF_SUPPORT_WARNING_MONTHS` months away (on or before the same day 12 months on); an open risk of
    the register that affects it is above tolerance (`risks_above_tolerance`: (reference, title), as the
    register's tolerance rule says); a control it relies on is failing (`failing_controls`: (reference,
    name)). The CIO decides (`decided`); the suggestion never changes the decision."""
    reasons: list[TimeReason] = []
    if end_of_support is not None:
        if end_of_support < today:
            reasons.append(TimeReason("end_of_support_passed", _("Vendor support ended on %(day)s.")
                                      % {"day": end_of_support.isoformat()}))
        elif end_of_support <= months_later(today, END_OF_SUPPORT_WARNING_MONTHS):
            reasons.append(TimeReason("end_of_support_near", _("Vendor support ends on %(day)s, within %(n)s months.")
                                      % {"day": end_of_support.isoformat(), "n": END_OF_SUPPORT_WARNING_MONTHS}))
    for ref, title in risks_above_tolerance:
        reasons.append(TimeReason("risk_above_tolerance", _("Risk %(ref)s %(title)s is above tolerance.")
                                  % {"ref": ref, "title": title}, ref))
    for ref, name in failing_controls:
        reasons.append(TimeReason("failing_control", _("Control %(ref)s %(name)s is failing.")
                                  % {"ref": ref, "name": name}, ref))
    suggested = tuple(str(t) for t in SUGGESTED_TIME) if reasons else ()
    keeps = decided in (TimeClass.TOLERATE, TimeClass.INVEST)
    return TimeSuggestion(suggested, tuple(reasons), disagrees=bool(reasons) and keeps)


def what_breaks(start: int, dependents: Mapping[int, Iterable[int]]) -> list[tuple[int, int]]:
    """The systems that break when `start` is down: every system that depends on it, directly (distance 1)
    or through others, each once at its shortest distance, nearest first (breadth-first; cycles end).
    `dependents`: system id → ids of the systems that depend on it."""
    seen = {start}
    out: list[tuple[int, int]] = []
    frontier = [start]
    distance = 0
    while frontier:
        distance += 1
        following: list[int] = []
        for node in frontier:
            for other in sorted(dependents.get(node, ())):
                if other not in seen:
                    seen.add(other)
                    out.append((other, distance))
                    following.append(other)
        frontier = following
    return out
