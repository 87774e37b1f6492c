"""The offering rule of mapping sets (pure): what a result on one requirement offers on a requirement mapped
to it, whichever side of the pair it sits on; every (relationship, result) combination is listed."""

from decimal import Decimal

import pytest

from accord.compliance import rules_mappings as rules

# (relationship read from the requirement with the result, its result) → the result offered, or None.
EXPECTED = {
    ("equivalent", "compliant"): "compliant", ("equivalent", "partial"): "partial",
    ("equivalent", "non_compliant"): "non_compliant", ("equivalent", "not_applicable"): "not_applicable",
    ("superset", "compliant"): "compliant", ("superset", "partial"): "partial",
    ("superset", "non_compliant"): None, ("superset", "not_applicable"): None,
    ("subset", "compliant"): "partial", ("subset", "partial"): "partial",
    ("subset", "non_compliant"): "non_compliant", ("subset", "not_applicable"): None,
    ("intersects", "compliant"): "partial", ("intersects", "partial"): "partial",
    ("intersects", "non_compliant"): None, ("intersects", "not_applicable"): None,
}


@pytest.mark.parametrize(("relationship", "result"), sorted(EXPECTED))
def test_a_result_offers_no_more_than_the_pair_carries(relationship, result):
    assert rules.offered_result(result, relationship) == EXPECTED[relationship, result]


@pytest.mark.parametrize("relationship", ["equivalent", "subset", "superset", "intersects"])
def test_nothing_is_offered_from_a_requirement_not_yet_assessed(relationship):
    assert rules.offered_result("not_assessed", relationship) is None


def test_only_an_equivalent_or_a_covering_requirement_offers_compliant():
    offering = {relationship for (relationship, result), offered in EXPECTED.items() if offered == "compliant"}
    assert offering == {"equivalent", "superset"}


def test_a_pair_reads_inverted_from_its_other_side():
    assert [rules.inverse(r) for r in ("equivalent", "subset", "superset", "intersects")] == [
        "equivalent", "superset", "subset", "intersects"]


def test_a_stored_pair_offers_from_either_side_with_the_relationship_of_that_side():
    # A.1 asks less than B.1 (subset): met A.1 offers "partial" on B.1; met B.1 covers A.1 wholly: "compliant".
    links = rules.both_ways([("A.1", "B.1", "subset", Decimal("0.6"))])
    assert rules.offers({"A.1": "compliant"}, links) == {
        "B.1": [rules.Offer("B.1", "partial", "A.1", "compliant", "subset", Decimal("0.6"))]}
    assert rules.offers({"B.1": "compliant"}, links) == {
        "A.1": [rules.Offer("A.1", "compliant", "B.1", "compliant", "superset", Decimal("0.6"))]}


def test_offers_on_one_requirement_come_strongest_first_then_least_favourable():
    links = rules.both_ways([("A.1", "T", "intersects", Decimal("0.3")), ("A.2", "T", "equivalent", Decimal("0.9")),
                             ("A.3", "T", "subset", Decimal("0.9")), ("A.4", "U", "intersects", Decimal("1"))])
    found = rules.offers({"A.1": "compliant", "A.2": "compliant", "A.3": "non_compliant", "A.4": "not_applicable"},
                         links)
    assert [(o.source, o.result) for o in found["T"]] == [("A.3", "non_compliant"), ("A.2", "compliant"),
                                                          ("A.1", "partial")]
    assert "U" not in found  # not applicable carries over only between equivalent requirements


def test_offers_keep_to_the_targets_asked_for():
    links = rules.both_ways([("A.1", "T", "equivalent", Decimal(1)), ("A.1", "U", "equivalent", Decimal(1))])
    assert set(rules.offers({"A.1": "compliant"}, links, targets=["U"])) == {"U"}
