"""The portfolio's dashboard panels, read for an organisation only (never the member: the dashboard's body is
a stored answer shared by one role, decision 0035): the CIO's panel (objectives' progress, initiatives by
phase and health, budget against actual, the security reviews waiting and on whom, the systems reaching end
of support: `selectors_systems.support_ending`) and the review queue of
whoever completes reviews (assigned, due and overdue). The review clock is `rules.review_clock`, read through
`selectors.open_reviews`; progress is `rules.objective_progress`; the variance `rules.variance`."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Prefetch

from accord.core.models import Membership, Organization
from accord.portfolio import selectors, selectors_costs, selectors_systems
from accord.portfolio.choices import Health, Phase
from accord.portfolio.models import Initiative
from accord.portfolio.models_objectives import KeyResult, Objective

#: How many reviews the review queue lists (the most urgent first).
QUEUE_LENGTH = 8


@dataclass(frozen=True)
class ReviewerLoad:
    """The open reviews awaiting one reviewer (None: nobody named), and how many are past their target."""

    reviewer: Membership | None
    waiting: int
    overdue: int


@dataclass(frozen=True)
class ReviewQueue:
    """Open security reviews: how many, how many past their target, how many due within `soon` working
    days, by reviewer, and the most urgent ones (each a `selectors.DueReview` with its clock)."""

    open: int
    overdue: int
    due_soon: int
    by_reviewer: list[ReviewerLoad]
    urgent: list[selectors.DueReview]
    soon: int = 3


def review_queue(org: Organization, *, soon: int = 3) -> ReviewQueue:
    """The organisation's open reviews as the dashboards show them (one query)."""
    found = selectors.open_reviews(org)
    loads: dict[int | None, list[selectors.DueReview]] = {}
    for due in found:
        loads.setdefault(due.review.reviewer_id, []).append(due)
    by_reviewer = sorted(
        (ReviewerLoad(items[0].review.reviewer, len(items), sum(1 for d in items if d.clock.overdue))
         for items in loads.values()),
        key=lambda load: (-load.overdue, -load.waiting, load.reviewer is None,
                          load.reviewer.user.display_name if load.reviewer else ""))
    return ReviewQueue(open=len(found), overdue=sum(1 for d in found if d.clock.overdue),
                       due_soon=sum(1 for d in found if not d.clock.overdue and d.clock.working_days_left <= soon),
                       by_reviewer=by_reviewer, urgent=found[:QUEUE_LENGTH], soon=soon)


@dataclass(frozen=True)
class PhaseRow:
    phase: str
    label: str
    total: int
    by_health: dict[str, int] = field(default_factory=dict)


def initiatives_by_phase(org: Organization) -> list[PhaseRow]:
    """How many initiatives each phase holds, split by health (one grouped query); empty phases left out."""
    counts: Counter[tuple[str, str]] = Counter()
    rows = Initiative.objects.for_org(org).order_by().values("phase", "health").annotate(n=Count("id"))
    for row in rows:
        counts[(row["phase"], row["health"])] = row["n"]
    out = []
    for phase in Phase:
        by_health = {h.value: counts[(phase.value, h.value)] for h in Health}
        if sum(by_health.values()):
            out.append(PhaseRow(phase.value, str(phase.label), sum(by_health.values()), by_health))
    return out


def objectives_with_progress(org: Organization) -> list[Objective]:
    """The objectives by reference with their key results loaded, so `progress` costs no query (two queries)."""
    return list(Objective.objects.for_org(org).prefetch_related(
        Prefetch("key_results", queryset=KeyResult.objects.for_org(org).order_by("pk"))).order_by("number"))


def cio_panel(org: Organization) -> dict[str, Any]:
    """The CIO's panel: objectives with their progress, initiatives by phase and health, this year's budget
    against actual, the reviews waiting by reviewer, and the systems reaching end of support."""
    return {"objectives": objectives_with_progress(org), "phases": initiatives_by_phase(org),
            "healths": [(h.value, str(h.label)) for h in Health], "costs": selectors_costs.cost_summary(org),
            "reviews": review_queue(org), "support": selectors_systems.support_ending(org)}


def review_panel(org: Organization) -> dict[str, Any]:
    """The review queue of whoever completes security reviews (the CISO's dashboard)."""
    return {"queue": review_queue(org)}
