"""The budget of a run: how many loss events and how much time one simulation may take.

A run's cost is its number of loss events (each is a draw, a sum and, with controls, a uniform): the
expected events of a risk over a run are E[events per year] x years (`expected_events`: the mean rate,
lambda, or TEF x mean vulnerability for Open FAIR). An estimate of 1,000,000 threat events a year with
vulnerability 1 is 5e10 events over 50,000 years, about half an hour of both cores of a small server.

`simulate(..., budget=RunBudget(max_events=..., max_seconds=...))` stops cleanly with `BudgetExceeded`
(naming the risk that costs most) when:

1. before anything is drawn, the expected events of the run exceed `max_events` (no CPU spent);
2. while it runs, the events actually drawn pass `max_events` (each chunk draws its yearly counts
   first, then charges them before drawing a single loss), or the time since the run started passes
   `max_seconds` (checked before every chunk and every slice of at most `SLICE_EVENTS` events).

Stopping never changes a result: a run within its budget gives the same numbers as one without. The
engine's command line runs without a budget unless asked (`--max-events`, `--max-seconds`).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Literal

from accord.quant.model import Risk

#: A run budget's default number of loss events: about 5 to 12 s of a 2-core server (docs/quant.md).
DEFAULT_MAX_EVENTS = 100_000_000
#: Most events drawn between two checks of the clock.
SLICE_EVENTS = 1 << 22


def expected_events(risk: Risk, years: int) -> float:
    """E[loss events] of `risk` over `years` simulated years: its mean event rate x years."""
    return risk.mean_event_rate * years


def _count(value: float) -> str:
    return f"{value:,.0f}" if value < 1e15 else f"{value:.1e}"


class BudgetExceeded(Exception):
    """A run stopped because it would exceed, or did exceed, its budget of events (`kind="events"`) or
    of time (`kind="time"`); `risk_id` names the risk that costs most (None when there is none)."""

    def __init__(self, message: str, *, kind: Literal["events", "time"], risk_id: str | None) -> None:
        super().__init__(message)
        self.kind = kind
        self.risk_id = risk_id


@dataclass(frozen=True)
class RunBudget:
    """At most `max_events` loss events and `max_seconds` seconds of one run (None: no limit). `clock`
    is the monotonic clock the time limit reads (tests give their own)."""

    max_events: float | None = DEFAULT_MAX_EVENTS
    max_seconds: float | None = None
    clock: Callable[[], float] = field(default=time.monotonic, compare=False)

    def check_expected(self, risks: Sequence[Risk], years: int) -> None:
        """Refuse a run whose expected events exceed `max_events` before anything is drawn."""
        if self.max_events is None or not risks:
            return
        expected = [expected_events(risk, years) for risk in risks]
        total = sum(expected)
        if total > self.max_events:
            worst = max(range(len(risks)), key=lambda i: expected[i])
            raise BudgetExceeded(
                f"{_count(expected[worst])} expected loss events over {years:,} simulated years (mean "
                f"{_count(risks[worst].mean_event_rate)} a year) would pass the budget of "
                f"{_count(self.max_events)} events of a simulation",
                kind="events",
                risk_id=risks[worst].id,
            )

    def meter(self, ids: Sequence[str]) -> Meter:
        """A meter of one run over the risks `ids`, started now."""
        return Meter(self, ids)


class Meter:
    """The events and time a run has spent, shared by its worker threads. Once tripped, every further
    charge raises at once, so the pool's remaining chunks end without drawing."""

    def __init__(self, budget: RunBudget, ids: Sequence[str]) -> None:
        self.budget = budget
        self.ids = tuple(ids)
        self.events = [0] * len(ids)
        self._started = budget.clock()
        self._lock = threading.Lock()
        self._tripped: BudgetExceeded | None = None

    def charge(self, risk: int, events: int = 0) -> None:
        """Count `events` of the risk at index `risk` and check the budget (events 0: the clock only)."""
        with self._lock:
            if self._tripped is not None:
                raise self._tripped
            self.events[risk] += events
            total = sum(self.events)
            budget = self.budget
            problem: tuple[Literal["events", "time"], str] | None = None
            if budget.max_events is not None and total > budget.max_events:
                problem = (
                    "events",
                    f"the simulation drew {_count(total)} loss events, past its budget of {_count(budget.max_events)}",
                )
            elif budget.max_seconds is not None and budget.clock() - self._started > budget.max_seconds:
                problem = ("time", f"the simulation ran past its budget of {budget.max_seconds:g} s")
            if problem is None:
                return
            worst = max(range(len(self.ids)), key=lambda i: self.events[i]) if self.ids else None
            self._tripped = BudgetExceeded(
                problem[1]
                + (
                    f"; {self.ids[worst]} drew the most ({_count(self.events[worst])} events)"
                    if worst is not None
                    else ""
                ),
                kind=problem[0],
                risk_id=self.ids[worst] if worst is not None else None,
            )
            raise self._tripped
