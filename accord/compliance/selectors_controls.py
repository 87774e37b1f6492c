"""Reads of the controls library, all tenant-scoped: the controls (filtered), one control by id or ref (404
otherwise), its links, a risk's controls, and the cost-effectiveness of every control, the one answer the
API, the pages and the CLI show (`effectiveness`).

Cost-effectiveness: the register's simulation (`accord.risks.quantified.control_effects`, run by a worker
with common random numbers, `accord.compliance.effects.evaluate`) gives each control's money risk reduced a
year (its marginal effect: the portfolio with every other implemented control, minus with it too; for a
planned control, what adding it to the implemented ones would take off); the costs come from the control
(`rules.yearly_cost`), and the return on security investment is `rules.rosi`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery
from django.http import Http404
from django.utils.translation import gettext as _

from accord.compliance import rules
from accord.compliance.choices import ControlKind, ControlStatus
from accord.compliance.models import Requirement
from accord.compliance.models_assessments import AssessmentResult
from accord.compliance.models_controls import Control, ControlRequirement, ControlRisk
from accord.compliance.selectors import access_framework
from accord.core.models import Membership, Organization
from accord.risks import quantified
from accord.risks.models import Risk

#: How the controls list sorts (a leading "-" reverses): each key's order, the reference breaking ties.
SORTS: dict[str, tuple[str, ...]] = {
    "ref": ("number",), "name": ("name", "number"), "kind": ("kind", "number"), "status": ("status", "number"),
    "owner": ("owner__user__email", "number"), "review": ("next_review_on", "number"),
}
SORT_KEYS = tuple(key for name in SORTS for key in (name, f"-{name}"))


@dataclass(frozen=True)
class ControlFilter:
    q: str = ""
    status: str = ""
    kind: str = ""
    owner: int | None = None
    sort: str = "ref"

    def validate(self) -> None:
        errors = {}
        if self.sort not in SORT_KEYS:
            errors["sort"] = _("'%(value)s' is not a sort order; use one of: %(choices)s.") % {
                "value": self.sort, "choices": ", ".join(SORT_KEYS)}
        if self.status and self.status not in ControlStatus.values:
            errors["status"] = _("'%(value)s' is not one of: %(choices)s.") % {
                "value": self.status, "choices": ", ".join(ControlStatus.values)}
        if self.kind and self.kind not in ControlKind.values:
            errors["kind"] = _("'%(value)s' is not one of: %(choices)s.") % {
                "value": self.kind, "choices": ", ".join(ControlKind.values)}
        if errors:
            raise ValidationError(errors)


def controls(org: Organization, flt: ControlFilter | None = None) -> QuerySet[Control]:
    """The organisation's controls in number order (or `flt.sort`), with their owner and link counts (one query)."""
    found = (Control.objects.for_org(org).select_related("owner__user")
             .annotate(risk_count=Count("risk_links", distinct=True),
                       requirement_count=Count("requirement_links", distinct=True)))
    if flt is not None:
        flt.validate()
        if flt.q:
            ref = flt.q.upper().removeprefix("C-")
            by_ref = Q(number=int(ref)) if ref.isdigit() and len(ref) < 9 else Q()
            found = found.filter(Q(name__icontains=flt.q) | Q(description__icontains=flt.q) | by_ref)
        if flt.status:
            found = found.filter(status=flt.status)
        if flt.kind:
            found = found.filter(kind=flt.kind)
        if flt.owner is not None:
            found = found.filter(owner_id=flt.owner)
        descending = flt.sort.startswith("-")
        order = SORTS[flt.sort.lstrip("-")]
        # Empty values (no owner, no review date) last either way; the reference breaks ties in the same direction.
        return found.order_by(*(F(name).desc(nulls_last=True) if descending else F(name).asc(nulls_last=True)
                                for name in order))
    return found.order_by("number")


def access_control(org: Organization, ident: int | str, *, counted: bool = False) -> Control:
    """The control `ident` names (its id, or its ref such as `C-007`); a missing control and another
    organisation's answer the same 404. `counted`: with its link counts, as `controls` gives them."""
    text = str(ident).strip().upper()
    query = controls(org) if counted else Control.objects.for_org(org).select_related("owner__user")
    if text.startswith("C-") and text[2:].isdigit() and len(text) < 12:
        found = query.filter(number=int(text[2:])).first()
    elif text.isdigit() and len(text) < 12:
        found = query.filter(pk=int(text)).first()
    else:
        found = None
    if found is None:
        raise Http404("No such control.")
    return found


def member_controls(org: Organization, membership: Membership) -> list[str]:
    """What `membership` holds in the controls library, one line a control: "C-001 Backups: owner"."""
    return [f"{c.ref} {c.name}: owner" for c in
            Control.objects.for_org(org).filter(owner=membership).only("number", "name").order_by("number")]


def risk_links(org: Organization, control: Control) -> QuerySet[ControlRisk]:
    return (ControlRisk.objects.for_org(org).filter(control=control).select_related("risk")
            .order_by("risk__number"))


def requirement_links(org: Organization, control: Control) -> QuerySet[ControlRequirement]:
    return (ControlRequirement.objects.for_org(org).filter(control=control)
            .select_related("requirement__framework").order_by("requirement__framework__key", "requirement__position"))


def access_risk_link(org: Organization, control: Control, link_id: int) -> ControlRisk:
    found = risk_links(org, control).filter(pk=link_id).first()
    if found is None:
        raise Http404("No such link.")
    return found


def access_requirement_link(org: Organization, control: Control, link_id: int) -> ControlRequirement:
    found = requirement_links(org, control).filter(pk=link_id).first()
    if found is None:
        raise Http404("No such link.")
    return found


