"""Rules of mapping sets, pure functions of plain values: how a pair reads from its other side, and which
result an audit's result on one requirement offers on the requirements mapped to it (docs/frameworks.md,
"What a result offers"; decision 0051). An offer is only ever offered: a person accepts it, through the
audits' own service, or leaves it.

Results are the audits' values as text (`compliant`, `partial`, `non_compliant`, `not_applicable`,
`not_assessed`), so this module needs nothing of the audits' models."""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)

EQUIVALENT, SUBSET, SUPERSET, INTERSECTS = "equivalent", "subset", "superset", "intersects"
COMPLIANT, PARTIAL, NON_COMPLIANT, NOT_APPLICABLE = "compliant", "partial", "non_compliant", "not_applicable"

_INVERSE = {EQUIVALENT: EQUIVALENT, SUBSET: SUPERSET, SUPERSET: SUBSET, INTERSECTS: INTERSECTS}

#: What a result on one requirement offers on a requirement it relates to, by the relationship read from the
#: requirement that has the result. Missing: no offer. The principle: an offer never says more than the pair
#: carries over.
#: - equivalent: they ask the same, so the same result (not applicable included).
#: - superset (the result's requirement asks more, and covers all the other asks): met → met; partly met → at
#:   most partly met; not met or not applicable tells nothing (what failed may lie outside the other).
#: - subset (it asks less: it is a part of the other): met or partly met → the other is at most partly met
#:   (its other parts are not known); not met → a part of the other is not met: offered as non-compliant.
#: - intersects (each asks something the other does not): met or partly met → at most partly met.
OFFERS: Mapping[str, Mapping[str, str]] = {
    EQUIVALENT: {COMPLIANT: COMPLIANT, PARTIAL: PARTIAL, NON_COMPLIANT: NON_COMPLIANT,
                 NOT_APPLICABLE: NOT_APPLICABLE},
    SUPERSET: {COMPLIANT: COMPLIANT, PARTIAL: PARTIAL},
    SUBSET: {COMPLIANT: PARTIAL, PARTIAL: PARTIAL, NON_COMPLIANT: NON_COMPLIANT},
    INTERSECTS: {COMPLIANT: PARTIAL, PARTIAL: PARTIAL},
}

#: Order of results, least favourable first: among equally strong offers the least favourable leads.
_CAUTION = {NON_COMPLIANT: 0, PARTIAL: 1, COMPLIANT: 2, NOT_APPLICABLE: 3}


def inverse(relationship: str) -> str:
    """The relationship read from the other side of the pair: subset ↔ superset; equivalent and intersects
    read the same both ways."""
    return _INVERSE[relationship]


def offered_result(result: str, relationship: str) -> str | None:
    """The result that `result`, recorded on a requirement that is `relationship` of another (read from the
    requirement with the result), offers on that other one; None when it offers nothing."""
    return OFFERS.get(relationship, {}).get(result)


@dataclass(frozen=True)
class Link(Generic[K]):
    """A pair oriented from the requirement `origin` to the requirement `other`: `relationship` is read
    from `origin` (a stored pair gives two links, the second with the relationship inverted)."""

    origin: K
    other: K
    relationship: str
    strength: Decimal


def both_ways(pairs: Iterable[tuple[K, K, str, Decimal]]) -> list[Link[K]]:
    """The links of stored (source, target, relationship, strength) pairs in both directions."""
    links: list[Link[K]] = []
    for source, target, relationship, strength in pairs:
        links.append(Link(source, target, relationship, strength))
        links.append(Link(target, source, inverse(relationship), strength))
    return links


@dataclass(frozen=True)
class Offer(Generic[K]):
    """`result` is offered on `target` because `source` has `source_result` and is `relationship` of it
    (read from the source), as closely as `strength` says."""

    target: K
    result: str
    source: K
    source_result: str
    relationship: str
    strength: Decimal


def offers(results: Mapping[K, str], links: Iterable[Link[K]], *,
           targets: Iterable[K] | None = None) -> dict[K, list[Offer[K]]]:
    """For each requirement a result offers something on, its offers, the strongest first (among equal
    strengths the least favourable result first, then by source as given). `results` are the recorded
    results by requirement (`not_assessed` offers nothing); `targets`, when given, keeps only the offers on
    those requirements (the ones an audit has still to assess, say)."""
    wanted = None if targets is None else set(targets)
    found: dict[K, list[Offer[K]]] = {}
    for link in links:
        if wanted is not None and link.other not in wanted:
            continue
        result = results.get(link.origin)
        if result is None:
            continue
        offered = offered_result(result, link.relationship)
        if offered is None:
            continue
        found.setdefault(link.other, []).append(
            Offer(link.other, offered, link.origin, result, link.relationship, link.strength))
    for items in found.values():
        items.sort(key=lambda o: (-o.strength, _CAUTION[o.result]))
    return found
