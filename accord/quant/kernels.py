"""Compiled sampling kernels: the loops that draw a risk's events and sum its years.

The engine's hot path is a few scalar loops (a count per simulated year, a loss per event, a sum per
year). Written as NumPy array passes they cost a dozen trips through memory per draw and hold the GIL
between passes; compiled by Numba (`nogil=True`) they run each draw once, in registers, and two worker
threads run truly in parallel (decision 0008). The kernels take NumPy `Generator`s and plain arrays and
are called only from `accord.quant.distributions` and `accord.quant.sampling`.

A distribution reaches the kernels as `(par, tab)`: `par` is a float64 vector
[kind, a, b, alpha, beta, mode, ln(mode), ln(1 - mode)] and `tab` a float64 (K, 4) table, used by PERT
only (`beta_envelope`):

* CONSTANT: a (draws nothing);
* UNIFORM: a + b U, U ~ U[0, 1);
* PERT: a + b X, X ~ Beta(alpha, beta) by rejection under the piecewise-constant envelope of `tab`
  (rows: interval left end, width, squeeze ratio, envelope height; see `BetaSampler`);
* LOGNORMAL: exp(a + b Z), Z ~ N(0, 1);
* BETA: a + b X, X ~ Beta(alpha, beta) by NumPy's own algorithm (should a PERT envelope be too coarse).

Compiled code is cached on disk (Numba's cache, beside this file or in NUMBA_CACHE_DIR), so a new
process loads it in a fraction of a second instead of compiling it again. Each kernel is loaded by its
first call, so a process loads only the kernels its scenario uses (decision 0031); the loops that only fill
the arrays they are given are compiled without Numba's runtime (decision 0036).
"""

from __future__ import annotations

import math
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager

import numpy as np
import numpy.typing as npt


@contextmanager
def _hidden(*modules: str) -> Iterator[None]:
    """`import module` fails inside the block (as if it were not installed) for each of `modules` not
    imported already; outside the block they import as usual."""
    hidden = [name for name in modules if name not in sys.modules]
    for name in hidden:
        sys.modules[name] = None  # type: ignore[assignment]  # None in sys.modules: the import raises ImportError
    try:
        yield
    finally:
        for name in hidden:
            if name in sys.modules and sys.modules[name] is None:
                del sys.modules[name]


def _unused_by_numba_here() -> tuple[str, ...]:
    """The optional packages Numba imports at start-up for features no kernel uses (decisions 0031, 0036):
    SciPy (a version check on `import numba`, a BLAS probe in `numba.np.arraymath`: linear algebra), cffi
    (`numba.core.typing.cffi_utils`: calling cffi functions from compiled code) and PyYAML
    (`numba.core.config`: reading a `.numba_config.yaml` file). PyYAML stays visible when that file exists
    in the working directory, so the configuration it holds still applies; NUMBA_* variables always do."""
    optional = ["scipy", "cffi"]
    if not os.path.isfile(".numba_config.yaml"):  # the file name and place Numba's config module reads
        optional.append("yaml")
    return tuple(optional)


# Imported with the optional packages above hidden: a quarter of a second and 20 MiB of a process's start
# for SciPy, 15 ms for cffi (and pycparser), 20 ms for PyYAML. The modules that probe for them are imported
# now, inside the block (not on the first kernel load), so each probe finds nothing once and for all. The
# packages stay importable afterwards for anyone else in the process; in it Numba's np.dot, linear algebra
# and cffi calls stay unavailable, which no kernel uses. A package imported before this module (a web
# process that imported SciPy or cffi first) is not hidden, and Numba then uses it as usual.
with _hidden(*_unused_by_numba_here()):
    from numba import njit
    from numba.core.typing import cffi_utils  # noqa: F401 - imported now for its cffi probe
    from numba.np import arraymath  # noqa: F401 - imported now for its BLAS probe, which finds no SciPy

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

