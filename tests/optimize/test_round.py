"""Round files: every invalid input is refused with its field path; benefits' means as documented."""

from __future__ import annotations

import math

import pytest

from accord.optimize.round import RoundError, benefit_mean, parse_round


def _set(data: dict[str, object], path: tuple[object, ...], value: object) -> None:
    target: object = data
    for key in path[:-1]:
        target = target[key]  # type: ignore[index]
    target[path[-1]] = value  # type: ignore[index]


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        (("envelope",), {"capex": 100}, r"^envelope\.opex: missing"),
        (("envelope", "capex"), 10.5, r"^envelope\.capex: expected whole minor units, got 10\.5"),
        (("envelope", "opex"), -1, r"^envelope\.opex: must be >= 0"),
        (("mode",), "cheapest", r"^mode: expected one of value, appetite"),
        (("candidates", 0, "cost"), {}, r"^candidates\[0\]\.cost: give capex and/or opex"),
        (("candidates", 0, "cost", "capex"), "5", r"^candidates\[0\]\.cost\.capex: expected a number, got string"),
        (("candidates", 0, "control"), "nope", r"^candidates\[0\]\.control: unknown control 'nope'"),
        (("candidates", 0, "kind"), "initiative", r"^candidates\[0\]\.kind: initiative does not match"),
        (("candidates", 0, "colour"), "red", r"^candidates\[0\]\.colour: unknown field"),
        (("candidates", 3, "requires"), ["soc"], r"^candidates\[3\]\.requires\[0\]: unknown candidate 'soc'"),
        (("candidates", 5, "excludes"), ["cloud"], r"^candidates\[5\]\.excludes\[0\]: 'cloud' cannot name itself"),
        (("candidates", 4, "benefit"), [10, 5], r"^candidates\[4\]\.benefit: low 10 > high 5"),
        (("candidates", 4, "benefit"), [1, 2, 3], r"^candidates\[4\]\.benefit: expected a number or a 90% range"),
        (("candidates", 4, "benefit", 1), "x", r"^candidates\[4\]\.benefit\[1\]: expected a number, got string"),
        (("candidates", 6, "mandatory"), "yes", r"^candidates\[6\]\.mandatory: expected true or false"),
        (("candidates", 6, "excluded"), True, r"^candidates\[6\]\.excluded: a mandatory candidate cannot be excl"),
        (("candidates", 1, "id"), "edr",
         r"^candidates\[1\]\.id: duplicate candidate id 'edr' \(also candidates\[0\]\)"),
        (("candidates", 1, "control"), "edr", r"^candidates\[1\]\.control: control 'edr' is already candidates\[0\]"),
        (("scenario", "risks", 0, "magnitude"), {"pert": [5, 1, 9]},
         r"^scenario\.risks\[0\]\.magnitude\.pert: "),
        (("scenario", "controls", 0, "effects", 0, "frequency"), 2,
         r"^scenario\.controls\[0\]\.effects\[0\]\.frequency: must be a fraction"),
        (("scenario", "years"), 0, r"^scenario\.years: must be a positive whole number"),
        (("scenario",), [], r"^scenario: expected an object, got array"),
        (("caps",), {"control": 1.5}, r"^caps\.control: expected whole minor units"),
        (("caps",), {"security": 1}, r"^caps\.security: unknown field"),
        (("security_share",), {"min": 0.6, "max": 0.4}, r"^security_share: min 0\.6 > max 0\.4"),
        (("security_share",), {"max": 1.5}, r"^security_share\.max: must be a fraction in \[0, 1\]"),
        (("currency",), "USD", r"^currency: USD differs from scenario\.currency EUR"),
        (("candidates",), [], r"^candidates: must list at least one candidate"),
    ],
)
def test_invalid_input_names_its_field_path(example, path, value, message):
    _set(example, path, value)
    with pytest.raises(RoundError, match=message):
        parse_round(example)


def test_a_candidate_needs_a_benefit_or_a_control_not_both(example):
    example["candidates"][0]["benefit"] = 10
    with pytest.raises(RoundError, match=r"^candidates\[0\]: give either benefit .* not both"):
        parse_round(example)
    del example["candidates"][0]["benefit"], example["candidates"][0]["control"]
    with pytest.raises(RoundError, match=r"^candidates\[0\]: give either benefit .* not neither"):
        parse_round(example)


def test_a_scenario_control_no_candidate_names_is_refused(example):
    example["candidates"] = [c for c in example["candidates"] if c["id"] != "waf"]
    with pytest.raises(RoundError, match=r"^scenario\.controls\[3\]\.id: control 'waf' is no candidate's"):
        parse_round(example)


def test_appetite_mode_needs_tolerance_points(example):
    example["mode"] = "appetite"
    del example["scenario"]["tolerance"]
    with pytest.raises(RoundError, match=r"^scenario\.tolerance: missing \(appetite mode"):
        parse_round(example)


@pytest.mark.parametrize("key", ["envelope", "scenario", "candidates"])
def test_a_missing_top_field_is_named(example, key):
    del example[key]
    with pytest.raises(RoundError, match=rf"^{key}: missing"):
        parse_round(example)


def test_the_example_parses_with_its_kinds_and_benefit_means(example):
    rnd = parse_round(example)
    assert [c.kind for c in rnd.candidates] == ["control"] * 4 + ["initiative"] * 3
    crm = rnd.candidates[4]
    sigma = (math.log(20_000_000) - math.log(5_000_000)) / (2 * 1.6448536269514722)
    mu = (math.log(5_000_000) + math.log(20_000_000)) / 2
    assert crm.benefit == pytest.approx(math.exp(mu + sigma**2 / 2))
    assert rnd.candidates[6].reason == "contract"


def test_benefit_means_follow_the_documented_distributions():
    assert benefit_mean(100, 100) == 100
    assert benefit_mean(0, 100) == 50  # a range reaching zero: the normal's mean
    assert benefit_mean(-50, 150) == 50
    assert benefit_mean(100, 400) == pytest.approx(
        math.exp(math.log(200) + (math.log(4) / (2 * 1.6448536269514722)) ** 2 / 2))
