"""Tenant-scoped reads of the data-privacy audits: the list, one audit with its scope, imports and questionnaires,
the questionnaires a member must answer, and the comparison: the record's declarations and the observations read
into `rules_discrepancies`' dataclasses (a constant number of queries whatever the number of discovered fields:
they are counted by system and category in SQL), its answer, and the discrepancy matrix (systems by categories).
Nothing here writes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet, Sum
from django.http import Http404

from accord.core.inputs import INT64_MAX
from accord.core.models import Membership, Organization
from accord.portfolio.choices_systems import Hosting
from accord.portfolio.models_systems import System
from accord.privacy import rules_classify, rules_discrepancies
from accord.privacy.adequacy import shipped
from accord.privacy.choices_discovery import CATEGORY_LABELS, DiscrepancyStatus, QuestionnaireStatus
from accord.privacy.models_discovery import (
    DataAudit,
    DataAuditActivity,
    DataAuditSystem,
    DiscoveredField,
    DiscoveryImport,
    Discrepancy,
    Questionnaire,
)
from accord.privacy.models_processors import Transfer
from accord.privacy.models_ropa import ActivitySystem, ProcessingActivity

#: How many field names of one system and category a comparison keeps as examples.
EXAMPLES = 5


def _id(value: Any) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise Http404("No such object.") from None
    if not 0 < number <= INT64_MAX:
        raise Http404("No such object.")
    return number


def data_audits(org: Organization) -> QuerySet[DataAudit]:
    """The organisation's data-privacy audits, newest first, with their compliance audit and counts."""
    return (DataAudit.objects.for_org(org).select_related("assessment", "created_by")
            .annotate(activity_count=Count("activity_links", distinct=True),
                      system_count=Count("system_links", distinct=True),
                      open_count=Count("discrepancies", filter=Q(discrepancies__status=DiscrepancyStatus.OPEN),
                                       distinct=True))
            .order_by("-number"))


def access_data_audit(org: Organization, audit_id: Any) -> DataAudit:
    """One data-privacy audit of `org` with its scope, imports and questionnaires loaded; another organisation's
    answers 404, like a missing one."""
    found = (data_audits(org).filter(pk=_id(audit_id)).prefetch_related(
        Prefetch("activity_links", DataAuditActivity.objects.for_org(org).select_related("activity")
                 .order_by("activity__number")),
        Prefetch("system_links", DataAuditSystem.objects.for_org(org).select_related("system")
                 .order_by("system__number")),
        Prefetch("imports", DiscoveryImport.objects.for_org(org).select_related("created_by").order_by("pk")))
        .first())
    if found is None:
        raise Http404("No such data-privacy audit.")
    return found


def questionnaires(org: Organization, audit: DataAudit) -> QuerySet[Questionnaire]:
    """The audit's questionnaires by system, with their system and recipient."""
    return (Questionnaire.objects.for_org(org).filter(audit=audit)
            .select_related("system", "recipient__user", "answered_by").order_by("system__number"))


def access_questionnaire(org: Organization, audit: DataAudit, questionnaire_id: Any) -> Questionnaire:
    found = questionnaires(org, audit).filter(pk=_id(questionnaire_id)).first()
    if found is None:
        raise Http404("No such questionnaire.")
    return found


def questionnaires_for(org: Organization, membership: Membership) -> QuerySet[Questionnaire]:
    """The questionnaires awaiting `membership`'s answer."""
    return (Questionnaire.objects.for_org(org).filter(recipient=membership, status=QuestionnaireStatus.SENT)
            .select_related("system", "audit").order_by("audit__number", "system__number"))


def discrepancies(org: Organization, audit: DataAudit) -> QuerySet[Discrepancy]:
    """The discrepancies the audit's comparisons found, open first, with their system, activity and finding."""
    return (Discrepancy.objects.for_org(org).filter(audit=audit)
            .select_related("system", "activity", "finding").order_by("status", "kind", "key"))


