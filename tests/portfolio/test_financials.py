"""The financials engine against closed-form answers: TCO, NPV (annuity formula), payback, P(NPV < 0)
(the lognormal's CDF), and the review clock's working days."""

from __future__ import annotations

import datetime as dt
import math

import pytest

from accord.portfolio import financials, rules


def test_tco_is_the_sum_of_the_years_costs():
    assert financials.evaluate([100, 50, 50], None, None, 0.08).tco == 200


def test_npv_matches_the_annuity_formula():
    # Cost 1,000 in year 0; a certain benefit of 400 a year in years 1..4 at 8%.
    r, b = 0.08, 400.0
    annuity = (1 - (1 + r) ** -4) / r
    f = financials.evaluate([1000, 0, 0, 0, 0], 400, 400, r)
    assert f.npv == pytest.approx(b * annuity - 1000, rel=1e-12)
    assert f.p_npv_negative == 0.0


def test_npv_discounts_later_costs():
    f = financials.evaluate([0, 1080], None, None, 0.08)
    assert f.pv_costs == pytest.approx(1000)


def test_payback_interpolates_within_the_year():
    # -1000, +400, +400, +400: cumulative -1000, -600, -200, +200 → 2 + 200/400 = 2.5 years.
    assert financials.payback([-1000, 400, 400, 400]) == pytest.approx(2.5)
    assert financials.evaluate([1000, 0, 0, 0], 400, 400, 0.0).payback_years == pytest.approx(2.5)


def test_no_payback_within_the_horizon_is_none():
    assert financials.payback([-1000, 100, 100]) is None


def test_p_npv_negative_matches_the_lognormal_cdf():
    costs, low, high, r = [500_000, 50_000, 50_000, 50_000, 50_000], 100_000, 400_000, 0.08
    exact = financials.closed_form_p_loss(costs, low, high, r)
    f = financials.evaluate(costs, low, high, r, draws=200_000)
    standard_error = math.sqrt(exact * (1 - exact) / 200_000)
    assert 0.05 < exact < 0.95
    assert abs(f.p_npv_negative - exact) < 4 * standard_error


def test_the_mean_benefit_of_a_lognormal_range_is_its_closed_form():
    mu = (math.log(100) + math.log(400)) / 2
    sigma = (math.log(400) - math.log(100)) / (2 * 1.6448536269514722)
    assert financials.evaluate([0, 0], 100, 400, 0.0).mean_benefit == pytest.approx(math.exp(mu + sigma**2 / 2))


def test_a_fixed_seed_gives_the_same_answer_twice():
    args = ([1000, 0, 0], 200, 900, 0.08)
    assert financials.evaluate(*args) == financials.evaluate(*args)


def test_a_range_from_zero_is_uniform():
    # Benefit uniform on [0, 1000] a year for one year after a cost of 250 at 0%: P(B < 250) = 0.25.
    f = financials.evaluate([250, 0], 0, 1000, 0.0, draws=100_000)
    assert f.p_npv_negative == pytest.approx(0.25, abs=4 * math.sqrt(0.25 * 0.75 / 100_000))


def test_an_inverted_range_is_refused():
    with pytest.raises(ValueError, match="must not exceed"):
        financials.evaluate([1], 10, 5, 0.08)


@pytest.mark.parametrize(("start", "days", "due"), [
    (dt.date(2026, 12, 2), 10, dt.date(2026, 12, 16)),  # a Wednesday: two weeks later
    (dt.date(2026, 12, 4), 1, dt.date(2026, 12, 7)),  # Friday + 1 → Monday
    (dt.date(2026, 12, 5), 1, dt.date(2026, 12, 7)),  # Saturday + 1 → Monday
    (dt.date(2026, 12, 2), 0, dt.date(2026, 12, 2)),
])
def test_working_days_skip_weekends(start, days, due):
    assert rules.add_working_days(start, days) == due
    assert rules.working_days_between(start, due) == days


def test_a_review_is_overdue_the_day_after_it_is_due():
    due = dt.date(2026, 12, 16)
    assert rules.review_clock(due, due) == rules.Clock(due, 0, overdue=False)
    late = rules.review_clock(due, dt.date(2026, 12, 18))
    assert late.overdue and late.working_days_left == -2
