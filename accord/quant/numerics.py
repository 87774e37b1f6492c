"""Exact susceptibility of an Open FAIR risk: p = P(threat capability > resistance strength).

Open FAIR draws a threat capability TCap and a resistance strength RS for every threat event; the
event becomes a loss event iff TCap > RS. Because the pairs are independent and identically
distributed across threat events and independent of how many threat events occur, each threat
event is a loss event independently with the same probability

    p = P(TCap > RS) = integral over y of f_RS(y) * P(TCap > y) dy,

so drawing TCap and RS per event and comparing them is equivalent in distribution to thinning the
threat events with probability p. The engine therefore computes p once, exactly, here.

The integral is evaluated by double-exponential (tanh-sinh) quadrature on the pieces between the
breakpoints of the two distributions (the ends of both supports), inside which the integrand is
analytic; tanh-sinh converges double-exponentially even with the algebraic end-point behaviour of
PERT densities. The step is halved until two successive estimates agree to 1e-13 (absolute);
docs/quant.md and tests/quant compare the result with closed forms to 1e-12.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable

import numpy as np

from accord.quant import kernels
from accord.quant.distributions import BoundedDistribution, Constant, Distribution, FloatArray, LognormalCI90

TOLERANCE = 1e-13


def tanh_sinh(
    func: Callable[[FloatArray], FloatArray], low: float, high: float, *, tolerance: float = TOLERANCE
) -> tuple[float, float]:
    """Integrate `func` over [low, high]; return (value, error estimate).

    With x = tanh(pi/2 sinh t) the integral becomes
    sum_k h (pi/2) cosh(t_k) / cosh^2(pi/2 sinh t_k) func(c + r x_k) r, t_k = k h, |t_k| <= 3.2,
    c = (low + high)/2, r = (high - low)/2. Each pass evaluates step h and, from every other node, step
    2h; it stops when the two differ by less than `tolerance`, halving h otherwise.
    """
    if high <= low:
        return 0.0, 0.0
    center = (low + high) / 2.0
    radius = (high - low) / 2.0
    for level in range(5, 12):
        h = 2.0**-level
        half_width = math.ceil(3.2 / h)
        half_width += half_width % 2  # keep t = 0 and the coarse nodes (even k) in the set
        k = np.arange(-half_width, half_width + 1)
        t = k * h
        u = (math.pi / 2.0) * np.sinh(t)
        weights = (math.pi / 2.0) * np.cosh(t) / np.cosh(u) ** 2
        points = np.clip(center + radius * np.tanh(u), low, high)
        terms = weights * func(points)
        fine = float(np.sum(terms)) * h * radius
        coarse = float(np.sum(terms[k % 2 == 0])) * 2.0 * h * radius
        if abs(fine - coarse) < tolerance:
            return fine, abs(fine - coarse)
    raise ArithmeticError(f"quadrature did not converge on [{low}, {high}]")  # pragma: no cover


def susceptibility(tcap: BoundedDistribution, rs: BoundedDistribution) -> float:
    """Exact P(TCap > RS) for independent threat capability and resistance strength.

    Constant RS r: p = P(TCap > r). Constant TCap c: p = P(RS < c) = F_RS(c) (RS has no atom unless it
    is constant). Otherwise p = sum over pieces of the integral of f_RS(y) P(TCap > y).
    """
    if isinstance(rs, Constant):
        if isinstance(tcap, Constant):
            return 1.0 if tcap.value > rs.value else 0.0
        return _clip01(float(tcap.sf(np.array([rs.value]))[0]))
    if isinstance(tcap, Constant):
        return _clip01(float(rs.cdf(np.array([tcap.value]))[0]))
    rs_low, rs_high = rs.support
    t_low, t_high = tcap.support
    if t_high <= rs_low:
        return 0.0
    if t_low >= rs_high:
        return 1.0
    cuts = sorted({rs_low, rs_high, *(v for v in (t_low, t_high) if rs_low < v < rs_high)})
    # Integrated over RS's standard coordinate z = (y - rs_low)/width, where the density is well resolved
    # however narrow the range. The inputs fix p only to about eps * |y| / width (y carries no more digits
    # than that), so the quadrature is asked for no more.
    width = rs_high - rs_low
    scale = max(abs(rs_low), abs(rs_high), abs(t_low), abs(t_high), 1.0)
    tolerance = max(TOLERANCE, 64.0 * np.finfo(np.float64).eps * scale / min(width, t_high - t_low))
    total = 0.0
    for a, b in itertools.pairwise(cuts):
        if b <= t_low:
            # TCap is above y surely on this piece: the integral is the RS probability of the piece.
            total += float(rs.cdf(np.array([b]))[0] - rs.cdf(np.array([a]))[0])
        elif a >= t_high:
            continue
        else:
            value, _ = tanh_sinh(
                lambda z: rs.standard_pdf(z) * tcap.sf(rs_low + width * z),
                (a - rs_low) / width,
                (b - rs_low) / width,
                tolerance=tolerance,
            )
            total += value
    return _clip01(total)


def _clip01(value: float) -> float:
    return min(1.0, max(0.0, value))


#: Largest event count tabulated for a mixed Poisson; rarer rates fall back to drawing the rate then the count.
MAX_TABULATED_COUNT = 400
#: Probability left out beyond the last tabulated count (below the resolution of a double-precision uniform).
TAIL = 1e-17


def _poisson_pmf(k: FloatArray, rate: FloatArray) -> FloatArray:
    """Poisson(rate) probabilities of the counts k (a grid: rates down the rows, counts across)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        log_pmf = k * np.log(rate) - rate - _log_factorial(k)
    pmf = np.exp(log_pmf)
    return np.asarray(np.where(rate == 0.0, np.where(k == 0.0, 1.0, 0.0), pmf), dtype=np.float64)