def scope_systems(org: Organization, audit: DataAudit) -> list[System]:
    """The systems of the scope: those it names and those that carry its activities, by reference."""
    named = DataAuditSystem.objects.for_org(org).filter(audit=audit).values("system_id")
    carried = ActivitySystem.objects.for_org(org).filter(
        activity__in=DataAuditActivity.objects.for_org(org).filter(audit=audit).values("activity_id")
    ).values("system_id")
    return list(System.objects.for_org(org).filter(Q(pk__in=named) | Q(pk__in=carried))
                .select_related("business_owner__user", "it_owner__user").order_by("number"))


def system_country(system: System) -> str:
    """The country the inventory says the system runs in (its cloud region's), "" when it does not say."""
    if system.hosting != Hosting.CLOUD:
        return ""
    return rules_discrepancies.region_country(system.cloud_region)


@dataclass(frozen=True)
class Cell:
    """One system and category of the matrix: declared (by an activity naming the system), observed (with the
    sources and example fields), and the discrepancy found there, if any."""

    declared: bool
    observed: bool
    kinds: tuple[str, ...] = ()


@dataclass
class Comparison:
    """The rule's inputs and answer for one audit, and the matrix people read."""

    systems: list[System]
    activities: list[rules_discrepancies.Activity]
    observations: list[rules_discrepancies.Observation]
    found: list[rules_discrepancies.Discrepancy]
    categories: list[str] = field(default_factory=list)
    matrix: dict[str, dict[str, Cell]] = field(default_factory=dict)
    unmapped: list[tuple[str, str]] = field(default_factory=list)

    def label(self, key: str) -> str:
        return str(CATEGORY_LABELS.get(key, key))


def _declared(activity: ProcessingActivity, systems: Sequence[str], transfers: set[str], *,
              in_scope: bool) -> rules_discrepancies.Activity:
    categories = tuple(
        rules_discrepancies.DeclaredCategory(
            str(c.get("name") or ""), rules_classify.declared_keys(str(c.get("name") or "")),
            rules_discrepancies.retention_days(str(c.get("retention") or "")))
        for c in activity.data_categories if str(c.get("name") or "").strip())
    return rules_discrepancies.Activity(
        activity.ref, activity.name, categories, rules_discrepancies.retention_days(activity.retention),
        frozenset(systems), frozenset(transfers), in_scope=in_scope)


def comparison(org: Organization, audit: DataAudit) -> Comparison:
    """Declared against observed for `audit`, and the rule's discrepancies (docs/privacy-audit.md)."""
    systems = scope_systems(org, audit)
    refs = {s.pk: s.ref for s in systems}
    scoped = set(DataAuditActivity.objects.for_org(org).filter(audit=audit).values_list("activity_id", flat=True))
    links = list(ActivitySystem.objects.for_org(org).filter(system_id__in=refs).values_list("activity_id",
                                                                                            "system_id"))
    wanted = scoped | {a for a, _s in links}
    all_links = ActivitySystem.objects.for_org(org).filter(activity_id__in=wanted).values_list("activity_id",
                                                                                               "system__number")
    systems_of: dict[int, list[str]] = {}
    for activity_id, number in all_links:
        systems_of.setdefault(activity_id, []).append(f"S-{number:03d}")
    transfers: dict[int, set[str]] = {}
    for activity_id, destination in Transfer.objects.for_org(org).filter(activity_id__in=wanted).values_list(
            "activity_id", "destination"):
        transfers.setdefault(activity_id, set()).add(destination.strip().upper())
    activities = [
        _declared(a, systems_of.get(a.pk, []), transfers.get(a.pk, set()), in_scope=a.pk in scoped)
        for a in ProcessingActivity.objects.for_org(org).filter(pk__in=wanted).order_by("number")]
    named = set(ActivitySystem.objects.for_org(org).filter(system_id__in=refs).values_list("system_id", flat=True))
    answered = list(questionnaires(org, audit).filter(status=QuestionnaireStatus.ANSWERED))
    discovered = set(DiscoveredField.objects.for_org(org).filter(audit=audit).values_list(
        "system_id", flat=True).distinct())
    observations = _observations(org, audit, refs, answered)
    stored = {q.system_id: frozenset(str(c).upper() for c in q.stored_in) for q in answered}
    rule_systems = [rules_discrepancies.System(
        s.ref, s.name, system_country(s), named=s.pk in named,
        observed=s.pk in discovered or s.pk in stored, stored_in=stored.get(s.pk, frozenset())) for s in systems]
    found = rules_discrepancies.discrepancies(activities, rule_systems, observations, shipped().is_eea)
    return _with_matrix(Comparison(systems, activities, observations, found))