#: The decorator of the loops that only read and write the arrays they are given (`fill`, `alias_counts`,
#: `year_losses`): compiled without Numba's reference-counting runtime (NRT), which they do not need. With
#: it, every inlined `draw(rng, par, tab)` counted references to its arrays, atomically, on every draw:
#: `year_losses` ran 2 to 3 times slower (decision 0036). A kernel that creates an array (np.empty, a copy,
#: a returned array) or calls code that does keeps the runtime: `poisson_counts` (Numba's own Poisson
#: sampler builds a list). `_nrt` is an option of Numba's that its stubs do not list.
event_loop = njit(nogil=True, cache=True, _nrt=False)  # type: ignore[call-overload]

CONSTANT = 0
UNIFORM = 1
PERT = 2
LOGNORMAL = 3
BETA = 4


@njit(nogil=True, cache=True, inline="always")
def relative_density(z: float, par: FloatArray) -> float:
    """The Beta(alpha, beta) density over its peak, f(z)/f(mode) = (z/m)^(alpha-1) ((1-z)/(1-m))^(beta-1),
    in logs (NaN outside [0, 1], so a comparison with it is false)."""
    log_f = 0.0
    if par[3] != 1.0:
        log_f += (par[3] - 1.0) * (math.log(z) - par[6])
    if par[4] != 1.0:
        log_f += (par[4] - 1.0) * (math.log1p(-z) - par[7])
    return math.exp(log_f)


@njit(nogil=True, cache=True, inline="always")
def draw(rng: np.random.Generator, par: FloatArray, tab: FloatArray) -> float:
    """One draw of the distribution (par, tab)."""
    kind = int(par[0])
    if kind == CONSTANT:
        return par[1]
    if kind == UNIFORM:
        return par[1] + par[2] * rng.random()
    if kind == LOGNORMAL:
        return math.exp(par[1] + par[2] * rng.standard_normal())
    if kind == BETA:
        return par[1] + par[2] * rng.beta(par[3], par[4])
    count = tab.shape[0]
    while True:
        column = rng.random() * count
        index = min(int(column), count - 1)
        x = tab[index, 0] + (column - index) * tab[index, 1]
        v = rng.random()
        if v < tab[index, 2] or v * tab[index, 3] <= relative_density(x, par):
            return par[1] + par[2] * x


@njit(nogil=True, cache=True, inline="always")
def _fit(left: float, right: float, peak: float, mass: float) -> float:
    """`right`, at most 1, moved down by ulps until peak * (right - left) <= mass holds as computed (the sum
    left + mass / peak may round up)."""
    right = min(right, 1.0)
    while peak * (right - left) > mass:
        right = np.nextafter(right, left)
    return right


@njit(nogil=True, cache=True)
def beta_envelope(par: FloatArray, mass: float, limit: int) -> FloatArray:
    """The envelope table of `draw` for Beta(alpha, beta), alpha, beta >= 1 (see `BetaSampler`): [0, 1]
    cut into intervals [left, left + width) under each of which the envelope height is mass / width, so
    every interval has the same envelope mass and a uniform choice of interval is exact. Rows:
    (left, width, squeeze, height), squeeze = a lower bound of the density on the interval over height.
    Empty if more than `limit` intervals would be needed."""
    widen = 1.0 + 1e-12  # envelope above, squeeze below the computed density: rounding cannot break them
    mode = par[5]
    table = np.empty((limit, 4))
    left = 0.0
    count = 0
    while left < 1.0:
        if count == limit:
            return np.empty((0, 4))
        at_left = relative_density(left, par)
        if left >= mode:  # decreasing from here: the maximum is at the left end, the minimum at the right
            right = _fit(left, left + mass / (at_left * widen), at_left * widen, mass) if at_left > 0.0 else 1.0
            low = relative_density(right, par)
        elif (mode - left) * widen <= mass:  # the interval reaches over the mode, where f = 1
            right = _fit(left, left + mass / widen, widen, mass)
            low = min(at_left, relative_density(right, par))
        else:  # increasing up to the mode: the largest right with f(right) (right - left) <= mass
            below, above = left, mode
            for _ in range(32):  # to 2^-32 of the span: the interval is at most that much narrower
                middle = 0.5 * (below + above)
                if relative_density(middle, par) * widen * (middle - left) <= mass:
                    below = middle
                else:
                    above = middle
            if below <= left:  # no room at double precision: let the caller fall back
                return np.empty((0, 4))
            right = below
            low = at_left
        right = min(right, 1.0)
        if right <= left:  # narrower than the spacing of doubles here: let the caller fall back
            return np.empty((0, 4))
        width = right - left
        height = mass / width
        table[count, 0] = left
        table[count, 1] = width
        table[count, 2] = low / widen / height
        table[count, 3] = height
        count += 1
        left = right
    return table[:count].copy()


