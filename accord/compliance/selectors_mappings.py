"""Reads of the organisation's mapping sets: the list with counts, one set (`access_mapping_set`: another
organisation's answers 404 like a missing one) and its pairs, and for one requirement every requirement
mapped to it, from either side of its sets, the relationship read from that requirement (one query)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import Http404

from accord.compliance import rules_mappings
from accord.compliance.models import Framework, Requirement
from accord.compliance.models_mappings import Mapping, MappingSet
from accord.core import history
from accord.core.models import Organization


def mapping_sets(org: Organization) -> QuerySet[MappingSet]:
    """The organisation's mapping sets by key, with both frameworks and `pair_count` (one query)."""
    counts = (Mapping.objects.for_org(org).filter(mapping_set=OuterRef("pk")).order_by().values("mapping_set")
              .annotate(n=Count("pk")).values("n"))
    return (MappingSet.objects.for_org(org).select_related("source_framework", "target_framework", "imported_by")
            .annotate(pair_count=Coalesce(Subquery(counts, output_field=IntegerField()), Value(0)))
            .order_by("key"))


def access_mapping_set(org: Organization, key: str) -> MappingSet:
    """The set named `key`; a missing set and another organisation's answer the same 404."""
    found = mapping_sets(org).filter(key=key).first()
    if found is None:
        raise Http404("No such mapping set.")
    return found


def pairs(org: Organization, mapping_set: MappingSet) -> QuerySet[Mapping]:
    """The pairs of `mapping_set` in the source framework's order, the strongest target first (one query)."""
    if mapping_set.organization_id != org.pk:
        raise Http404("No such mapping set.")
    return (Mapping.objects.for_org(org).filter(mapping_set=mapping_set).select_related("source", "target")
            .order_by("source__position", "-strength", "target__position"))


def access_requirement(org: Organization, framework: Framework, ref: str) -> Requirement:
    """The requirement `ref` of `framework` (of `org`), with its group and parent; 404 when there is none."""
    found = (Requirement.objects.for_org(org).filter(framework=framework, ref=ref)
             .select_related("framework", "group", "parent").first())
    if found is None:
        raise Http404("No such requirement.")
    return found


@dataclass(frozen=True)
class MappedRequirement:
    """A requirement mapped to the one asked about: `relationship` reads from the one asked about (`subset`:
    it asks less than `requirement`), through `mapping_set`, read from its source (`as_source`) or target."""

    requirement: Requirement
    relationship: str
    strength: Decimal
    mapping_set: MappingSet
    as_source: bool


def requirement_mappings(org: Organization, requirement: Requirement) -> list[MappedRequirement]:
    """Every requirement mapped to `requirement` by the organisation's sets, in both directions (a pair read
    from its target has its relationship inverted), the strongest first, then by framework and order. One
    query."""
    if requirement.organization_id != org.pk:
        raise Http404("No such requirement.")
    rows = (Mapping.objects.for_org(org).filter(Q(source=requirement) | Q(target=requirement))
            .select_related("mapping_set", "source__framework", "target__framework"))
    found = []
    for row in rows:
        as_source = row.source_id == requirement.pk
        found.append(MappedRequirement(
            requirement=row.target if as_source else row.source,
            relationship=row.relationship if as_source else rules_mappings.inverse(row.relationship),
            strength=row.strength, mapping_set=row.mapping_set, as_source=as_source))
    found.sort(key=lambda m: (-m.strength, m.requirement.framework.key, m.requirement.position))
    return found


def mapping_set_names(org: Organization, ids: set[str]) -> dict[str, str]:
    """Mapping sets of `org` by id (as text) → their names (the audit trail's wording)."""
    return history.names_by_id(MappingSet.objects.for_org(org).only("pk", "name"), ids, str)