def find_requirement(org: Organization, framework: str, requirement: str) -> Requirement:
    """The requirement `requirement` (its id in the framework, `A.8.24`) of the framework `framework` names (its
    key for the newest version imported, or `key@version`); a ValidationError naming the field otherwise (a
    link's input names them, so a wrong one is the caller's field to correct, never a 404)."""
    try:
        found = access_framework(org, framework)
    except Http404:
        raise ValidationError({"framework": _("'%(value)s' is not a framework of this organisation (give its key, "
                                              "or key@version).") % {"value": framework}}) from None
    item = (Requirement.objects.for_org(org).filter(framework=found, ref=requirement.strip())
            .select_related("framework").first())
    if item is None:
        raise ValidationError({"requirement": _("%(framework)s has no requirement '%(value)s'.") % {
            "framework": found.ref, "value": requirement}})
    return item


def controls_of_risk(org: Organization, risk: Risk) -> QuerySet[ControlRisk]:
    """The controls linked to `risk`, with their effect on it (the risk page's Controls section)."""
    return (ControlRisk.objects.for_org(org).filter(risk=risk).select_related("control")
            .order_by("control__number"))


# --- cost-effectiveness ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class ControlMoney:
    """One control in money: what it costs (minor units: one-off, and a year with the one-off spread over
    `rules.AMORTISATION_YEARS`), the money risk it takes off a year (minor units; None when it has no money
    effect, with `reason`, or while the figures are computed), and its return on security investment."""

    control: Control
    one_off_cost: int
    yearly_cost: int
    reduced: int | None
    rosi: float | None
    reason: str | None
    counts_in_residual: bool

    @property
    def would_add(self) -> bool:
        return self.control.status in rules.WOULD_ADD


@dataclass(frozen=True)
class Effectiveness:
    """The cost-effectiveness table: controls ranked by ROSI (then by risk reduced; those without a money
    effect last), the register's mean annual loss inherent and with every implemented control (minor units),
    and how fresh it is (`quantified.FRESH` or `PENDING`)."""

    rows: tuple[ControlMoney, ...]
    figures: str
    currency: str
    years: int
    inherent_ale: int | None
    residual_ale: int | None
    day_rate: int | None

    def of(self, control: Control) -> ControlMoney | None:
        return next((row for row in self.rows if row.control.pk == control.pk), None)


def _reason(control: Control, effect: Mapping[str, Any] | None, figures: str) -> str | None:
    if effect is not None:
        return None
    if control.status == ControlStatus.RETIRED:
        return _("Retired: it counts in no figure.")
    if not getattr(control, "risk_count", 0):
        return _("No risk is linked to it.")
    if figures != quantified.FRESH:
        return None
    return _("No estimated risk is linked to it (its risks have no money estimate, are closed or archived, or were "
             "left out of the simulation).")


def _rank(row: ControlMoney) -> tuple[int, float, int, int]:
    if row.reduced is None:
        return (2, 0.0, 0, row.control.number)
    return (0 if row.rosi is not None else 1, -(row.rosi or 0.0), -row.reduced, row.control.number)


def effectiveness(org: Organization, only: Control | None = None) -> Effectiveness:
    """Every control (or `only` one) in money, ranked; the one rule the API, the pages and the CLI read."""
    value, figures = quantified.control_effects(org)
    effects = {row["id"]: row for row in (value or {}).get("controls", [])}
    digits = 10 ** rules.minor_digits(org.currency)
    found = controls(org)
    if only is not None:
        found = found.filter(pk=only.pk)
    rows = []
    for control in found:
        effect = effects.get(control.ref)
        costs: dict[str, Any] = {"build_cost": control.build_cost, "run_cost": control.run_cost,
                                 "build_days": control.build_days, "run_days": control.run_days,
                                 "day_rate": org.day_rate}
        yearly = rules.yearly_cost(**costs)
        one_off = rules.build_total(control.build_cost, control.build_days, org.day_rate)
        reduced = None if effect is None else effect["reduced"] * digits
        rows.append(ControlMoney(
            control=control, one_off_cost=one_off, yearly_cost=yearly,
            reduced=None if reduced is None else round(reduced),
            rosi=None if reduced is None else rules.rosi(reduced, yearly),
            reason=_reason(control, effect, figures), counts_in_residual=control.status in rules.COUNTS_IN_RESIDUAL))
    rows.sort(key=_rank)
    inherent = residual = None
    if value is not None and "inherent_ale" in value:
        inherent, residual = (round(value[k] * digits) for k in ("inherent_ale", "residual_ale"))
    return Effectiveness(rows=tuple(rows), figures=figures, currency=org.currency,
                         years=(value or {}).get("years", 0), inherent_ale=inherent, residual_ale=residual,
                         day_rate=org.day_rate)



def failing_controls(org: Organization) -> QuerySet[Control]:
    """`org`'s failing controls (`rules.control_failing`, decision 0059) as one query to filter by or join
    to: meant to work, and serving a requirement whose standing verdict (its result in the newest audit in
    progress or closed that assessed it, `rules.standing_verdict`) fails it."""
    verdict = (AssessmentResult.objects.for_org(org)
               .filter(requirement=OuterRef("requirement"), assessment__status__in=rules.STANDING_AUDITS)
               .exclude(result__in=rules.NO_VERDICT).order_by("-assessment__number").values("result")[:1])
    failing_links = (ControlRequirement.objects.for_org(org).annotate(verdict=Subquery(verdict))
                     .filter(verdict__in=rules.FAILING_RESULTS).values("control_id"))
    return Control.objects.for_org(org).filter(status__in=rules.FAILING_CONTROL_STATUSES, pk__in=failing_links)