@event_loop
def fill(rng: np.random.Generator, par: FloatArray, tab: FloatArray, out: FloatArray) -> None:
    """out[i] = a draw of (par, tab), in index order."""
    for i in range(out.size):
        out[i] = draw(rng, par, tab)


@event_loop
def alias_counts(rng: np.random.Generator, prob: FloatArray, alias: IntArray, out: IntArray) -> None:
    """out[i] = a draw from Walker's alias table (prob, alias) of a power-of-two size: one uniform gives
    the column and, exactly, an independent uniform fraction for the alias choice."""
    size = prob.size
    for i in range(out.size):
        column = rng.random() * size
        index = int(column)
        out[i] = index if column - index < prob[index] else alias[index]


@njit(nogil=True, cache=True)
def poisson_counts(
    rng: np.random.Generator,
    rate_par: FloatArray,
    rate_tab: FloatArray,
    scale_par: FloatArray,
    scale_tab: FloatArray,
    out: IntArray,
) -> None:
    """out[i] ~ Poisson(rate x scale), rate and scale drawn for each year (in that order)."""
    if int(scale_par[0]) == CONSTANT:  # the usual case (compound, or the exact susceptibility): one draw a year
        scale = scale_par[1]
        for i in range(out.size):
            out[i] = poisson(rng, draw(rng, rate_par, rate_tab) * scale)
        return
    for i in range(out.size):
        out[i] = poisson(rng, draw(rng, rate_par, rate_tab) * draw(rng, scale_par, scale_tab))


#: Below this mean a Poisson count is drawn by inversion, from it by NumPy's PTRS algorithm.
INVERSION_BELOW = 10.0


@njit(nogil=True, cache=True, inline="always")
def poisson(rng: np.random.Generator, mean: float) -> int:
    """One Poisson(mean) count. Small means by inversion: the least k with U < P(N <= k), the
    probabilities built as p_0 = exp(-mean), p_k = p_(k-1) mean / k (one uniform, about mean + 1 steps,
    against mean + 1 uniforms for the product method); larger means by NumPy's own sampler."""
    if mean <= 0.0:
        return 0
    if mean >= INVERSION_BELOW:
        return rng.poisson(mean)
    u = rng.random()
    k = 0
    p = math.exp(-mean)
    cumulative = p
    while u >= cumulative:
        k += 1
        p *= mean / k
        if p == 0.0:  # rounding left U above the sum of every representable term: the tail, at k
            break
        cumulative += p
    return k


@event_loop
def year_losses(
    rng: np.random.Generator,
    counts: IntArray,
    first: int,
    stop: int,
    primary_par: FloatArray,
    primary_tab: FloatArray,
    q_par: FloatArray,
    q_tab: FloatArray,
    secondary_par: FloatArray,
    secondary_tab: FloatArray,
    has_secondary: bool,  # noqa: FBT001
    sums: FloatArray,
    event_year: IntArray,
    event_loss: FloatArray,
) -> None:
    """The losses of the years [first, stop) with counts[y] loss events each.

    Per year with events: q (when `has_secondary`), then per event the primary loss and, when
    `has_secondary`, a uniform u and, if u < q, a secondary loss added to it. sums[y - first] is the sum
    of the year's event losses in event order (0.0 for a year without events). When `event_loss` is not
    empty, event e's year (relative to `first`) and loss are written to event_year[e], event_loss[e].
    The draws depend only on the counts, never on how the years are cut into calls."""
    keep_events = event_loss.size > 0
    e = 0
    for y in range(first, stop):
        n = counts[y]
        total = 0.0
        if n > 0:
            q = draw(rng, q_par, q_tab) if has_secondary else 0.0
            for _ in range(n):
                loss = draw(rng, primary_par, primary_tab)
                if has_secondary and rng.random() < q:
                    loss += draw(rng, secondary_par, secondary_tab)
                total += loss
                if keep_events:
                    event_year[e] = y - first
                    event_loss[e] = loss
                    e += 1
        sums[y - first] = total


