"""Reads of the risk register, always for one organisation. Flags are computed in SQL, once, by the
register's query (`annotated_risks`), and every front reads them from there:
`above_tolerance` (residual level above the signed appetite for the risk's category),
`accepted` (an acceptance in force: fully signed and not expired today, in the organisation's time
zone), `effective_status` (the status the register shows: "accepted" while an acceptance is in force
and the risk is not closed, the stored status otherwise; "accepted" is never stored,
docs/decisions/0021-accepted-is-derived.md), `review_overdue` (an open risk whose next review is
before today) and `treatment_overdue` (an open, not accepted risk whose treatment was due before today;
derived on the risk from `accepted` and `treatment_late`, so the query computes `accepted` once).

Archived risks (decision 0015) are out of every read unless it asks for them: `register_risks` is the one
place that says which risks a read starts from."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.http import Http404

from accord.core import history
from accord.core.approvals import rules as approvals
from accord.core.approvals.rules import SignatureState
from accord.core.clock import org_today
from accord.core.models import GovernanceProfile, Membership, Organization, User
from accord.risks.choices import LEVEL_RANK, AcceptanceStatus, AppetiteStatus, Level, RaisedBy, RiskStatus
from accord.risks.models import AppetiteOpinion, Risk, RiskAcceptance, RiskAppetite, RiskCategory, RiskMatrix
from accord.risks.rules import acceptance_required_slots, appetite_required_slots

SORTS = {
    "ref": "number", "-ref": "-number", "title": "title", "-title": "-title",
    "level": "residual_rank", "-level": "-residual_rank", "review": "next_review", "-review": "-next_review",
    "updated": "updated_at", "-updated": "-updated_at", "category": "category__position",
    "-category": "-category__position", "status": "register_status", "-status": "-register_status",
}
#: Orders by a figure of the simulated register (the residual ALE, P90), applied by
#: `money_order.ordered_risks`; `risks()` alone leaves such a register in reference order.
MONEY_SORTS = ("ale", "-ale", "p90", "-p90")
#: Every order the register, the API and exports accept.
SORT_KEYS = (*SORTS, *MONEY_SORTS)


@dataclass(frozen=True)
class RiskFilter:
    """The register's filters, shared by the page, the API and exports."""

    q: str = ""
    category: str = ""
    owner: int | None = None
    level: str = ""
    status: str = ""
    above_tolerance: bool | None = None
    overdue_review: bool = False
    inherent_cell: tuple[int, int] | None = None
    residual_cell: tuple[int, int] | None = None
    tags: tuple[str, ...] = field(default_factory=tuple)
    sort: str = "ref"
    archived: bool = False  # True: the archived risks instead of the register


def current_matrix(org: Organization) -> RiskMatrix:
    return RiskMatrix.objects.for_org(org).get(is_current=True)


def matrix_history(org: Organization) -> QuerySet[RiskMatrix]:
    return RiskMatrix.objects.for_org(org).order_by("-version")


def categories(org: Organization, *, active_only: bool = False) -> QuerySet[RiskCategory]:
    qs = RiskCategory.objects.for_org(org).order_by("position", "name")
    return qs.filter(active=True) if active_only else qs


def appetite_in_force(org: Organization) -> RiskAppetite | None:
    return RiskAppetite.objects.for_org(org).filter(status=AppetiteStatus.IN_FORCE).first()


def appetite_draft(org: Organization) -> RiskAppetite | None:
    return RiskAppetite.objects.for_org(org).filter(status=AppetiteStatus.DRAFT).first()


def appetite_versions(org: Organization) -> QuerySet[RiskAppetite]:
    return RiskAppetite.objects.for_org(org).prefetch_related("signatures__user", "opinions__user").order_by(
        "-version")


def appetite_opinions(org: Organization, appetite: RiskAppetite) -> QuerySet[AppetiteOpinion]:
    """The consultees' opinions on one appetite version, oldest first, with their authors."""
    return AppetiteOpinion.objects.for_org(org).filter(appetite=appetite).select_related("user").order_by(
        "created_at", "pk")


