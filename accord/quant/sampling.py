"""Sampling: the loss events of one risk for one chunk of simulated years, and their yearly sums.

How a risk is simulated (one independent stream per risk and chunk of years):

1. Per simulated year, the number of loss events N ~ Poisson(lambda) (compound) or N ~ Poisson(TEF V)
   (Open FAIR), the rate lambda or TEF (and V) drawn once per year when uncertain. For Open FAIR this is
   exact, not an approximation: threat events ~ Poisson(TEF), each a loss event independently with
   probability V (drawn per year, or the exact P(TCap > RS) computed once in `accord.quant.numerics`),
   and a Poisson count thinned by independent Bernoulli(V) trials is Poisson(TEF V). When the rate is
   constant, uniform, PERT or a narrow enough lognormal (and V a constant), N is drawn in one step from
   its exact marginal law
   P(N = k) = E[Poisson(k; rate)], tabulated by quadrature (`mixed_poisson_pmf`), which is the same law
   as drawing the rate and then N. All counts of a chunk are drawn first.
2. Then, year by year: for a year with loss events and an uncertain secondary-loss probability, q is
   drawn once (Open FAIR); then per loss event the loss: a magnitude draw (compound), or a primary-loss
   draw plus, when a uniform draw falls below q, a secondary-loss draw (Open FAIR).
3. The year's loss is the sum of its events' losses, added in event order.

Steps 1 to 3 run in compiled kernels (`accord.quant.kernels`); their draws depend only on the stream,
never on how a chunk's years are cut into batches, so the yearly sums are the same whether the events
are kept (for controls and the event cache) or not.

Controls (common random numbers): every loss event e also gets a uniform u_e in [0, 1) from a second
stream of the same (risk, chunk). With frequency factor k = prod(1 - f_i) and magnitude factor
m = prod(1 - g_i), the residual loss of a year is m * sum of the losses of its events with u_e < k,
added in increasing u_e. Keeping each event independently with probability k thins Poisson(lambda)
into Poisson(k lambda), exactly, so the residual is a correct simulation of the controlled risk; and
because it reuses the inherent events, the difference between two control sets carries little Monte
Carlo noise. Summing in u order lets a prepared portfolio keep each chunk's events sorted by u, so a
control set costs one binary search and a sum over the kept events only.

Streams: risk `id`, chunk c draws from PCG64(SeedSequence(seed, spawn_key=(h0, h1, c, s))), where
(h0, h1) is a 64-bit BLAKE2b hash of the id and s = 0 (model draws) or 1 (thinning uniforms). Chunks
have a fixed size (CHUNK_YEARS) and batches hold whole years (MAX_BATCH_EVENTS), so a chunk's draws
do not depend on threads, and adding, removing or reordering other risks leaves a risk's draws unchanged.
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from accord.quant import kernels
from accord.quant.budget import SLICE_EVENTS
from accord.quant.distributions import Constant, FloatArray
from accord.quant.model import CompoundRisk, Risk

#: Years per independent stream. Part of the definition of a result: changing it changes the draws.
CHUNK_YEARS = 1 << 16
#: Events drawn at once inside a chunk (a batch always holds whole years).
MAX_BATCH_EVENTS = 1 << 15
#: Bytes per cached event: year (int32) + loss (float64) + thinning uniform (float64).
CACHE_BYTES_PER_EVENT = 20


def default_threads() -> int:
    """The CPUs this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def risk_key(risk_id: str) -> tuple[int, int]:
    """Two 32-bit words of BLAKE2b(id): the risk's part of its streams' spawn key."""
    digest = hashlib.blake2b(risk_id.encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest[:4], "little"), int.from_bytes(digest[4:], "little")


def stream(seed: int, key: tuple[int, int], chunk: int, purpose: int) -> np.random.Generator:
    """The generator of one (risk, chunk, purpose): PCG64 seeded by SeedSequence spawning."""
    sequence = np.random.SeedSequence(seed, spawn_key=(*key, chunk, purpose))
    return np.random.Generator(np.random.PCG64(sequence))


def chunk_bounds(years: int) -> list[tuple[int, int]]:
    """[start, stop) year ranges of the chunks of a run of `years` years."""
    return [(start, min(start + CHUNK_YEARS, years)) for start in range(0, years, CHUNK_YEARS)]