@njit(nogil=True, cache=True)
def thinned_sums(
    event_year: IntArray, event_loss: FloatArray, uniform: FloatArray, keep: float, years: int, out: FloatArray
) -> None:
    """out[y] = the sum of the losses of year y's events with uniform < keep, added in increasing uniform
    order: the same numbers as summing the u-sorted events (`sampling.thinned_year_sums`), without
    sorting them all. Events come in year order; each year's kept events are sorted on their own
    (insertion sort for the usual few, a full sort for a year with many)."""
    out[:years] = 0.0
    kept_u = np.empty(64)
    kept_loss = np.empty(64)
    start = 0
    n = event_year.size
    while start < n:
        year = event_year[start]
        kept = 0
        stop = start
        while stop < n and event_year[stop] == year:
            if uniform[stop] < keep:
                if kept == kept_u.size:
                    kept_u = np.concatenate((kept_u, np.empty(kept)))
                    kept_loss = np.concatenate((kept_loss, np.empty(kept)))
                kept_u[kept] = uniform[stop]
                kept_loss[kept] = event_loss[stop]
                kept += 1
            stop += 1
        total = 0.0
        if kept <= 32:
            for j in range(1, kept):  # insertion sort by u
                u, loss = kept_u[j], kept_loss[j]
                i = j
                while i > 0 and kept_u[i - 1] > u:
                    kept_u[i] = kept_u[i - 1]
                    kept_loss[i] = kept_loss[i - 1]
                    i -= 1
                kept_u[i] = u
                kept_loss[i] = loss
            for j in range(kept):
                total += kept_loss[j]
        else:
            for j in np.argsort(kept_u[:kept]):
                total += kept_loss[j]
        out[year] = total
        start = stop


@njit(nogil=True, cache=True)
def lognormal_poisson_pmf(
    mu: float, sigma: float, scale: float, limit: int, half_width: float, tolerance: float
) -> FloatArray:
    """P(N = k), k = 0..limit, for N ~ Poisson(scale R), ln R ~ N(mu, sigma^2): the integral over z of
    phi(z) Poisson(k; scale exp(mu + sigma z)), taken over |z| <= half_width by the trapezoidal rule
    (exponentially accurate for an integrand this smooth and fast-decaying), the step halved until two
    successive estimates differ by less than `tolerance` for every k. At each node the Poisson
    probabilities come from p_0 = e^(-rate), p_k = p_(k-1) rate / k. Empty if it does not converge."""
    inv_sqrt_2pi = 1.0 / math.sqrt(2.0 * math.pi)
    sums = np.zeros(limit + 1)

    def add(z: float, weight: float) -> None:
        rate = scale * math.exp(mu + sigma * z)
        p = weight * inv_sqrt_2pi * math.exp(-0.5 * z * z - rate)
        sums[0] += p
        for k in range(1, limit + 1):
            p *= rate / k
            sums[k] += p

    step = 0.25
    nodes = round(2.0 * half_width / step)
    for i in range(nodes + 1):
        add(-half_width + i * step, 0.5 if i in (0, nodes) else 1.0)
    previous = sums * step
    for _ in range(10):
        step *= 0.5
        nodes *= 2
        for i in range(1, nodes, 2):  # the new midpoints
            add(-half_width + i * step, 1.0)
        current = sums * step
        if np.max(np.abs(current - previous)) < tolerance:
            return current
        previous = current
    return np.empty(0)


#: Radix sort: bits per digit and digits per 64-bit key (5 x 13 >= 64; the fastest split measured here).
RADIX_BITS = 13
RADIX_DIGITS = 5