def access_appetite(org: Organization, version: int) -> RiskAppetite:
    appetite = appetite_versions(org).filter(version=version).first()
    if appetite is None:
        raise Http404("No such appetite version.")
    return appetite


def _tolerance_ranks(org: Organization, appetite: RiskAppetite | None = None) -> dict[int, int]:
    """category id → highest acceptable residual rank, under `appetite` (default: the appetite in force)."""
    return _ranks_under(org, appetite or appetite_in_force(org))


def _ranks_under(org: Organization, appetite: RiskAppetite | None) -> dict[int, int]:
    """category id → highest acceptable residual rank under `appetite` (none: no tolerance set)."""
    if appetite is None:
        return {}
    # Unordered: the model's ordering would join the organisation for a dict that does not need it.
    ids = dict(RiskCategory.objects.for_org(org).order_by().values_list("key", "id"))
    return {ids[k]: LEVEL_RANK[Level(v)] for k, v in appetite.category_levels.items() if k in ids}


def _above_expression(ranks: dict[int, int], prefix: str = "") -> Any:
    """Above tolerance, from the risk (`prefix` reaches it from another model: "risk__"): one `When` per
    tolerated rank (the categories that share it, by `IN`), not one per category, so that the register's
    query stays cheap to build and compile."""
    if not ranks:
        return Value(False, output_field=BooleanField())
    categories_by_rank: dict[int, list[int]] = {}
    for category_id, rank in ranks.items():
        categories_by_rank.setdefault(rank, []).append(category_id)
    return Case(
        *[When(Q(**{f"{prefix}category_id__in": sorted(ids), f"{prefix}residual_rank__gt": rank}), then=Value(True))
          for rank, ids in sorted(categories_by_rank.items())],
        default=Value(False), output_field=BooleanField(),
    )


def in_force_q(today: dt.date) -> Q:
    """The one definition of an acceptance in force on `today`, as a filter of acceptances that carry
    their risk's `risk_rank`, `risk_category` and `risk_above` (`_with_risk_facts`): fully signed
    (stored `in_force`), not past its expiry date, and still covering the risk it was signed for: the
    risk's residual no higher than the level recorded at request time, in the same category, and, when
    it was judged within tolerance then (so fewer people signed), within tolerance still."""
    return (Q(status=AcceptanceStatus.IN_FORCE, expires_on__gte=today, residual_rank__gte=F("risk_rank"),
              category_id=F("risk_category"))
            & (Q(above_tolerance_when_requested=True) | Q(risk_above=False)))


def _with_risk_facts(qs: QuerySet[RiskAcceptance], *, rank: Any, category: Any, above: Any) -> QuerySet[Any]:
    return qs.alias(risk_rank=rank, risk_category=category, risk_above=above)


def _accepted_expression(org: Organization, today: dt.date) -> Exists:
    """An acceptance covers the risk (in a query of risks that annotates `above_tolerance` first)."""
    return Exists(_with_risk_facts(
        RiskAcceptance.objects.for_org(org).filter(risk=OuterRef("pk")),
        rank=OuterRef("residual_rank"), category=OuterRef("category_id"),
        above=ExpressionWrapper(OuterRef("above_tolerance"), output_field=BooleanField()),
    ).filter(in_force_q(today)))


def _effective_status_expression() -> Case:
    """The status the register shows: accepted while an acceptance is in force, unless the risk is closed
    (on the register's query: it reads the `accepted` annotation, resolved once)."""
    return Case(When(Q(accepted=True) & ~Q(status=RiskStatus.CLOSED), then=Value(RiskStatus.ACCEPTED.value)),
                default=F("status"), output_field=CharField())


#: Statuses whose review or treatment is never overdue: a closed risk needs neither. An accepted risk's
#: treatment is its acceptance (`accepted`, derived; its review still falls due).
NO_REVIEW_DUE = (RiskStatus.CLOSED,)
NO_TREATMENT_DUE = (RiskStatus.CLOSED,)