def warm_up(risk: Risk) -> None:
    """Compute a risk's lazy constants (exact susceptibility, count and PERT sampling tables) before its
    chunks run, so that concurrent chunks of one risk do not each compute them."""
    _ = risk.count_sampler
    _ = _loss_arguments(risk)
    if risk.count_sampler is None:
        _ = _rate_arguments(risk)


def _rate_arguments(risk: Risk) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    """(rate, scale) of the yearly Poisson draw, as kernel arguments: lambda and 1 (compound), TEF and V."""
    if isinstance(risk, CompoundRisk):
        return (*risk.frequency.kernel, *_ONE.kernel)
    if risk.susceptibility is not None:
        return (*risk.tef.kernel, *Constant(risk.susceptibility).kernel)
    assert risk.vulnerability is not None  # noqa: S101 - FairRisk validates it
    return (*risk.tef.kernel, *risk.vulnerability.kernel)


_ONE = Constant(1.0)


LossArguments = tuple[FloatArray, FloatArray, FloatArray, FloatArray, FloatArray, FloatArray, bool]


def _loss_arguments(risk: Risk) -> LossArguments:
    """The loss-per-event arguments of `kernels.year_losses`: primary (par, tab), q (par, tab),
    secondary (par, tab) and whether there is a secondary loss."""
    if isinstance(risk, CompoundRisk):
        return (*risk.magnitude.kernel, *_ONE.kernel, *_ONE.kernel, False)
    if risk.secondary_probability is None or risk.secondary_loss is None:
        return (*risk.primary_loss.kernel, *_ONE.kernel, *_ONE.kernel, False)
    return (*risk.primary_loss.kernel, *risk.secondary_probability.kernel, *risk.secondary_loss.kernel, True)


@dataclass(frozen=True)
class Batch:
    """The loss events of the years [first, first + years) of a chunk, in event order, and the years' sums."""

    first: int
    years: int
    year: npt.NDArray[np.intp]  # relative to `first` (intp: what np.bincount takes without a copy)
    loss: FloatArray
    sums: FloatArray


#: Charges a run's meter (`accord.quant.budget.Meter.charge` of one risk): events drawn, or 0 to check the clock.
Charge = Callable[[int], None]


def _year_batches(counts: npt.NDArray[np.int64], cap: int | None = None) -> Iterator[tuple[int, int]]:
    """[first, stop) ranges of whole years holding at most `cap` (default MAX_BATCH_EVENTS) events each
    (or one year)."""
    cap = MAX_BATCH_EVENTS if cap is None else cap
    total = int(counts.sum())
    if total <= cap:
        yield 0, counts.size
        return
    cumulative = np.cumsum(counts)
    start = 0
    done = 0
    while start < counts.size:
        stop = int(np.searchsorted(cumulative, done + cap, side="right"))
        stop = max(stop, start + 1)
        yield start, stop
        done = int(cumulative[stop - 1])
        start = stop


def event_counts(risk: Risk, rng: np.random.Generator, n_years: int) -> npt.NDArray[np.int64]:
    """The number of loss events of each simulated year.

    When the rate's law allows (see `CompoundRisk.count_sampler`, `FairRisk.count_sampler`), one draw a
    year from the count's exact marginal law, the uncertain rate integrated out; otherwise the rate is
    drawn for the year (lambda, or TEF then V) and then N ~ Poisson(rate). Both give the same law."""
    table = risk.count_sampler
    if table is not None:
        return table.sample(rng, n_years)
    counts = np.empty(n_years, dtype=np.int64)
    kernels.poisson_counts(rng, *_rate_arguments(risk), counts)
    return counts


def simulate_events(
    risk: Risk, rng: np.random.Generator, n_years: int, charge: Charge | None = None
) -> Iterator[Batch]:
    """Draw the loss events of `n_years` simulated years of one risk from `rng` (see module docstring),
    in batches of whole years holding at most MAX_BATCH_EVENTS events (or one year). `charge` is given
    the number of events once the counts are drawn, before any loss, then 0 before each batch."""
    counts = event_counts(risk, rng, n_years)
    if charge is not None:
        charge(int(counts.sum()))
    arguments = _loss_arguments(risk)
    for first, stop in _year_batches(counts):
        if charge is not None:
            charge(0)
        n_events = int(counts[first:stop].sum())
        year = np.empty(n_events, dtype=np.intp)
        loss = np.empty(n_events)
        sums = np.empty(stop - first)
        kernels.year_losses(rng, counts, first, stop, *arguments, sums, year, loss)
        yield Batch(first=first, years=stop - first, year=year, loss=loss, sums=sums)


