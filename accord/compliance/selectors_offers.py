"""What an audit is offered through the mapping sets: for each requirement it has still to assess, the results
recorded against the requirements of other frameworks mapped to it, turned into offers by the one rule
(`rules_mappings.offers`, docs/frameworks.md "What a result offers"). Nothing here writes: an offer becomes a
result only when someone accepts it (`services_offers.do_accept_offer`). Four queries whatever the audit's size."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import F, Q
from django.http import Http404

from accord.compliance import rules_mappings
from accord.compliance.choices import ResultValue
from accord.compliance.models_assessments import Assessment, AssessmentResult
from accord.compliance.models_mappings import Mapping, MappingSet
from accord.core.models import Organization


@dataclass(frozen=True)
class Offer:
    """`result` is offered on `target` (a result of the audit, still not assessed) because `source` (a
    result recorded in another audit) is `relationship` of it, read from the source's requirement."""

    target: AssessmentResult
    result: str
    source: AssessmentResult
    relationship: str
    strength: Decimal
    mapping_set: MappingSet

    @property
    def result_label(self) -> str:
        return str(ResultValue(self.result).label)


@dataclass(frozen=True)
class TargetOffers:
    """The offers on one result of the audit, the strongest first (`offers[0]` is the one to suggest)."""

    target: AssessmentResult
    offers: list[Offer]


def assessment_offers(org: Organization, assessment: Assessment) -> list[TargetOffers]:
    """For every result of `assessment` still not assessed, the offers of the results recorded against the
    requirements mapped to its requirement (the newest result of each such requirement, from any other audit
    of the organisation), in the framework's order."""
    if assessment.organization_id != org.pk:
        raise Http404("No such audit.")
    pending = {r.requirement_id: r for r in AssessmentResult.objects.for_org(org)
               .filter(assessment=assessment, result=ResultValue.NOT_ASSESSED).select_related("requirement")}
    if not pending:
        return []
    pairs = []
    seen: set[tuple[int, int]] = set()
    # Two sets may relate the same two requirements: the stronger pair speaks for them.
    for pair in (Mapping.objects.for_org(org).filter(Q(source_id__in=pending) | Q(target_id__in=pending))
                 .select_related("mapping_set").order_by("-strength", "mapping_set__key")):
        ends = (min(pair.source_id, pair.target_id), max(pair.source_id, pair.target_id))
        if ends not in seen:
            seen.add(ends)
            pairs.append(pair)
    others = {p.target_id if p.source_id in pending else p.source_id for p in pairs}
    newest: dict[int, AssessmentResult] = {}
    recorded = (AssessmentResult.objects.for_org(org).filter(requirement_id__in=others)
                .exclude(result=ResultValue.NOT_ASSESSED).exclude(assessment=assessment)
                .select_related("assessment", "requirement__framework")
                .order_by("requirement_id", F("assessed_at").desc(nulls_last=True), "-pk"))
    for row in recorded:
        newest.setdefault(row.requirement_id, row)
    sets = {(p.source_id, p.target_id): p.mapping_set for p in pairs}
    links = rules_mappings.both_ways((p.source_id, p.target_id, p.relationship, p.strength) for p in pairs)
    found = rules_mappings.offers({k: v.result for k, v in newest.items()}, links, targets=pending)
    out = []
    for requirement_id, items in found.items():
        target = pending[requirement_id]
        out.append(TargetOffers(target, [
            Offer(target=target, result=o.result, source=newest[o.source], relationship=o.relationship,
                  strength=o.strength, mapping_set=sets.get((o.source, o.target)) or sets[(o.target, o.source)])
            for o in items]))
    out.sort(key=lambda t: t.target.requirement.position)
    return out


def access_offer(org: Organization, assessment: Assessment, target_id: int | str, source_id: int | str) -> Offer:
    """The offer the result `source_id` (of another audit) makes on the result `target_id` of `assessment`,
    as the rule computes it now (what a client sends names an offer; it never says what the offer is). 404
    when there is no such offer any more: the target was assessed meanwhile, or the source changed."""
    for item in assessment_offers(org, assessment):
        if str(item.target.pk) == str(target_id):
            for offer in item.offers:
                if str(offer.source.pk) == str(source_id):
                    return offer
    raise Http404("No such offer.")
