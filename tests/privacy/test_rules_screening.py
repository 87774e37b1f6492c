"""DPIA screening (pure): an Art. 35(3) case alone requires a DPIA, two or more WP248 criteria require one,
one criterion asks for the reasons to be documented, none requires nothing; the DPO's exception is kept."""

import itertools

import pytest

from accord.privacy.rules_screening import Art35Case, Basis, Criterion, Outcome, ScreeningInvalid, screen

ALL = [c.value for c in Criterion]


def test_no_criterion_requires_no_dpia():
    result = screen([])
    assert (result.outcome, result.basis, result.dpia_required, result.document_reasons) == (
        Outcome.NOT_REQUIRED, Basis.NO_CRITERION, False, False)


@pytest.mark.parametrize("criterion", ALL)
def test_one_criterion_requires_none_but_the_reasons_are_documented(criterion):
    result = screen([criterion])
    assert result.outcome is Outcome.DOCUMENT
    assert result.basis is Basis.ONE_CRITERION
    assert not result.dpia_required
    assert result.document_reasons


@pytest.mark.parametrize("pair", list(itertools.combinations(ALL, 2)))
def test_any_two_criteria_require_a_dpia(pair):
    result = screen(pair)
    assert (result.outcome, result.basis, result.dpia_required) == (Outcome.REQUIRED, Basis.CRITERIA, True)


def test_three_criteria_require_a_dpia_and_are_listed_in_the_guidelines_order():
    result = screen(["vulnerable_subjects", "evaluation_scoring", "large_scale"])
    assert result.dpia_required
    assert result.criteria == (Criterion.EVALUATION_SCORING, Criterion.LARGE_SCALE, Criterion.VULNERABLE_SUBJECTS)


@pytest.mark.parametrize("case", [c.value for c in Art35Case])
def test_an_art35_3_case_alone_requires_a_dpia(case):
    result = screen([], [case])
    assert (result.outcome, result.basis, result.criteria) == (Outcome.REQUIRED, Basis.ART35_3, ())
    assert result.cases == (Art35Case(case),)


def test_an_art35_3_case_decides_even_with_one_criterion():
    assert screen(["large_scale"], ["public_monitoring"]).basis is Basis.ART35_3


def test_the_dpo_may_except_a_required_dpia_with_a_reason():
    result = screen(["large_scale", "sensitive_data"], exception="  Assessed with the national register's law  ")
    assert result.outcome is Outcome.EXCEPTED
    assert result.rule_requires and not result.dpia_required and result.document_reasons
    assert result.exception == "Assessed with the national register's law"


def test_a_blank_exception_is_no_exception():
    assert screen(["large_scale", "sensitive_data"], exception="   ").outcome is Outcome.REQUIRED


@pytest.mark.parametrize("criteria", [[], ["large_scale"]])
def test_nothing_to_except_where_the_rule_requires_nothing(criteria):
    with pytest.raises(ScreeningInvalid, match="exception: an exception applies only"):
        screen(criteria, exception="not needed")


def test_an_unknown_criterion_is_named_with_the_allowed_ones():
    with pytest.raises(ScreeningInvalid, match="criteria: unknown facial_recognition; allowed: evaluation_scoring"):
        screen(["large_scale", "facial_recognition"])


def test_an_unknown_case_is_named():
    with pytest.raises(ScreeningInvalid, match="cases: unknown d"):
        screen([], ["d"])


def test_a_criterion_given_twice_counts_once():
    assert screen(["large_scale", "large_scale"]).outcome is Outcome.DOCUMENT