def _flag(condition: Q) -> Case:
    return Case(When(condition, then=Value(True)), default=Value(False), output_field=BooleanField())


def review_overdue_q(today: dt.date) -> Q:
    """An open risk whose next review is before `today` (the organisation's date)."""
    return Q(next_review__lt=today) & ~Q(status__in=NO_REVIEW_DUE)


def treatment_late_q(today: dt.date) -> Q:
    """An open risk whose treatment was due before `today`: overdue unless an acceptance is in force."""
    return Q(treatment_due__lt=today) & ~Q(status__in=NO_TREATMENT_DUE)


def treatment_overdue_q(today: dt.date) -> Q:
    """An open, not accepted risk whose treatment was due before `today` (on the register's query: it
    reads the `accepted` annotation). `Risk.treatment_overdue` is the same rule on a risk the query read."""
    return treatment_late_q(today) & Q(accepted=False)


def register_risks(org: Organization, *, archived: bool | None = False) -> QuerySet[Risk]:
    """The risks of `org` a read starts from: those in the register (`archived=False`, every list, count,
    chart, export and the money view), the archived ones (`True`), or both (`None`: one risk by its key)."""
    qs = Risk.objects.for_org(org)
    if archived is None:
        return qs
    return qs.filter(archived_at__isnull=not archived)


def annotated_risks(org: Organization, *, archived: bool | None = False,
                    ranks: dict[int, int] | None = None) -> QuerySet[Any]:
    """The risks of `org` (see `register_risks`) with `above_tolerance`, `accepted`, `review_overdue` and
    `treatment_late`, owner and category joined: the one place these flags are computed. `register_status`
    (the effective status) is an alias that filters and sorts; on each risk read, `Risk.effective_status` and
    `Risk.treatment_overdue` derive the same answers from `accepted`. Only `accepted` is selected: SQL
    repeats an expression wherever an annotation is used, and the EXISTS of `accepted` (with the tolerance
    CASE inside it) was written three times in each register query (`accepted`, the effective status and
    `treatment_overdue`).
    `ranks`: the tolerance of the appetite in force (`_tolerance_ranks`), when the caller has read it already."""
    today = org_today(org)
    return (
        register_risks(org, archived=archived)
        .select_related("category", "owner__user", "treatment_owner__user", "archived_by")
        .annotate(above_tolerance=_above_expression(_tolerance_ranks(org) if ranks is None else ranks))
        .annotate(accepted=_accepted_expression(org, today))
        .alias(register_status=_effective_status_expression())
        .annotate(review_overdue=_flag(review_overdue_q(today)), treatment_late=_flag(treatment_late_q(today)))
    )


def risks(org: Organization, filters: RiskFilter | None = None) -> QuerySet[Any]:
    """The register filtered and sorted."""
    f = filters or RiskFilter()
    qs = annotated_risks(org, archived=f.archived)
    if f.q:
        text = f.q.strip()
        q = Q(title__icontains=text) | Q(description__icontains=text)
        number = parse_risk_reference(text)
        if number is not None:
            q |= Q(number=number)
        qs = qs.filter(q)
    if f.category:
        qs = qs.filter(category__key=f.category)
    if f.owner:
        qs = qs.filter(owner_id=f.owner)
    if f.level:
        # The rank carries the level and leads an index; filtering on the text column does not.
        qs = qs.filter(residual_rank=LEVEL_RANK.get(Level(f.level), 0) if f.level in Level.values else 0)
    if f.status:
        qs = qs.filter(register_status=f.status)
    if f.above_tolerance is not None:
        qs = qs.filter(above_tolerance=f.above_tolerance)
    if f.overdue_review:
        qs = qs.filter(review_overdue_q(org_today(org)))  # the annotation's condition, as an indexable filter
    if f.inherent_cell:
        qs = qs.filter(inherent_likelihood=f.inherent_cell[0], inherent_impact=f.inherent_cell[1])
    if f.residual_cell:
        qs = qs.filter(residual_likelihood=f.residual_cell[0], residual_impact=f.residual_cell[1])
    for tag in f.tags:
        # Tags are a JSON list of strings: match the quoted item in its text, on SQLite and PostgreSQL alike.
        qs = qs.filter(tags__icontains=f'"{tag}"')
    order = SORTS.get(f.sort, "number")
    return qs.order_by(order, "number") if order not in ("number", "-number") else qs.order_by(order)


