"""The register's simulation budget (decision 0020, docs/deployment.md "Simulation budget").

* `run_budget()`: what one simulation of an organisation's register may spend, from settings:
  `ACCORD_SIMULATION_EVENTS` loss events (default: the engine's `DEFAULT_MAX_EVENTS`, 100 million) and
  `ACCORD_SIMULATION_SECONDS` seconds (default 20). The engine stops a run past either
  (`accord.quant.BudgetExceeded`); `accord.risks.quantified` then leaves the risk that costs most out,
  named, as it does for an estimate the engine refuses.
* `estimate_problem(risk, years)`: why an estimate is refused on save (None when it is not): its expected
  loss events over the register's simulated years would pass the run budget on their own. Every front
  saves through the register's services, which ask this, so the web form, the API and imports (web and
  CLI) refuse it at the field with this reason.
* `quota()`: at most `ACCORD_SIMULATIONS_PER_ORG` simulations of one organisation at once (default 1),
  a request waiting at most `ACCORD_SIMULATION_WAIT_SECONDS` (default 10) for a place or for another
  request's simulation of the same register; past that it is answered 429 or 503 with `Retry-After`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings

if TYPE_CHECKING:  # the engine (NumPy, Numba) is imported where a simulation needs it
    from accord.quant import Risk as EngineRisk
    from accord.quant import RunBudget

DEFAULT_SECONDS = 20.0
DEFAULT_PER_ORG = 1
DEFAULT_WAIT_SECONDS = 10.0
#: Requests of one organisation that may hold a server thread for a simulation at once, computing or
#: waiting: the others are told to retry at once, so one tenant's clients cannot fill every thread.
DEFAULT_REQUESTS_PER_ORG = 2


def max_events() -> float:
    from accord.quant.budget import DEFAULT_MAX_EVENTS

    return float(getattr(settings, "ACCORD_SIMULATION_EVENTS", DEFAULT_MAX_EVENTS))


def run_budget() -> RunBudget:
    """The budget of one simulation of a register (see the module's docstring)."""
    from accord.quant import RunBudget

    return RunBudget(max_events=max_events(),
                     max_seconds=float(getattr(settings, "ACCORD_SIMULATION_SECONDS", DEFAULT_SECONDS)))


@dataclass(frozen=True)
class Quota:
    """How many simulations of one organisation may run at once, how many of its requests may hold a server
    thread for one (computing or waiting), and how long a request waits."""

    per_org: int
    wait_seconds: float
    requests_per_org: int = DEFAULT_REQUESTS_PER_ORG


def quota() -> Quota:
    return Quota(per_org=int(getattr(settings, "ACCORD_SIMULATIONS_PER_ORG", DEFAULT_PER_ORG)),
                 wait_seconds=float(getattr(settings, "ACCORD_SIMULATION_WAIT_SECONDS", DEFAULT_WAIT_SECONDS)),
                 requests_per_org=int(getattr(settings, "ACCORD_SIMULATION_REQUESTS_PER_ORG",
                                              DEFAULT_REQUESTS_PER_ORG)))


def _count(value: float) -> str:
    return f"{value:,.0f}" if value < 1e15 else f"{value:.1e}"


def estimate_problem(risk: EngineRisk, years: int) -> str | None:
    """Why the register refuses this estimate (the engine's risk, parsed): its expected loss events over
    `years` simulated years pass what one simulation may draw; None when they do not."""
    from accord.quant import expected_events

    limit = max_events()
    expected = expected_events(risk, years)
    if expected <= limit:
        return None
    what = "threat events a year x vulnerability" if risk.model == "fair" else "loss events a year"
    return (f"{_count(risk.mean_event_rate)} expected {what} is {_count(expected)} loss events over the "
            f"{years:,} simulated years, above the limit of {_count(limit)} a simulation (at most "
            f"{_count(limit / years)} loss events a year on average)")