def _log_factorial(k: FloatArray) -> FloatArray:
    return np.asarray([math.lgamma(v + 1.0) for v in np.ravel(k)], dtype=np.float64).reshape(np.shape(k))


def poisson_count_limit(max_rate: float) -> int | None:
    """The count K beyond which Poisson(max_rate) leaves less than TAIL (None when K > MAX_TABULATED_COUNT).

    For k > rate the terms fall geometrically, so P(N > K) <= pmf(K) (K + 1)/(K + 1 - rate)."""
    k = 0
    log_pmf = -max_rate
    while k <= MAX_TABULATED_COUNT:
        if k > max_rate and log_pmf + math.log((k + 1) / (k + 1 - max_rate)) < math.log(TAIL):
            return k
        k += 1
        log_pmf += math.log(max_rate) - math.log(k) if max_rate > 0 else -math.inf
    return None


#: A lognormal rate is integrated over |z| <= LOGNORMAL_Z standard deviations: 2 Phi(-8.5) < 2e-17 is left.
LOGNORMAL_Z = 8.5


def mixed_poisson_pmf(rate: Distribution, scale: float) -> FloatArray | None:
    """P(N = k), k = 0..K, for N ~ Poisson(scale * R), R ~ `rate` (constant, uniform, PERT or lognormal).

    P(N = k) = integral of f_R(r) e^(-scale r) (scale r)^k / k! dr, by tanh-sinh quadrature for all k at
    once (the integrand is analytic inside the support), to 1e-14; a constant rate gives the Poisson
    probabilities directly. K is where Poisson(scale * max R) leaves less than 1e-17; the table is
    renormalised to sum to 1. Returns None when K would exceed MAX_TABULATED_COUNT (large rates).

    A lognormal rate, R = exp(mu + sigma Z), is integrated over Z instead, on |Z| <= LOGNORMAL_Z (the
    rest of the normal weighs less than 2e-17), by the trapezoidal rule to 1e-15 (compiled:
    `kernels.lognormal_poisson_pmf`); its max R is the rate at Z = LOGNORMAL_Z.
    """
    if isinstance(rate, LognormalCI90):
        limit = poisson_count_limit(scale * math.exp(rate.mu + rate.sigma * LOGNORMAL_Z))
        if limit is None:
            return None
        table = kernels.lognormal_poisson_pmf(rate.mu, rate.sigma, scale, limit, LOGNORMAL_Z, 1e-15)
        if table.size == 0:  # pragma: no cover - the trapezoidal rule converges for every tabulated rate
            return None
        table = np.clip(table, 0.0, None)
        return np.asarray(table / table.sum(), dtype=np.float64)
    low, high = rate.support
    limit = poisson_count_limit(scale * high)
    if limit is None:
        return None
    counts = np.arange(limit + 1, dtype=np.float64)
    if isinstance(rate, Constant):
        pmf = _poisson_pmf(counts, np.full(counts.shape, scale * rate.value))
    else:
        # In the standard coordinate z = (r - low)/(high - low): for a very narrow range, r itself carries
        # too few digits for the quadrature to converge, z does not.
        density, width = rate.standard_pdf, high - low

        def integrand(z: FloatArray) -> FloatArray:
            r = low + width * z
            return density(z)[:, None] * _poisson_pmf(counts[None, :], scale * r[:, None])

        pmf = _tanh_sinh_vector(integrand, 0.0, 1.0)
    pmf = np.clip(pmf, 0.0, None)
    return np.asarray(pmf / pmf.sum(), dtype=np.float64)


def _tanh_sinh_vector(
    func: Callable[[FloatArray], FloatArray], low: float, high: float, *, tolerance: float = 1e-14
) -> FloatArray:
    """`tanh_sinh` for a function returning one row of values per point: integrates every column."""
    center = (low + high) / 2.0
    radius = (high - low) / 2.0
    for level in range(5, 12):
        h = 2.0**-level
        half_width = math.ceil(3.2 / h)
        half_width += half_width % 2
        k = np.arange(-half_width, half_width + 1)
        t = k * h
        u = (math.pi / 2.0) * np.sinh(t)
        weights = (math.pi / 2.0) * np.cosh(t) / np.cosh(u) ** 2
        points = np.clip(center + radius * np.tanh(u), low, high)
        terms = weights[:, None] * func(points)
        fine = terms.sum(axis=0) * h * radius
        coarse = terms[k % 2 == 0].sum(axis=0) * 2.0 * h * radius
        if float(np.max(np.abs(fine - coarse))) < tolerance:
            return np.asarray(fine, dtype=np.float64)
    raise ArithmeticError(f"quadrature did not converge on [{low}, {high}]")  # pragma: no cover
