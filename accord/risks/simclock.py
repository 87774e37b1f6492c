"""The time budget of one simulation of the register (`accord.risks.quantified._simulate`), and why a risk is
left out when a run passes its budget (accord.risks.budget)."""

from __future__ import annotations

import math
import time
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the engine (NumPy, Numba) is imported where a simulation needs it
    from accord.quant import BudgetExceeded, RunBudget


def _over_budget(exc: BudgetExceeded) -> str:
    """Why a risk is left out when a run passed its budget (accord.risks.budget)."""
    if exc.kind == "time":
        return f"the register's simulation took too long, and this risk drew the most loss events ({exc})"
    return f"its simulation would pass the budget of a simulation ({exc})"


class _Clock:
    """The time budget of one `_simulate`: `max_seconds`, and once more after a run stopped by it (the
    risk that drew most is left out and the others are simulated again), then no more."""

    def __init__(self, budget: RunBudget) -> None:
        self.budget = budget
        self.deadline = time.monotonic() + (budget.max_seconds or math.inf)
        self.extended = False
        self.out_of_time = False  # a run of this round stopped at the time budget

    def stopped(self, exc: BudgetExceeded) -> str:
        """Why the risk `exc` names is left out; notes a stop at the time budget."""
        self.out_of_time = self.out_of_time or exc.kind == "time"
        return _over_budget(exc)

    def run_budget(self) -> RunBudget:
        from accord.quant import RunBudget

        if self.budget.max_seconds is None:
            return self.budget
        return RunBudget(max_events=self.budget.max_events, max_seconds=max(self.deadline - time.monotonic(), 0.0))

    def extend(self) -> bool:
        """Once: a fresh time budget from now. False when it was already given."""
        if self.extended or self.budget.max_seconds is None:
            return False
        self.extended = True
        self.deadline = time.monotonic() + self.budget.max_seconds
        return True