def simulate_year_sums(risk: Risk, rng: np.random.Generator, out: FloatArray, charge: Charge | None = None) -> int:
    """The annual losses of out.size simulated years, written to `out`, without keeping the events: the
    same draws and sums as `simulate_events` (the kernel's draws do not depend on batching). Returns the
    number of loss events. With `charge` (a run's budget), the events are charged before any loss is
    drawn and the years run in slices of at most `budget.SLICE_EVENTS` events, the clock checked before
    each (the same draws: slicing does not change them)."""
    counts = event_counts(risk, rng, out.size)
    arguments = _loss_arguments(risk)
    if charge is None:
        kernels.year_losses(rng, counts, 0, out.size, *arguments, out, kernels.NO_YEARS, kernels.NO_LOSSES)
        return int(counts.sum())
    charge(int(counts.sum()))
    for first, stop in _year_batches(counts, SLICE_EVENTS):
        charge(0)
        kernels.year_losses(rng, counts, first, stop, *arguments, out[first:stop], kernels.NO_YEARS, kernels.NO_LOSSES)
    return int(counts.sum())


@dataclass(frozen=True)
class SortedBatch:
    """A batch's events ordered by their thinning uniform u (what the event cache holds)."""

    first: int
    years: int
    year: npt.NDArray[np.int32]
    loss: FloatArray
    uniform: FloatArray

    @property
    def nbytes(self) -> int:
        return int(self.year.nbytes + self.loss.nbytes + self.uniform.nbytes)


def sort_by_uniform(batch: Batch, uniforms: FloatArray) -> SortedBatch:
    """Order a batch's events by increasing thinning uniform."""
    order = np.argsort(uniforms)
    year = batch.year[order].astype(np.int32)  # int32 in the cache: 4 bytes an event instead of 8
    return SortedBatch(batch.first, batch.years, year, batch.loss[order], uniforms[order])


def thinned_year_sums(batch: SortedBatch, keep: float) -> FloatArray:
    """Per-year sums of the losses of the events with u < keep (a prefix of the u order), in u order."""
    kept = int(np.searchsorted(batch.uniform, keep, side="left"))
    return np.asarray(
        np.bincount(batch.year[:kept], weights=batch.loss[:kept], minlength=batch.years), dtype=np.float64
    )


@dataclass
class ChunkOutcome:
    inherent: FloatArray
    residual: FloatArray | None
    cached: list[SortedBatch] | None
    events: int


def run_chunk(
    risk: Risk,
    seed: int,
    key: tuple[int, int],
    chunk: int,
    n_years: int,
    keep: float | None,
    cache_budget: Budget | None,
    charge: Charge | None = None,
) -> ChunkOutcome:
    """Simulate one chunk: inherent sums, residual sums for frequency factor `keep` (None: not needed),
    and the events for the cache when the budget allows; `charge` meters the run (see `budget`)."""
    rng = stream(seed, key, chunk, 0)
    inherent = np.empty(n_years)
    if keep is None and cache_budget is None:
        events = simulate_year_sums(risk, rng, inherent, charge)
        return ChunkOutcome(inherent=inherent, residual=None, cached=None, events=events)
    thin_rng = stream(seed, key, chunk, 1)
    residual = np.empty(n_years) if keep is not None else None
    cached: list[SortedBatch] | None = [] if cache_budget is not None else None
    events = 0
    for batch in simulate_events(risk, rng, n_years, charge):
        events += batch.loss.size
        span = slice(batch.first, batch.first + batch.years)
        inherent[span] = batch.sums
        uniforms = thin_rng.random(batch.loss.size)
        if cached is None:  # residual only: no need to sort every event by u
            assert residual is not None and keep is not None  # noqa: S101 - one of the two is asked for
            kernels.thinned_sums(batch.year, batch.loss, uniforms, keep, batch.years, residual[span])
            continue
        ordered = sort_by_uniform(batch, uniforms)
        if residual is not None and keep is not None:
            residual[span] = thinned_year_sums(ordered, keep)
        cached.append(ordered)
    if cached is not None and cache_budget is not None and not cache_budget.take(events * CACHE_BYTES_PER_EVENT):
        cached = None
    return ChunkOutcome(inherent=inherent, residual=residual, cached=cached, events=events)


class Budget:
    """Thread-safe byte budget for the event cache."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.used = 0
        self._lock = threading.Lock()

    def take(self, amount: int) -> bool:
        with self._lock:
            if self.used + amount > self.limit:
                return False
            self.used += amount
            return True
