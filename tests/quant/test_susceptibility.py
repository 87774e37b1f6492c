"""Open FAIR susceptibility P(TCap > RS): exact quadrature against closed forms and brute force."""

from __future__ import annotations

import math

import numpy as np
import pytest
from numpy.polynomial import Polynomial

from accord.quant.distributions import Constant, Pert, Uniform
from accord.quant.numerics import susceptibility, tanh_sinh


def _pert_poly(low: float, high: float, alpha: int, beta: int) -> tuple[Polynomial, Polynomial]:
    """Density and CDF of an integer-parameter PERT as exact polynomials in x."""
    width = high - low
    z = Polynomial([-low / width, 1 / width])
    norm = math.gamma(alpha + beta) / (math.gamma(alpha) * math.gamma(beta)) / width
    density = norm * z ** (alpha - 1) * (1 - z) ** (beta - 1)
    cdf = density.integ(lbnd=low)
    return density, cdf


def test_susceptibility_of_identical_distributions_is_one_half() -> None:
    assert susceptibility(Pert(0, 0.5, 1), Pert(0, 0.5, 1)) == pytest.approx(0.5, abs=1e-14)
    assert susceptibility(Uniform(0.2, 0.8), Uniform(0.2, 0.8)) == pytest.approx(0.5, abs=1e-14)


def test_susceptibility_of_shifted_uniforms_matches_the_closed_form() -> None:
    # TCap ~ U(0.5, 1.5), RS ~ U(0, 1): P(TCap <= RS) = (1/2)(1/2)(1/2) = 1/8.
    assert susceptibility(Uniform(0.5, 1.5), Uniform(0, 1)) == pytest.approx(0.875, abs=1e-14)


def test_susceptibility_of_integer_perts_matches_exact_polynomial_integration() -> None:
    # PERT(0.2, 0.5, 1.0) has alpha = 1 + 4 * 0.375 = 2.5 (not an integer); use gamma = 4 with modes
    # giving integer shapes: PERT(0, 0.25, 1) -> (2, 4); PERT(0.3, 0.6, 0.9) -> (3, 3).
    tcap = Pert(0.3, 0.6, 0.9)
    rs = Pert(0.0, 0.25, 1.0)
    assert (tcap.alpha, tcap.beta, rs.alpha, rs.beta) == pytest.approx((3.0, 3.0, 2.0, 4.0), abs=1e-12)
    t_density, _ = _pert_poly(0.3, 0.9, 3, 3)
    _, r_cdf = _pert_poly(0.0, 1.0, 2, 4)
    # P(TCap > RS) = integral over TCap's support of f_T(x) F_R(x) dx (F_R is a polynomial on [0, 1]).
    exact = (t_density * r_cdf).integ(lbnd=0.3)(0.9)
    assert susceptibility(tcap, rs) == pytest.approx(exact, abs=1e-12)


def test_susceptibility_with_a_constant_side_is_a_cdf_value() -> None:
    rs = Pert(0.4, 0.6, 0.8)
    assert susceptibility(Constant(0.7), rs) == pytest.approx(float(rs.cdf(np.array([0.7]))[0]), abs=1e-15)
    tcap = Uniform(0.0, 1.0)
    assert susceptibility(tcap, Constant(0.25)) == pytest.approx(0.75, abs=1e-15)
    assert susceptibility(Constant(0.5), Constant(0.5)) == 0.0
    assert susceptibility(Constant(0.6), Constant(0.5)) == 1.0


def test_susceptibility_of_disjoint_supports_is_zero_or_one() -> None:
    assert susceptibility(Pert(0.1, 0.2, 0.3), Pert(0.4, 0.5, 0.6)) == 0.0
    assert susceptibility(Pert(0.4, 0.5, 0.6), Pert(0.1, 0.2, 0.3)) == 1.0


def test_susceptibility_matches_a_per_event_comparison() -> None:
    tcap, rs = Pert(0.3, 0.6, 0.9), Pert(0.5, 0.7, 0.95)
    n = 2_000_000
    rng = np.random.default_rng(5)
    observed = np.mean(tcap.sample(rng, n) > rs.sample(rng, n))
    p = susceptibility(tcap, rs)
    assert abs(observed - p) < 4 * math.sqrt(p * (1 - p) / n)


def test_tanh_sinh_integrates_end_point_singular_behaviour_exactly() -> None:
    value, error = tanh_sinh(lambda x: np.sqrt(x), 0.0, 1.0)
    assert value == pytest.approx(2 / 3, abs=1e-13)
    assert error < 1e-12


def test_very_narrow_ranges_give_the_susceptibility_of_their_shape() -> None:
    # Shifting and scaling both ranges alike leaves P(TCap > RS) unchanged: the narrow pair near 0.5 has
    # the wide pair's susceptibility, to the precision its decimal inputs carry (about 1e-10 here).
    wide = susceptibility(Pert(0, 1, 2), Pert(0, 1.5, 3))
    narrow = susceptibility(Pert(0.5, 0.5000001, 0.5000002), Pert(0.5, 0.50000015, 0.5000003))
    assert narrow == pytest.approx(wide, abs=1e-9)