_MAX_NUMBER = 2**31 - 1  # Risk.number is a PositiveIntegerField
_MAX_ID = 2**63 - 1  # a BigAutoField


def parse_risk_reference(text: str) -> int | None:
    """The number of a risk reference, `R-001` or `r-1` (any case, leading zeros optional), or None
    when `text` is not one."""
    text = text.strip()
    if text[:2].upper() != "R-" or not text[2:].isascii() or not text[2:].isdigit():
        return None
    number = int(text[2:])
    return number if 0 < number <= _MAX_NUMBER else None


def risk_key_lookup(key: int | str, prefix: str = "") -> Q | None:
    """The filter a risk key names: an id (45, "45") or a reference ("R-001", "r-1"); None for a key that
    is neither. `prefix` reaches the risk through a relation ("risk__")."""
    if isinstance(key, int) or (key.isascii() and key.isdigit()):
        risk_id = int(key)
        return Q(**{f"{prefix}pk": risk_id}) if 0 < risk_id <= _MAX_ID else None
    number = parse_risk_reference(key)
    return Q(**{f"{prefix}number": number}) if number is not None else None


def access_risk(org: Organization, key: int | str) -> Risk:
    """One risk of `org` with its flags, named by its id (45, "45") or its reference ("R-001", "r-1"),
    or 404: a key that is neither, or names no risk of `org`, is missing, whoever asks. An archived risk
    is found too (its page, its history, its restoration)."""
    lookup = risk_key_lookup(key)
    risk = annotated_risks(org, archived=None).filter(lookup).first() if lookup is not None else None
    if risk is None:
        raise Http404("No such risk.")
    return risk


def risks_held_by(org: Organization, membership: Membership) -> QuerySet[Risk]:
    """The risks `membership` owns or treats, archived ones included (what they hand over on leaving)."""
    return (Risk.objects.for_org(org).filter(Q(owner=membership) | Q(treatment_owner=membership))
            .order_by("number"))


def member_holdings(org: Organization, membership: Membership) -> list[str]:
    """What `membership` holds in the register, one line a risk: "R-001 Ransomware: owner, treatment owner"."""
    lines = []
    for risk in risks_held_by(org, membership).only("pk", "number", "title", "owner_id", "treatment_owner_id",
                                                    "archived_at"):
        roles = [name for name, pk in (("owner", risk.owner_id), ("treatment owner", risk.treatment_owner_id))
                 if pk == membership.pk]
        lines.append(f"{risk.ref} {risk.title}{' (archived)' if risk.archived_at else ''}: {', '.join(roles)}")
    return lines


def risk_titles(org: Organization, risk_ids: Collection[int]) -> dict[int, str]:
    """Titles of some of `org`'s risks, by id (one query)."""
    return dict(Risk.objects.for_org(org).filter(pk__in=list(risk_ids)).values_list("pk", "title"))


@dataclass(frozen=True)
class ToleranceChanges:
    """What putting `draft` in force would change in the register: open risks newly above tolerance and
    those no longer above (each with its `above_tolerance` and `accepted` flags as they stand), and how
    many open risks are above under the version in force and under the draft."""

    newly_above: list[Risk]
    no_longer_above: list[Risk]
    above_in_force: int
    above_draft: int