def _observations(org: Organization, audit: DataAudit, refs: dict[int, str],
                  answered: Sequence[Questionnaire]) -> list[rules_discrepancies.Observation]:
    out: list[rules_discrepancies.Observation] = []
    counted = (DiscoveredField.objects.for_org(org).filter(audit=audit).exclude(category="")
               .values("system_id", "category").annotate(n=Count("pk"), rows=Sum("row_count"))
               .order_by("system_id", "category"))
    examples: dict[tuple[int, str], list[str]] = {}
    for row in counted:
        examples[(row["system_id"], row["category"])] = []
    if examples:
        # A few field names of each system and category, one query: the first fields by id.
        for system_id, category, location, name in (
                DiscoveredField.objects.for_org(org).filter(audit=audit).exclude(category="")
                .order_by("system_id", "category", "pk")
                .values_list("system_id", "category", "location", "field_name")[:EXAMPLES * len(examples) * 4]):
            kept = examples.setdefault((system_id, category), [])
            if len(kept) < EXAMPLES:
                kept.append(f"{location}.{name}" if location else name)
    for row in counted:
        ref = refs.get(row["system_id"])
        if ref:
            out.append(rules_discrepancies.Observation(
                ref, row["category"], "discovery", tuple(examples.get((row["system_id"], row["category"]), [])),
                int(row["rows"] or 0)))
    for q in answered:
        ref = refs.get(q.system_id)
        if ref is None:
            continue
        general = rules_discrepancies.retention_days(q.retention)
        for item in q.fields:
            name = str(item.get("name") or "")
            key = str(item.get("category") or "") or rules_classify.classify(name)
            if not key:
                continue
            own = rules_discrepancies.retention_days(str(item.get("retention") or ""))
            out.append(rules_discrepancies.Observation(ref, key, "questionnaire", (name,),
                                                       retention_days=own if own is not None else general))
    return out


def _with_matrix(c: Comparison) -> Comparison:
    declared: dict[str, set[str]] = {}
    for a in c.activities:
        for cat in a.categories:
            if not cat.keys:
                c.unmapped.append((a.ref, cat.name))
            for ref in a.systems:
                declared.setdefault(ref, set()).update(cat.keys)
    observed: dict[str, set[str]] = {}
    for o in c.observations:
        observed.setdefault(o.system, set()).add(o.category)
    kinds: dict[tuple[str, str], list[str]] = {}
    for d in c.found:
        if d.system and d.category:
            kinds.setdefault((d.system, d.category), []).append(d.kind)
        elif d.system and d.kind == rules_discrepancies.UNNAMED_SYSTEM:
            for key in observed.get(d.system, set()):
                kinds.setdefault((d.system, key), []).append(d.kind)
    used = set().union(*declared.values(), *observed.values()) if (declared or observed) else set()
    c.categories = [k for k in (cat.key for cat in rules_classify.CATEGORIES) if k in used]
    for s in c.systems:
        row: dict[str, Cell] = {}
        for key in c.categories:
            row[key] = Cell(key in declared.get(s.ref, set()), key in observed.get(s.ref, set()),
                            tuple(kinds.get((s.ref, key), ())))
        c.matrix[s.ref] = row
    return c


def questionnaires_sent_to(org: Organization, membership: Membership) -> list[str]:
    """The questionnaires sent to `membership`, one line each (what a leaving member holds)."""
    return [f"{q.audit.ref}: {q.system.ref} ({q.get_status_display()})" for q in
            Questionnaire.objects.for_org(org).filter(recipient=membership).select_related("audit", "system")]
