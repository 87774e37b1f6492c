"""The roadmap: the initiatives on a timeline, grouped by the objective each serves, with their gates and
dependencies, a page of initiatives at a time. One read of a constant number of queries however many
initiatives; the page draws it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import F, Min
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from accord.core.clock import org_today
from accord.core.models import Organization
from accord.core.workdays import WorkCalendar
from accord.portfolio import rules
from accord.portfolio.choices import Gate
from accord.portfolio.models import Initiative, SecurityReview
from accord.portfolio.models_objectives import InitiativeObjective, Objective
from accord.portfolio.selectors import InitiativeFilter, initiatives, portfolio_settings, review_facts


@dataclass(frozen=True)
class RoadmapGate:
    """A gate on an initiative's row: the day it is due on the plan (approval: the start of delivery;
    go-live: the end), its state (`rules.gate_state`) and, while a review is open, its clock."""

    gate: str
    day: dt.date
    state: str
    clock: rules.Clock | None

    @property
    def words(self) -> str:
        """As people read it: "Approval gate: review overdue (due 2027-01-15)"."""
        states = {"passed": _("passed"), "cleared": _("review passed, not moved yet"),
                  "rejected": _("review rejected"), "overdue": _("review overdue"), "open": _("review open"),
                  "waiting": _("no review yet")}
        words = _("%(gate)s gate: %(state)s") % {"gate": Gate(self.gate).label, "state": states[self.state]}
        if self.clock is not None:
            words += " " + _("(due %(day)s)") % {"day": self.clock.due_on.isoformat()}
        return words


@dataclass(frozen=True)
class RoadmapRow:
    initiative: Initiative
    start: dt.date
    end: dt.date | None  # None: a single day (only one of its dates is known)
    gates: tuple[RoadmapGate, ...]
    first: bool  # its first row (an initiative serving two objectives has a row under each)


@dataclass(frozen=True)
class RoadmapSection:
    objective: Objective | None  # None: the initiatives that serve no objective
    rows: list[RoadmapRow]


@dataclass(frozen=True)
class Roadmap:
    sections: list[RoadmapSection]
    unscheduled: list[Initiative]  # no date at all: listed, not drawn
    links: list[tuple[Initiative, Initiative]]  # (needed, needing), both on this page
    today: dt.date
    page: Page[Any]  # the initiatives of this page, and how many there are in all

    @property
    def count(self) -> int:
        return self.page.paginator.count


def dates(initiative: Initiative) -> tuple[dt.date | None, dt.date | None]:
    """Where an initiative sits on the timeline: from its actual start (else planned) to its actual end
    (else planned); a single day when only one is known; an end before the start is read as that day."""
    start = initiative.actual_start or initiative.planned_start
    end = initiative.actual_end or initiative.planned_end
    if start is None:
        return end, None
    if end is not None and end < start:
        return start, None
    return start, end


def _gates(initiative: Initiative, start: dt.date, end: dt.date | None, *, gated: bool,
           found: list[SecurityReview], today: dt.date, calendar: WorkCalendar) -> tuple[RoadmapGate, ...]:
    facts = review_facts(found)
    out = []
    for gate, day in ((Gate.APPROVAL, start), (Gate.GO_LIVE, end)):
        if day is None:
            continue
        open_review = next((r for r in found if r.gate == gate and not r.is_complete), None)
        clock = rules.review_clock(open_review.due_on, today, calendar) if open_review is not None else None
        state = rules.gate_state(gate, initiative.phase, gated=gated, reviews=facts, open_clock=clock)
        if state is not None:
            out.append(RoadmapGate(gate, day, state, clock))
    return tuple(out)


#: Initiatives a page of the roadmap draws: its chart stays readable, and its cost the same at any size.
PER_PAGE = 25


def roadmap(org: Organization, filters: InitiativeFilter | None = None, *, page: int | str | None = 1,
            per_page: int = PER_PAGE) -> Roadmap:
    """`org`'s initiatives (narrowed by `filters`) on the roadmap, `per_page` at a time in the order of the
    first objective each serves, then their start: a section per objective in its order, each initiative
    under every objective it serves (heaviest first) and the rest under "no objective", ordered by start;
    gates from the phase rule and the reviews; the dependencies between the ones shown."""
    ordered_qs = initiatives(org, filters).annotate(
        first_objective=Min("objective_links__objective__number"),
        first_day=Coalesce("actual_start", "planned_start", "actual_end", "planned_end"),
    ).order_by(F("first_objective").asc(nulls_last=True), F("first_day").asc(nulls_last=True), "number")
    shown_page = Paginator(ordered_qs, per_page).get_page(page)
    found = list(shown_page.object_list)
    settings = portfolio_settings(org)
    gated_kinds = set(settings.gated_kinds)
    today, calendar = org_today(org), WorkCalendar.of(org)
    by_initiative: dict[int, list[SecurityReview]] = {}
    for review in (SecurityReview.objects.for_org(org).filter(initiative__in=[i.pk for i in found])
                   .order_by("initiative", "-opened_at", "-pk")):
        by_initiative.setdefault(review.initiative_id, []).append(review)
    sections: dict[int | None, RoadmapSection] = {}
    objectives: dict[int, Objective] = {}
    unscheduled: list[Initiative] = []
    placed: set[int] = set()
    for initiative in found:
        start, end = dates(initiative)
        if start is None:
            unscheduled.append(initiative)
            continue
        gates = _gates(initiative, start, end, gated=initiative.kind in gated_kinds,
                       found=by_initiative.get(initiative.pk, []),
                       today=today, calendar=calendar)
        served: list[InitiativeObjective | None] = [*initiative.objective_links.all()] or [None]
        for link in served:
            key = None if link is None else link.objective_id
            if link is not None:
                objectives[link.objective_id] = link.objective
            section = sections.setdefault(key, RoadmapSection(None if link is None else link.objective, []))
            section.rows.append(RoadmapRow(initiative, start, end, gates, first=initiative.pk not in placed))
            placed.add(initiative.pk)
    ordered = [sections[pk] for pk in sorted(objectives, key=lambda pk: objectives[pk].number)]
    if None in sections:
        ordered.append(sections[None])
    for section in ordered:
        section.rows.sort(key=lambda row: (row.start, row.initiative.number))
    shown = {i.pk: i for i in found if i.pk in placed}
    links = [(shown[needed.pk], initiative) for initiative in shown.values()
             for needed in initiative.dependencies.all() if needed.pk in shown]
    return Roadmap(ordered, unscheduled, links, today, shown_page)