def tolerance_changes(org: Organization, draft: RiskAppetite) -> ToleranceChanges:
    """The register judged against `draft` beside the appetite in force, by the same SQL rule as the
    `above_tolerance` flag (`_above_expression`), in a fixed number of queries."""
    qs = (annotated_risks(org).exclude(status=RiskStatus.CLOSED)
          .annotate(above_draft=_above_expression(_tolerance_ranks(org, draft))))
    order = ("-residual_rank", "number")
    counts = qs.order_by().aggregate(in_force=Count("id", filter=Q(above_tolerance=True)),
                                     draft=Count("id", filter=Q(above_draft=True)))
    return ToleranceChanges(
        newly_above=list(qs.filter(above_draft=True, above_tolerance=False).order_by(*order)),
        no_longer_above=list(qs.filter(above_draft=False, above_tolerance=True).order_by(*order)),
        above_in_force=counts["in_force"], above_draft=counts["draft"],
    )


def is_above_tolerance(org: Organization, risk: Risk) -> bool:
    rank = _tolerance_ranks(org).get(risk.category_id)
    return rank is not None and risk.residual_rank > rank


@dataclass(frozen=True)
class Heatmap:
    """Risk counts per matrix cell, inherent and residual: `grid[l-1][i-1]`."""

    matrix: RiskMatrix
    inherent: list[list[int]]
    residual: list[list[int]]


def heatmap(org: Organization, filters: RiskFilter | None = None, *, residual_only: bool = False) -> Heatmap:
    """Counts per cell in one grouped query per grid, whatever the number of risks
    (`residual_only` leaves the inherent grid at zero and skips its query)."""
    matrix = current_matrix(org)
    n_l, n_i = matrix.size
    base = risks(org, filters).order_by()
    grids = []
    for like, imp in (("inherent_likelihood", "inherent_impact"), ("residual_likelihood", "residual_impact")):
        grid = [[0] * n_i for _ in range(n_l)]
        if residual_only and like.startswith("inherent"):
            grids.append(grid)
            continue
        for row in base.values(like, imp).annotate(n=Count("id")):
            if 1 <= row[like] <= n_l and 1 <= row[imp] <= n_i:
                grid[row[like] - 1][row[imp] - 1] = row["n"]
        grids.append(grid)
    return Heatmap(matrix=matrix, inherent=grids[0], residual=grids[1])


def acceptances(org: Organization, risk: Risk | None = None, *,
                ranks: dict[int, int] | None = None) -> QuerySet[RiskAcceptance]:
    """Acceptances with `state`: their stored status; `expired` once past their date; `exceeded` once an
    acceptance in force no longer covers its risk (`in_force_q`: the risk changed since the signatures).
    `ranks`: as for `annotated_risks`."""
    today = org_today(org)
    qs = RiskAcceptance.objects.for_org(org).select_related("risk", "withdrawn_by", "category").prefetch_related(
        "signatures__user")
    if risk is not None:
        qs = qs.filter(risk=risk)
    qs = _with_risk_facts(qs, rank=F("risk__residual_rank"), category=F("risk__category_id"),
                          above=_above_expression(_tolerance_ranks(org) if ranks is None else ranks,
                                                  prefix="risk__"))
    return qs.annotate(state=Case(
        When(status=AcceptanceStatus.IN_FORCE, expires_on__lt=today, then=Value(AcceptanceStatus.EXPIRED.value)),
        When(Q(status=AcceptanceStatus.IN_FORCE) & ~in_force_q(today), then=Value(AcceptanceStatus.EXCEEDED.value)),
        default=F("status"), output_field=CharField(),
    )).order_by("-created_at")


#: How long before its end an acceptance in force is said to be expiring (its people are told once).
EXPIRING_WITHIN_DAYS = 30


def acceptances_expiring(org: Organization, *, within_days: int = EXPIRING_WITHIN_DAYS) -> QuerySet[RiskAcceptance]:
    """Acceptances in force (covering their risk) whose last day is within `within_days` from today."""
    today = org_today(org)
    # `state` is acceptances()'s annotation, which django-stubs cannot see.
    return acceptances(org).filter(state=AcceptanceStatus.IN_FORCE, expires_on__gte=today,  # type: ignore[misc]
                                   expires_on__lte=today + dt.timedelta(days=within_days))


def access_acceptance(org: Organization, risk: Risk, acceptance_id: int) -> RiskAcceptance:
    acceptance = acceptances(org, risk).filter(pk=acceptance_id).first()
    if acceptance is None:
        raise Http404("No such acceptance.")
    return acceptance


