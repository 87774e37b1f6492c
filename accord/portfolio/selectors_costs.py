"""Tenant-scoped reads of the IT costs: budget lines (filtered, each with its actuals summed and its variance
by `rules.variance`), one line with its months, and the CIO's cost view of a year (run, change and security;
security as a share of IT spend; cost per initiative, per control and per system; the largest variances; the
months).
A constant number of queries whatever the number of lines; every front renders these answers."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Max, Q, QuerySet, Sum
from django.db.models.functions import Coalesce, ExtractMonth, ExtractYear
from django.http import Http404

from accord.compliance import rules as control_rules
from accord.compliance.models_controls import Control
from accord.core.clock import org_today
from accord.core.history import names_by_id
from accord.core.inputs import INT64_MAX
from accord.core.models import Organization
from accord.portfolio import rules
from accord.portfolio.choices import CostCategory, CostNature
from accord.portfolio.models import Initiative, InitiativeBudget
from accord.portfolio.models_costs import Actual, BudgetLine
from accord.portfolio.models_systems import System

#: How many lines the cost view lists as its largest variances.
TOP_VARIANCES = 5


@dataclass(frozen=True)
class LineFilter:
    year: int | None = None
    category: str = ""
    nature: str = ""
    initiative: int | None = None
    control: int | None = None
    system: int | None = None
    q: str = ""


def _annotated(org: Organization) -> QuerySet[BudgetLine]:
    return (BudgetLine.objects.for_org(org).select_related("initiative", "control", "system")
            .annotate(actual_total=Coalesce(Sum("actuals__amount"), 0)))


def last_actual_months(org: Organization) -> dict[int, dt.date]:
    """The last month with any actual booked, by year (one query)."""
    rows = (Actual.objects.for_org(org).annotate(y=ExtractYear("month")).order_by().values("y")
            .annotate(last=Max("month")).values_list("y", "last"))
    return dict(rows)


def months_covered(org: Organization, year: int, *, last: dict[int, dt.date] | None = None) -> int:
    """The months of `year` a budget is compared over (`rules.months_to_date`)."""
    last = last_actual_months(org) if last is None else last
    return rules.months_to_date(year, org_today(org), last.get(year))


def _with_figures(org: Organization, lines: list[BudgetLine], *,
                  last: dict[int, dt.date] | None = None) -> list[BudgetLine]:
    last = last_actual_months(org) if last is None else last
    today = org_today(org)
    for line in lines:
        months = rules.months_to_date(line.year, today, last.get(line.year))
        line.figures = rules.variance(line.amount, line.actual_total, months)  # type: ignore[attr-defined]
    return lines


def budget_lines(org: Organization, filters: LineFilter | None = None, *,
                 last: dict[int, dt.date] | None = None) -> list[BudgetLine]:
    """`org`'s budget lines by year and reference, narrowed by `filters`, each with `actual_total` (its
    actuals summed) and `figures` (`rules.Variance` over the months its year's actuals cover): two queries."""
    f = filters or LineFilter()
    qs = _annotated(org)
    if f.year is not None:
        qs = qs.filter(year=f.year)
    if f.category:
        qs = qs.filter(category=f.category)
    if f.nature:
        qs = qs.filter(nature=f.nature)
    if f.initiative is not None:
        qs = qs.filter(initiative_id=f.initiative)
    if f.control is not None:
        qs = qs.filter(control_id=f.control)
    if f.system is not None:
        qs = qs.filter(system_id=f.system)
    if f.q:
        qs = qs.filter(Q(title__icontains=f.q) | Q(notes__icontains=f.q))
    return _with_figures(org, list(qs.order_by("year", "number")), last=last)


def access_budget_line(org: Organization, line_id: int | str) -> BudgetLine:
    """One budget line of `org` with its figures, or 404 (missing and another organisation's answer the same)."""
    try:
        pk = int(line_id)
    except (TypeError, ValueError):
        raise Http404("No such budget line.") from None
    found = _annotated(org).filter(pk=pk).first() if 0 < pk <= INT64_MAX else None
    if found is None:
        raise Http404("No such budget line.")
    return _with_figures(org, [found])[0]


def line_actuals(org: Organization, line: BudgetLine) -> list[Actual]:
    """A line's actuals by month."""
    return list(Actual.objects.for_org(org).filter(budget_line=line).order_by("month"))


def budget_years(org: Organization) -> list[int]:
    """The years that have budget lines, newest first (one query)."""
    return list(BudgetLine.objects.for_org(org).order_by("-year").values_list("year", flat=True).distinct())


# --- the cost view ----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class CostRow:
    """One row of a breakdown: what it is (a category's label, an initiative, a control) and its figures;
    `reference` is what the thing itself plans for the year (an initiative's own budget, a control's yearly
    cost), None when it says nothing."""

    key: str
    label: str
    figures: rules.Variance
    reference: int | None = None
    obj: Initiative | Control | System | None = None


@dataclass(frozen=True)
class CostView:
    """The year's costs as the CIO reads them. `months`: the months the actuals cover (what budgets are
    compared over); `security_share` and `security_share_actual`: security's share of the IT budget and of
    the IT spend to date (None when there is none)."""

    year: int
    months: int
    currency: str
    total: rules.Variance
    by_category: list[CostRow]
    by_nature: list[CostRow]
    security_share: float | None
    security_share_actual: float | None
    per_initiative: list[CostRow]
    per_control: list[CostRow]
    per_system: list[CostRow]
    top_variances: list[BudgetLine]
    monthly: dict[str, list[int]] = field(default_factory=dict)  # category → actual of each month 1..12
    lines: list[BudgetLine] = field(default_factory=list)
    years: list[int] = field(default_factory=list)

    @property
    def line_count(self) -> int:
        return len(self.lines)


def _figures(line: BudgetLine) -> rules.Variance:
    figures: rules.Variance = line.figures  # type: ignore[attr-defined]  # set by `budget_lines`
    return figures


def _sum(lines: list[BudgetLine], months: int) -> rules.Variance:
    spent = sum(line.actual_total for line in lines)  # type: ignore[attr-defined]  # annotated by `_annotated`
    return rules.variance(sum(line.amount for line in lines), spent, months)


def cost_view(org: Organization, year: int) -> CostView:
    """The CIO's cost view of `year` (a constant number of queries)."""
    last = last_actual_months(org)
    lines = budget_lines(org, LineFilter(year=year), last=last)
    months = months_covered(org, year, last=last)
    by_category = [CostRow(c.value, str(c.label), _sum([ln for ln in lines if ln.category == c.value], months))
                   for c in CostCategory]
    by_nature = [CostRow(n.value, str(n.label), _sum([ln for ln in lines if ln.nature == n.value], months))
                 for n in CostNature]
    total = _sum(lines, months)
    security = next(r for r in by_category if r.key == CostCategory.SECURITY).figures
    per_initiative = _per_initiative(org, year, lines, months)
    per_control = _per_control(org, lines, months)
    per_system = _per_system(lines, months)
    top = sorted((ln for ln in lines if _figures(ln).variance),
                 key=lambda ln: (-abs(_figures(ln).variance), ln.number))[:TOP_VARIANCES]
    monthly: dict[str, list[int]] = {c.value: [0] * 12 for c in CostCategory}
    rows = (Actual.objects.for_org(org).filter(budget_line__year=year).annotate(m=ExtractMonth("month")).order_by()
            .values("budget_line__category", "m").annotate(total=Sum("amount"))
            .values_list("budget_line__category", "m", "total"))
    for category, month, amount in rows:
        monthly[category][month - 1] += amount
    return CostView(year=year, months=months, currency=org.currency, total=total, by_category=by_category,
                    by_nature=by_nature, security_share=rules.share_of(security.budget, total.budget),
                    security_share_actual=rules.share_of(security.actual, total.actual),
                    per_initiative=per_initiative, per_control=per_control, per_system=per_system,
                    top_variances=top, monthly=monthly,
                    lines=lines, years=budget_years(org))


def _per_initiative(org: Organization, year: int, lines: list[BudgetLine], months: int) -> list[CostRow]:
    groups: dict[int, list[BudgetLine]] = defaultdict(list)
    for line in lines:
        if line.initiative_id is not None:
            groups[line.initiative_id].append(line)
    planned = {b.initiative_id: b.capex + b.opex
               for b in InitiativeBudget.objects.for_org(org).filter(year=year, initiative_id__in=list(groups))}
    rows = [CostRow(str(group[0].initiative), str(group[0].initiative), _sum(group, months),
                    reference=planned.get(pk), obj=group[0].initiative) for pk, group in groups.items()]
    return sorted(rows, key=lambda r: -r.figures.budget)


def _per_control(org: Organization, lines: list[BudgetLine], months: int) -> list[CostRow]:
    groups: dict[int, list[BudgetLine]] = defaultdict(list)
    for line in lines:
        if line.control_id is not None:
            groups[line.control_id].append(line)
    rows = []
    for group in groups.values():
        control = group[0].control
        assert control is not None  # noqa: S101 - grouped by a control
        own = control_rules.yearly_cost(build_cost=control.build_cost, run_cost=control.run_cost,
                                        build_days=control.build_days, run_days=control.run_days,
                                        day_rate=org.day_rate)
        rows.append(CostRow(control.ref, str(control), _sum(group, months), reference=own or None, obj=control))
    return sorted(rows, key=lambda r: -r.figures.budget)


def _per_system(lines: list[BudgetLine], months: int) -> list[CostRow]:
    groups: dict[int, list[BudgetLine]] = defaultdict(list)
    for line in lines:
        if line.system_id is not None:
            groups[line.system_id].append(line)
    rows = []
    for group in groups.values():
        system = group[0].system
        assert system is not None  # noqa: S101 - grouped by a system
        rows.append(CostRow(system.ref, str(system), _sum(group, months), reference=system.yearly_cost or None,
                            obj=system))
    return sorted(rows, key=lambda r: -r.figures.budget)


@dataclass(frozen=True)
class CostSummary:
    """Budget against actual for the dashboard: this year's totals and the security share."""

    year: int
    total: rules.Variance
    security_share: float | None
    line_count: int


def cost_summary(org: Organization) -> CostSummary:
    """This year's budget, actuals to date and variance (three queries)."""
    year = org_today(org).year
    totals = BudgetLine.objects.for_org(org).filter(year=year).aggregate(
        budget=Coalesce(Sum("amount"), 0), lines=Count("id"),
        security=Coalesce(Sum("amount", filter=Q(category=CostCategory.SECURITY)), 0))
    actual = Actual.objects.for_org(org).filter(budget_line__year=year).aggregate(a=Coalesce(Sum("amount"), 0))["a"]
    total = rules.variance(totals["budget"], actual, months_covered(org, year))
    return CostSummary(year=year, total=total, security_share=rules.share_of(totals["security"], totals["budget"]),
                       line_count=totals["lines"])


def budget_line_names(org: Organization, ids: set[str]) -> dict[str, str]:
    """References and titles of some budget lines by id as text (the audit trail's names)."""
    return names_by_id(BudgetLine.objects.for_org(org).only("number", "title"), ids, str)
