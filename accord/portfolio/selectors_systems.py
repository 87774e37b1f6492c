"""Tenant-scoped reads of the systems inventory: the list (owners, dependencies and counts loaded, and the
security flag as SQL, so a list of any length costs a constant number of queries), one system, what breaks
when it is down, the security input into its TIME classification, its risks and components, and the
register's affected assets that name no system (for review).

The tolerance is the register's (`accord.risks.selectors.annotated_risks`: its `above_tolerance` flag under
the appetite in force); a failing control is the compliance app's (`selectors_controls.failing_controls`,
`accord.compliance.rules.control_failing`); the TIME rule is `rules.time_suggestion`; the graph walk
`rules.what_breaks`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.http import Http404

from accord.compliance.models_controls import ControlRisk
from accord.compliance.selectors_controls import failing_controls
from accord.core.clock import org_today
from accord.core.history import names_by_id
from accord.core.inputs import INT64_MAX
from accord.core.models import Membership, Organization
from accord.core.workdays import months_later
from accord.portfolio import rules
from accord.portfolio.choices_systems import Criticality, DataClassification, Hosting, SystemKind, TimeClass
from accord.portfolio.models import Initiative
from accord.portfolio.models_systems import RiskSystem, System, SystemComponent, SystemDependency
from accord.risks.choices import RiskStatus
from accord.risks.models import Risk
from accord.risks.selectors import annotated_risks, risk_key_lookup

#: The `support` filter: support ended, or ends within `rules.END_OF_SUPPORT_WARNING_MONTHS` months (or ended).
SUPPORT_FILTERS = ("ended", "ending")
#: The `time` filter also takes "undecided" (no decision yet).
UNDECIDED = "undecided"


@dataclass(frozen=True)
class SystemFilter:
    """What the list, the API and the CLI filter by (empty: no filter)."""

    q: str = ""
    kind: str = ""
    criticality: str = ""
    hosting: str = ""
    data_classification: str = ""
    time: str = ""
    owner: int | None = None
    support: str = ""
    personal_data: bool | None = None
    flagged: bool | None = None

    def validate(self) -> None:
        """Refuse unknown values, naming the filter and what it allows."""
        errors = {}
        for name, choices, extra in (("kind", SystemKind, ()), ("criticality", Criticality, ()),
                                     ("hosting", Hosting, ()), ("data_classification", DataClassification, ()),
                                     ("time", TimeClass, (UNDECIDED,))):
            value = getattr(self, name)
            allowed = (*choices.values, *extra)
            if value and value not in allowed:
                errors[name] = f"'{value}' is not allowed; use one of: {', '.join(allowed)}."
        if self.support and self.support not in SUPPORT_FILTERS:
            errors["support"] = f"'{self.support}' is not allowed; use one of: {', '.join(SUPPORT_FILTERS)}."
        if errors:
            raise ValidationError(errors)


def _pk(value: int | str) -> int | None:
    try:
        pk = int(value)
    except (TypeError, ValueError):
        return None
    return pk if 0 < pk <= INT64_MAX else None


def warning_date(org: Organization) -> dt.date:
    """The last end-of-support date the security input flags today (12 months on, in the organisation's time)."""
    return months_later(org_today(org), rules.END_OF_SUPPORT_WARNING_MONTHS)


def _risks_above(org: Organization) -> QuerySet[Risk]:
    """The register's open risks above tolerance (its own flag), not archived."""
    return annotated_risks(org).filter(above_tolerance=True).exclude(status=RiskStatus.CLOSED)


def _relied_on(org: Organization) -> QuerySet[ControlRisk]:
    """The links from the register's open risks (not closed, not archived) to failing controls
    (`accord.compliance.selectors_controls.failing_controls`): a system relies on the controls of its open
    risks (decision 0059)."""
    open_risks = Risk.objects.for_org(org).filter(archived_at__isnull=True).exclude(status=RiskStatus.CLOSED)
    return ControlRisk.objects.for_org(org).filter(control_id__in=failing_controls(org).values("pk"),
                                                   risk_id__in=open_risks.values("pk"))


def systems(org: Organization, flt: SystemFilter | None = None) -> QuerySet[System]:
    """`org`'s systems by reference, filtered, with owners and dependencies loaded and annotated with
    `dependents_count`, `risks_count`, `risk_above` (an open linked risk is above tolerance),
    `control_failing` (it relies on a failing control) and `flagged` (the security input suggests Migrate or
    Eliminate: `risk_above`, `control_failing`, or support ended or ending within 12 months; the SQL twin of
    `rules.time_suggestion`): a constant number of queries whatever the length."""
    f = flt or SystemFilter()
    f.validate()
    dependents = (SystemDependency.objects.for_org(org).filter(depends_on=OuterRef("pk")).order_by()
                  .values("depends_on").annotate(n=Count("pk")).values("n"))
    linked = (RiskSystem.objects.for_org(org).filter(system=OuterRef("pk")).order_by()
              .values("system").annotate(n=Count("pk")).values("n"))
    # From the links (by the organisation and system index) to the register's risks above tolerance, a list
    # SQLite reads once: not from the risks, which would walk the whole register for every system.
    above = RiskSystem.objects.for_org(org).filter(system=OuterRef("pk"), risk_id__in=_risks_above(org).values("pk"))
    failing = RiskSystem.objects.for_org(org).filter(system=OuterRef("pk"),
                                                     risk_id__in=_relied_on(org).values("risk_id"))
    warn = warning_date(org)
    links = (SystemDependency.objects.for_org(org).select_related("depends_on").only("system", "depends_on__name")
             .order_by())
    qs = (System.objects.for_org(org).select_related("business_owner__user", "it_owner__user")
          .prefetch_related(Prefetch("dependency_links", queryset=links))
          .annotate(dependents_count=Coalesce(Subquery(dependents, output_field=IntegerField()), Value(0)),
                    risks_count=Coalesce(Subquery(linked, output_field=IntegerField()), Value(0)),
                    risk_above=Exists(above), control_failing=Exists(failing))
          .annotate(flagged=Case(When(Q(risk_above=True) | Q(control_failing=True) | Q(end_of_support_on__lte=warn),
                                      then=Value(True)), default=Value(False), output_field=BooleanField())))
    if f.q:
        text = f.q.strip()
        qs = qs.filter(Q(name__icontains=text) | Q(description__icontains=text) | Q(saas_vendor__icontains=text)
                       | Q(cloud_provider__icontains=text))
    for name in ("kind", "criticality", "hosting", "data_classification"):
        if getattr(f, name):
            qs = qs.filter(**{name: getattr(f, name)})
    if f.time:
        qs = qs.filter(time_class="" if f.time == UNDECIDED else f.time)
    if f.owner:
        qs = qs.filter(Q(business_owner_id=f.owner) | Q(it_owner_id=f.owner))
    if f.support == "ended":
        qs = qs.filter(end_of_support_on__lt=org_today(org))
    elif f.support == "ending":
        qs = qs.filter(end_of_support_on__lte=warn)
    if f.personal_data is not None:
        qs = qs.filter(personal_data=f.personal_data)
    if f.flagged is not None:
        qs = qs.filter(flagged=f.flagged)
    return qs.order_by("number")


#: How many systems the dashboard's end-of-support panel names (the soonest first; the count says the rest).
SUPPORT_PANEL_LENGTH = 8


@dataclass(frozen=True)
class SupportEnding:
    """The systems whose vendor support ended or ends within `rules.END_OF_SUPPORT_WARNING_MONTHS` months (the
    `support=ending` filter): how many, and the soonest ones (support ended first), each with `ended`."""

    count: int
    soonest: list[System]
    today: dt.date
    months: int = rules.END_OF_SUPPORT_WARNING_MONTHS


def support_ending(org: Organization, *, limit: int = SUPPORT_PANEL_LENGTH) -> SupportEnding:
    """The CIO dashboard's systems reaching end of support, soonest first (two queries)."""
    qs = System.objects.for_org(org).filter(end_of_support_on__lte=warning_date(org))
    soonest = list(qs.only("pk", "number", "name", "criticality", "end_of_support_on")
                   .order_by("end_of_support_on", "number")[:limit])
    return SupportEnding(count=qs.count(), soonest=soonest, today=org_today(org))


def access_system(org: Organization, system_id: int | str) -> System:
    """One system of `org` (annotated as in the list), or 404: missing and another organisation's answer
    the same."""
    pk = _pk(system_id)
    found = systems(org).filter(pk=pk).first() if pk else None
    if found is None:
        raise Http404("No such system.")
    return found


def by_name_key(org: Organization) -> dict[str, System]:
    """Every system of `org` by its name key (`rules.system_name_key`), one query."""
    return {rules.system_name_key(s.name): s for s in System.objects.for_org(org).only("pk", "number", "name")}


@dataclass(frozen=True)
class Broken:
    """A system that breaks when another is down, `distance` dependencies away (1: it needs it directly)."""

    system: System
    distance: int


def what_breaks(org: Organization, system: System) -> list[Broken]:
    """Every system that breaks when `system` is down (it depends on it, directly or through others), nearest
    first: two queries whatever the size of the graph (`rules.what_breaks`)."""
    dependents: dict[int, list[int]] = {}
    for needer, needed in SystemDependency.objects.for_org(org).order_by().values_list("system_id", "depends_on_id"):
        dependents.setdefault(needed, []).append(needer)
    found = rules.what_breaks(system.pk, dependents)
    if not found:
        return []
    loaded = System.objects.for_org(org).only("pk", "number", "name", "criticality", "kind").in_bulk(
        [pk for pk, _ in found])
    return [Broken(loaded[pk], distance) for pk, distance in found if pk in loaded]


def dependencies_of(org: Organization, system: System) -> list[System]:
    """The systems `system` needs, by name."""
    return list(System.objects.for_org(org).filter(dependents=system).only("pk", "number", "name", "criticality")
                .order_by("name"))


def linked_risks(org: Organization, system: System) -> QuerySet[Risk]:
    """The register's risks that affect `system`, with the register's flags (`above_tolerance`, `accepted`)."""
    return annotated_risks(org, archived=None).filter(system_links__system=system).order_by("number")


def initiatives_affecting(org: Organization, system: System) -> QuerySet[Initiative]:
    """The initiatives that affect `system` (`Initiative.systems`), by reference."""
    return Initiative.objects.for_org(org).filter(systems=system).order_by("number")


def time_inputs(org: Organization, systems: Iterable[System]) -> dict[int, rules.TimeSuggestion]:
    """The security input into each system's TIME classification (`rules.time_suggestion`), by system id: its
    end of support, its open linked risks above the register's tolerance, and the failing controls it relies
    on (those linked to its open risks, decision 0059). Two queries whatever the number of systems (a page of
    the list, or one system)."""
    found = {s.pk: s for s in systems}
    above: dict[int, list[tuple[str, str]]] = {pk: [] for pk in found}
    for link in (RiskSystem.objects.for_org(org).filter(system_id__in=list(found),
                                                        risk_id__in=_risks_above(org).values("pk"))
                 .select_related("risk").only("system", "risk", "risk__number", "risk__title")
                 .order_by("system_id", "risk__number")):
        above[link.system_id].append((link.risk.ref, link.risk.title))
    failing: dict[int, dict[int, tuple[str, str]]] = {pk: {} for pk in found}
    for control_link in (_relied_on(org).filter(risk__system_links__system_id__in=list(found))
                         .annotate(system_id=F("risk__system_links__system_id")).select_related("control")
                         .only("control", "control__number", "control__name").order_by("control__number")):
        control = control_link.control
        failing[control_link.system_id][control.pk] = (control.ref, control.name)
    today = org_today(org)
    return {pk: rules.time_suggestion(today=today, end_of_support=s.end_of_support_on, decided=s.time_class,
                                      risks_above_tolerance=above[pk], failing_controls=list(failing[pk].values()))
            for pk, s in found.items()}


def time_input(org: Organization, system: System) -> rules.TimeSuggestion:
    """The security input into `system`'s TIME classification (`time_inputs` of one system)."""
    return time_inputs(org, [system])[system.pk]


def components(org: Organization, system: System) -> QuerySet[SystemComponent]:
    return SystemComponent.objects.for_org(org).filter(system=system).order_by("name", "version", "pk")


def access_risk_link(org: Organization, system: System, risk_id: int | str) -> RiskSystem:
    """The link between `system` and the risk named by its id or its reference, or 404."""
    lookup = risk_key_lookup(risk_id, prefix="risk__")
    found = (RiskSystem.objects.for_org(org).filter(lookup, system=system).select_related("risk", "system")
             .first() if lookup is not None else None)
    if found is None:
        raise Http404("This risk is not linked to this system.")
    return found


@dataclass(frozen=True)
class UnmatchedAsset:
    """An affected asset of a risk, held as text; `matches` is the system it names when one was added since
    (the review links it at once), else None."""

    risk: Risk
    text: str
    matches: System | None = None


def unmatched_assets(org: Organization) -> list[UnmatchedAsset]:
    """The register's affected assets still held as text (in the register, not archived), risk by risk; those
    that name a system (added since) carry it in `matches`, to link them at once (two queries)."""
    known = by_name_key(org)
    out = []
    for risk in (Risk.objects.for_org(org).filter(archived_at__isnull=True).exclude(affected_assets=[])
                 .only("pk", "number", "title", "affected_assets").order_by("number")):
        for text in risk.affected_assets or []:
            out.append(UnmatchedAsset(risk, text, known.get(rules.system_name_key(text))))
    return out


def systems_held_by(org: Organization, membership: Membership) -> list[str]:
    """What `membership` holds in the inventory, one line per role (the handover's question)."""
    out = []
    for s in System.objects.for_org(org).filter(Q(business_owner=membership) | Q(it_owner=membership)):
        if s.business_owner_id == membership.pk:
            out.append(f"{s.ref} {s.name}: business owner")
        if s.it_owner_id == membership.pk:
            out.append(f"{s.ref} {s.name}: IT owner")
    return out


def system_names(org: Organization, ids: set[str]) -> dict[str, str]:
    """References and names of some systems by id as text (the audit trail's names)."""
    return names_by_id(System.objects.for_org(org).only("number", "name"), ids, str)


def system_choices(org: Organization, *, exclude: Iterable[int] = ()) -> list[tuple[str, str]]:
    """(name, "S-001 Name") of every system, for forms (one query)."""
    return [(s.name, str(s)) for s in System.objects.for_org(org).exclude(pk__in=list(exclude))
            .only("number", "name").order_by("name")]


def edges_among(org: Organization, ids: Iterable[int]) -> list[tuple[int, int]]:
    """(system, what it depends on) for the dependencies between the systems `ids` names (one query)."""
    wanted = list(ids)
    return list(SystemDependency.objects.for_org(org).filter(system_id__in=wanted, depends_on_id__in=wanted)
                .order_by("system_id", "depends_on_id").values_list("system_id", "depends_on_id"))