def signature_state(org: Organization, obj: RiskAppetite | RiskAcceptance, *, people: bool = False,
                    profile: GovernanceProfile | None = None) -> SignatureState:
    """Who must sign `obj` (an appetite version or an acceptance), who signed which slot, and which slots
    are awaited: the one answer the appetite page, the risk page, the dashboard, the API, the CLI and the
    signing services all read. `people` adds the members who could give an awaited signature (one query);
    pass the governance `profile` when it is at hand. Reads `obj.signatures` (prefetch them with
    their users for lists)."""
    if isinstance(obj, RiskAppetite):
        signatures = _signatures(obj)
        is_open, owner_id = obj.status == AppetiteStatus.DRAFT, None
        if is_open and profile is None:
            profile = GovernanceProfile.objects.for_org(org).get()
        required = appetite_required_slots(obj, profile)
    else:
        return acceptance_signature_state(obj, members=_members(org) if people else None)
    members = _members(org) if people and is_open else None
    return approvals.signature_state(required, signatures, is_open=is_open, members=members, owner_id=owner_id)


def _signatures(obj: RiskAppetite | RiskAcceptance) -> Any:
    """The object's signatures with their signers: the prefetched ones, else one query."""
    if "signatures" in getattr(obj, "_prefetched_objects_cache", {}):
        return obj.signatures.all()
    return obj.signatures.select_related("user")


def _members(org: Organization) -> QuerySet[Membership]:
    return Membership.objects.for_org(org).select_related("user").order_by("pk")


def acceptance_signature_state(acceptance: RiskAcceptance, *,
                               members: Iterable[Membership] | None = None) -> SignatureState:
    """`signature_state` of an acceptance, from the acceptance alone (its risk and signatures loaded, as
    `acceptances()` loads them), for lists: no query of its own."""
    state = getattr(acceptance, "state", acceptance.status)  # `acceptances()` annotates the expiry
    return approvals.signature_state(acceptance_required_slots(acceptance), _signatures(acceptance),
                                     is_open=state == AcceptanceStatus.PENDING, members=members,
                                     owner_id=acceptance.risk.owner_id)


@dataclass(frozen=True)
class AppetiteStatusSummary:
    """What the dashboard and the appetite page say of the appetite: in force (which version), and a
    draft awaiting whom (`signatures`: the draft's `signature_state`)."""

    in_force: RiskAppetite | None
    draft: RiskAppetite | None
    awaiting: list[str]
    awaiting_people: list[str]
    signatures: SignatureState | None = None


def appetite_status(org: Organization) -> AppetiteStatusSummary:
    return _appetite_status(org, appetite_in_force(org))


def _appetite_status(org: Organization, in_force: RiskAppetite | None) -> AppetiteStatusSummary:
    draft = appetite_draft(org)
    if draft is None:
        return AppetiteStatusSummary(in_force, None, [], [])
    state = signature_state(org, draft, people=True)
    return AppetiteStatusSummary(in_force, draft, state.awaiting_labels, list(state.awaiting_people), state)


@dataclass(frozen=True)
class Dashboard:
    by_level: dict[str, int]
    total: int
    above_tolerance: list[Risk]
    above_tolerance_accepted: int
    overdue_reviews: list[Risk]
    overdue_treatments: list[Risk]
    expiring_acceptances: list[RiskAcceptance]
    lapsed_acceptances: list[RiskAcceptance]
    appetite: AppetiteStatusSummary


DASHBOARD_LIST_LIMIT = 10


