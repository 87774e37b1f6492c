"""Tenant-scoped reads of the portfolio: initiatives (filtered), one initiative, its reviews, conditions and
gate exceptions, where its gate stands (with the review clock), the reviews due across the organisation,
its financials and the portfolio settings. Every front renders these answers; none recomputes them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404

from accord.core.approvals import rules as approvals
from accord.core.approvals.rules import SignatureState
from accord.core.clock import org_today
from accord.core.history import names_by_id
from accord.core.inputs import INT64_MAX
from accord.core.models import GovernanceProfile, Membership, Organization
from accord.core.workdays import WorkCalendar
from accord.portfolio import rules
from accord.portfolio.choices import (
    DEFAULT_CHECKLIST,
    DEFAULT_DISCOUNT_RATE,
    DEFAULT_REVIEW_TARGET_DAYS,
    ConditionStatus,
    ExceptionStatus,
    InitiativeKind,
)
from accord.portfolio.models import (
    ExceptionSignature,
    GateException,
    Initiative,
    InitiativeBudget,
    PortfolioSettings,
    ReviewCondition,
    SecurityReview,
)
from accord.portfolio.models_objectives import InitiativeObjective

if TYPE_CHECKING:  # the financials engine (NumPy) is imported where a figure is asked for
    from accord.portfolio import financials


def portfolio_settings(org: Organization) -> PortfolioSettings:
    """The organisation's portfolio settings, or the defaults (unsaved) when it never changed them: every
    kind gated, 10 working days, 8%, the default checklist."""
    found = PortfolioSettings.objects.for_org(org).first()
    if found is not None:
        return found
    return PortfolioSettings(organization=org, review_target_days=DEFAULT_REVIEW_TARGET_DAYS,
                             discount_rate=DEFAULT_DISCOUNT_RATE, gated_kinds=list(InitiativeKind.values),
                             checklist=[list(item) for item in DEFAULT_CHECKLIST])


@dataclass(frozen=True)
class InitiativeFilter:
    kind: str = ""
    phase: str = ""
    health: str = ""
    owner: int | None = None
    q: str = ""
    objective: int | None = None  # the initiatives that contribute to this objective


def _people(qs: QuerySet[Initiative]) -> QuerySet[Initiative]:
    return qs.select_related("sponsor__user", "owner__user")


def initiatives(org: Organization, filters: InitiativeFilter | None = None) -> QuerySet[Initiative]:
    """`org`'s initiatives by reference, narrowed by `filters`, with sponsor, owner, dependencies, linked
    risks, the systems they affect and the objectives they serve loaded (a constant number of queries
    whatever the length)."""
    f = filters or InitiativeFilter()
    served = InitiativeObjective.objects.for_org(org).select_related("objective").order_by("-weight", "objective")
    qs = _people(Initiative.objects.for_org(org)).prefetch_related(
        "dependencies", "risks", "systems", Prefetch("objective_links", queryset=served))
    if f.kind:
        qs = qs.filter(kind=f.kind)
    if f.phase:
        qs = qs.filter(phase=f.phase)
    if f.health:
        qs = qs.filter(health=f.health)
    if f.owner is not None:
        qs = qs.filter(owner_id=f.owner)
    if f.q:
        qs = qs.filter(Q(title__icontains=f.q) | Q(description__icontains=f.q))
    if f.objective is not None:
        qs = qs.filter(pk__in=InitiativeObjective.objects.for_org(org).filter(objective_id=f.objective)
                       .values("initiative_id"))
    return qs.order_by("number")


def access_initiative(org: Organization, initiative_id: int | str) -> Initiative:
    """One initiative of `org`, or 404 (missing and another organisation's answer the same)."""
    try:
        pk = int(initiative_id)
    except (TypeError, ValueError):
        raise Http404("No such initiative.") from None
    found = initiatives(org).filter(pk=pk).first() if 0 < pk <= INT64_MAX else None
    if found is None:
        raise Http404("No such initiative.")
    return found


def reviews(org: Organization, initiative: Initiative) -> QuerySet[SecurityReview]:
    """An initiative's security reviews, newest first, with their conditions and people loaded."""
    conditions = ReviewCondition.objects.for_org(org).select_related("owner__user")
    return (SecurityReview.objects.for_org(org).filter(initiative=initiative)
            .select_related("reviewer__user", "opened_by", "completed_by")
            .prefetch_related(Prefetch("conditions", queryset=conditions)))


def access_review(org: Organization, initiative: Initiative, review_id: int) -> SecurityReview:
    found = reviews(org, initiative).filter(pk=review_id).first()
    if found is None:
        raise Http404("No such security review.")
    return found


def access_condition(org: Organization, initiative: Initiative, condition_id: int) -> ReviewCondition:
    found = (ReviewCondition.objects.for_org(org).filter(pk=condition_id, review__initiative=initiative)
             .select_related("review").first())
    if found is None:
        raise Http404("No such condition.")
    return found


def open_conditions(org: Organization, initiative: Initiative) -> QuerySet[ReviewCondition]:
    return (ReviewCondition.objects.for_org(org).filter(review__initiative=initiative, status=ConditionStatus.OPEN)
            .select_related("owner__user"))


def gate_exceptions(org: Organization, initiative: Initiative) -> QuerySet[GateException]:
    signatures = ExceptionSignature.objects.for_org(org).select_related("user")
    return (GateException.objects.for_org(org).filter(initiative=initiative).select_related("created_by")
            .prefetch_related(Prefetch("signatures", queryset=signatures)))


def access_exception(org: Organization, initiative: Initiative, exception_id: int) -> GateException:
    found = gate_exceptions(org, initiative).filter(pk=exception_id).first()
    if found is None:
        raise Http404("No such gate exception.")
    return found


def exception_required_slots(exception: GateException, profile: GovernanceProfile) -> list[str]:
    """Who must sign: while pending, whom the governance profile names now; once decided, the slots recorded."""
    if exception.status == ExceptionStatus.PENDING:
        return rules.exception_slots(profile)
    return list(exception.required_signatories)


def _members(org: Organization) -> list[Membership]:
    return list(Membership.objects.for_org(org).select_related("user"))


def exception_signature_state(org: Organization, exception: GateException, *, people: bool = False,
                              profile: GovernanceProfile | None = None) -> SignatureState:
    """Where a gate exception's signatures stand: the one answer the fronts and the signing service read
    (reads `exception.signatures`: prefetch them with their users for lists)."""
    profile = profile or GovernanceProfile.objects.for_org(org).get()
    is_open = exception.status == ExceptionStatus.PENDING
    return approvals.signature_state(exception_required_slots(exception, profile), list(exception.signatures.all()),
                                     is_open=is_open, members=_members(org) if people and is_open else None)


def review_facts(found: Iterable[SecurityReview]) -> list[rules.ReviewFacts]:
    return [rules.ReviewFacts(gate=r.gate, complete=r.is_complete, outcome=r.outcome) for r in found]


@dataclass(frozen=True)
class GateStatus:
    """Where an initiative stands at its gate: the gate ahead (None: no gate in this phase or kind not
    gated), the review open for it with its clock, the gate's latest completed review, whether the gate is
    open (and by an exception), and the refusal of the gated move while it is shut."""

    gate: str | None
    next_phase: str | None
    open_review: SecurityReview | None
    clock: rules.Clock | None
    last_completed: SecurityReview | None
    is_open: bool
    by_exception: bool
    pending_exception: GateException | None
    refusal: str | None
    reviews: list[SecurityReview] = field(default_factory=list)


def gate_status(org: Organization, initiative: Initiative, *,
                settings: PortfolioSettings | None = None) -> GateStatus:
    """The gate status every front shows (a few queries, for one initiative's page or answer)."""
    settings = settings or portfolio_settings(org)
    found = list(reviews(org, initiative))
    gate = rules.current_gate(initiative.phase, initiative.kind, settings.gated_kinds)
    if gate is None:
        return GateStatus(None, None, None, None, None, is_open=True, by_exception=False, pending_exception=None,
                          refusal=None, reviews=found)
    next_phase = next(dst for (src, dst), g in rules.GATED_MOVES.items() if g == gate)
    mine = [r for r in found if r.gate == gate]
    open_review = next((r for r in mine if not r.is_complete), None)
    last = next((r for r in mine if r.is_complete), None)
    exceptions = list(GateException.objects.for_org(org).filter(initiative=initiative, gate=gate)
                      .exclude(status=ExceptionStatus.WITHDRAWN))
    in_force = any(e.status == ExceptionStatus.IN_FORCE for e in exceptions)
    pending = next((e for e in exceptions if e.status == ExceptionStatus.PENDING), None)
    facts = review_facts(found)
    refusal = rules.refusal(initiative.phase, next_phase, initiative.kind, settings.gated_kinds, facts,
                            exception_in_force=in_force)
    clock = (rules.review_clock(open_review.due_on, org_today(org), WorkCalendar.of(org))
             if open_review is not None else None)
    reviewed = rules.gate_open(gate, facts, exception_in_force=False)
    return GateStatus(gate, next_phase, open_review, clock, last, is_open=refusal is None,
                      by_exception=in_force and not reviewed, pending_exception=pending, refusal=refusal,
                      reviews=found)


@dataclass(frozen=True)
class DueReview:
    review: SecurityReview
    clock: rules.Clock


def open_reviews(org: Organization) -> list[DueReview]:
    """Every open security review of `org` with its clock, the most urgent first (dashboards)."""
    today = org_today(org)
    qs = (SecurityReview.objects.for_org(org).filter(completed_at__isnull=True)
          .select_related("initiative", "reviewer__user").order_by("due_on", "pk"))
    calendar = WorkCalendar.of(org)
    return [DueReview(r, rules.review_clock(r.due_on, today, calendar)) for r in qs]


def budgets(org: Organization, initiative: Initiative) -> QuerySet[InitiativeBudget]:
    return InitiativeBudget.objects.for_org(org).filter(initiative=initiative).order_by("year")


def first_year(initiative: Initiative, lines: list[InitiativeBudget], today: dt.date) -> int:
    """Year 0 of the horizon: the first budget year, else the planned start's year, else this year."""
    if lines:
        return min(line.year for line in lines)
    return (initiative.planned_start or today).year


@dataclass(frozen=True)
class InitiativeFinancials:
    """The financials engine's answer for one initiative, with the years it covers and the rate used."""

    first_year: int
    years: list[int]
    costs: list[int]
    rate: float
    figures: financials.Financials


def initiative_financials(org: Organization, initiative: Initiative, *,
                          settings: PortfolioSettings | None = None) -> InitiativeFinancials:
    """TCO, NPV, payback and P(NPV < 0) of `initiative` over its horizon (`accord.portfolio.financials`)."""
    from accord.portfolio import financials  # NumPy and the engine's distributions: loaded when a figure is asked

    settings = settings or portfolio_settings(org)
    lines = list(budgets(org, initiative))
    start = first_year(initiative, lines, org_today(org))
    years = [start + t for t in range(initiative.horizon_years)]
    by_year = {line.year: line.capex + line.opex for line in lines}
    costs = [by_year.get(year, 0) for year in years]
    rate = float(settings.discount_rate)
    figures = financials.evaluate(costs, initiative.benefit_low, initiative.benefit_high, rate)
    return InitiativeFinancials(start, years, costs, rate, figures)


def initiatives_held_by(org: Organization, membership: Membership) -> QuerySet[Initiative]:
    return Initiative.objects.for_org(org).filter(Q(sponsor=membership) | Q(owner=membership))


def member_holdings(org: Organization, membership: Membership) -> list[str]:
    """What `membership` holds in the portfolio, one line an object ("I-001 Cloud move: sponsor, owner")."""
    lines = []
    for item in initiatives_held_by(org, membership):
        roles = [name for name, pk in (("sponsor", item.sponsor_id), ("owner", item.owner_id)) if pk == membership.pk]
        lines.append(f"{item.ref} {item.title}: {', '.join(roles)}")
    for review in SecurityReview.objects.for_org(org).filter(reviewer=membership).select_related("initiative"):
        lines.append(f"{review.initiative.ref} {review.get_gate_display()} review: reviewer")
    for condition in ReviewCondition.objects.for_org(org).filter(owner=membership):
        lines.append(f"Condition '{condition.title}': owner")
    return lines


def initiative_names(org: Organization, ids: set[str]) -> dict[str, str]:
    """References and titles of some initiatives, by id as text (how the audit trail names them; one query
    even for no ids)."""
    return names_by_id(Initiative.objects.for_org(org).only("number", "title"), ids, str)