@njit(nogil=True, cache=True)
def sorted_positive(values: FloatArray) -> FloatArray:
    """The positive values in increasing order, by a least-significant-digit radix sort of their IEEE 754
    bit patterns (for positive finite doubles the unsigned integer order of the bits is the numeric
    order, so the result equals NumPy's sort of the positives, bit for bit). Five 13-bit digits; one
    counting pass makes all five histograms, and a digit that every key shares is skipped. Runs in time
    linear in the number of positives: 2 to 3 times faster than NumPy's sort at 100,000 losses on the
    machine of docs/benchmarks.md, whatever their shape (`bench/sort.py` measures it on yours)."""
    n = 0
    for x in values:
        if x > 0.0:
            n += 1
    keys = np.empty(n, dtype=np.uint64)
    bits = values.view(np.uint64)
    k = 0
    for i in range(values.size):
        if values[i] > 0.0:
            keys[k] = bits[i]
            k += 1
    buckets = 1 << RADIX_BITS
    mask = np.uint64(buckets - 1)
    counts = np.zeros((RADIX_DIGITS, buckets), dtype=np.int64)
    for key in keys:
        for d in range(RADIX_DIGITS):
            counts[d, (key >> np.uint64(d * RADIX_BITS)) & mask] += 1
    spare = np.empty(n, dtype=np.uint64)
    for d in range(RADIX_DIGITS):
        shift = np.uint64(d * RADIX_BITS)
        if n == 0 or counts[d, (keys[0] >> shift) & mask] == n:
            continue  # every key has this digit: the pass would not move anything
        start = np.empty(buckets, dtype=np.int64)
        total = 0
        for b in range(buckets):
            start[b] = total
            total += counts[d, b]
        for key in keys:
            digit = (key >> shift) & mask
            spare[start[digit]] = key
            start[digit] += 1
        keys, spare = spare, keys
    return keys.view(np.float64)


def parameters(
    kind: int, a: float, b: float = 0.0, alpha: float = 1.0, beta: float = 1.0, mode: float = 0.5
) -> FloatArray:
    """The `par` vector of a distribution (see the module docstring)."""
    log_mode = math.log(mode) if mode > 0.0 else -math.inf
    log_rest = math.log1p(-mode) if mode < 1.0 else -math.inf
    return np.array([kind, a, b, alpha, beta, mode, log_mode, log_rest], dtype=np.float64)


#: The `tab` of distributions that have no table (left writable: Numba compiles read-only arrays apart).
NO_TABLE = np.zeros((1, 4))
#: The empty event arrays that tell `year_losses` not to keep the events.
NO_YEARS = np.empty(0, dtype=np.intp)
NO_LOSSES = np.empty(0)


def warm_up() -> None:
    """Load (or, on the first run after an install, compile) every kernel now, with the argument types
    the engine uses, instead of on the first simulation."""
    rng = np.random.Generator(np.random.PCG64(0))
    par = parameters(CONSTANT, 1.0)
    counts = np.ones(1, dtype=np.int64)
    sums = np.empty(1)
    fill(rng, par, NO_TABLE, sums)
    alias_counts(rng, np.ones(1), np.zeros(1, dtype=np.int64), counts)
    poisson_counts(rng, par, NO_TABLE, par, NO_TABLE, counts)
    events = np.empty(int(counts.sum()), dtype=np.intp), np.empty(int(counts.sum()))
    for kept in (events, (NO_YEARS, NO_LOSSES)):
        for secondary in (False, True):
            year_losses(rng, counts, 0, 1, par, NO_TABLE, par, NO_TABLE, par, NO_TABLE, secondary, sums, *kept)
    thinned_sums(events[0], events[1], np.zeros(events[1].size), 0.5, 1, sums)
    sorted_positive(sums)
    readonly = sums.copy()
    readonly.setflags(write=False)
    sorted_positive(readonly)  # loss vectors are read-only once simulated
    beta_envelope(parameters(PERT, 0.0, 1.0, 2.0, 2.0, 0.5), 1.0 / 64.0, 1024)  # the tables, built per PERT
    lognormal_poisson_pmf(0.0, 0.5, 1.0, 20, 8.5, 1e-15)  # and per narrow lognormal rate