def dashboard(org: Organization) -> Dashboard:
    """The register's dashboard panels, in a fixed number of queries; the appetite in force and its
    tolerance are read once for all of them."""
    today = org_today(org)
    in_force = appetite_in_force(org)
    ranks = _ranks_under(org, in_force)
    open_risks = annotated_risks(org, ranks=ranks).exclude(status=RiskStatus.CLOSED)
    # Every count in one grouped query: a query over the annotated register costs more to compile than to
    # run. (An aggregate() over it would wrap the whole annotated query in a subquery and cost more.)
    rows = open_risks.order_by().values_list("residual_level").annotate(
        n=Count("id"), accepted_above=Count("id", filter=Q(above_tolerance=True, accepted=True)),
    ).values_list("residual_level", "n", "accepted_above")
    # Built once, for both lists.
    register_acceptances = acceptances(org, ranks=ranks).filter(risk__archived_at__isnull=True)
    counts: dict[str, int] = {}
    accepted_above = 0
    for level, n, above in rows:
        counts[level], accepted_above = n, accepted_above + above
    return Dashboard(
        by_level={level: counts.get(level, 0) for level in Level.values},
        total=sum(counts.values()),
        above_tolerance=list(open_risks.filter(above_tolerance=True, accepted=False).order_by(
            "-residual_rank", "number")[:DASHBOARD_LIST_LIMIT]),
        above_tolerance_accepted=accepted_above,
        overdue_reviews=list(open_risks.filter(review_overdue_q(today)).order_by("next_review")[:DASHBOARD_LIST_LIMIT]),
        overdue_treatments=list(open_risks.filter(treatment_overdue_q(today)).order_by(
            "treatment_due")[:DASHBOARD_LIST_LIMIT]),
        expiring_acceptances=list(register_acceptances.filter(
            Q(state=AcceptanceStatus.IN_FORCE),
            expires_on__lte=today + dt.timedelta(days=30)).order_by("expires_on")[:DASHBOARD_LIST_LIMIT]),
        # Lapsed: past their date, or no longer covering a risk that changed since the signatures.
        lapsed_acceptances=list(register_acceptances.filter(
            Q(state__in=(AcceptanceStatus.EXPIRED, AcceptanceStatus.EXCEEDED)),
        ).order_by("-expires_on")[:DASHBOARD_LIST_LIMIT]),
        appetite=_appetite_status(org, in_force),
    )


# --- added by the web UI (risks views): reading one category for its settings form ---------------

def access_category(org: Organization, category_id: int) -> RiskCategory:
    """One category of `org`, or 404."""
    category = categories(org).filter(pk=category_id).first()
    if category is None:
        raise Http404("No such category.")
    return category


# --- names for the audit trail (accord.risks.audit_types) ------------------------------------------------

def risk_refs(org: Organization, ids: set[str]) -> dict[str, str]:
    """Risks of `org` by id (as text) → their reference, R-001."""
    return history.names_by_id(Risk.objects.for_org(org).only("pk", "number"), ids, lambda r: r.ref)


def category_names(org: Organization, ids: set[str]) -> dict[str, str]:
    """Categories of `org` by id (as text) → their name."""
    return history.names_by_id(RiskCategory.objects.for_org(org).only("pk", "name"), ids, lambda c: c.name)


def acceptance_names(org: Organization, ids: set[str]) -> dict[str, str]:
    """Acceptances of `org` by id (as text) → "Acceptance of R-001"."""
    return history.names_by_id(RiskAcceptance.objects.for_org(org).select_related("risk").only("pk", "risk__number"),
                               ids, lambda a: f"Acceptance of {a.risk.ref}")


def appetite_names(org: Organization, ids: set[str]) -> dict[str, str]:
    """Appetite versions of `org` by id (as text) → "Risk appetite v2"."""
    return history.names_by_id(RiskAppetite.objects.for_org(org).only("pk", "version"), ids,
                               lambda a: f"Risk appetite v{a.version}")


def default_raised_by(org: Organization, actor: User | None) -> str:
    """The side of the house a new risk is raised by when nobody says: the adder's, when they are the CIO, the
    CISO or the DPO; the CISO's otherwise (a script, an admin, a contributor). The form's initial and the
    service's default both read it."""
    membership = Membership.objects.for_org(org).filter(user=actor).first() if actor is not None else None
    return membership.role if membership is not None and membership.role in RaisedBy.values else RaisedBy.CISO.value
