"""The portfolio engine: simulate every risk on a thread pool, compute statistics, evaluate control sets.

`simulate(scenario)` gives inherent and (with controls) residual results; `prepare(scenario)` keeps
what fast evaluation of further control sets needs (`PreparedPortfolio.evaluate`). How a risk's
events are drawn, thinned and summed is in `accord.quant.sampling`.

Reproducibility: (risk, chunk) units are independent, write to fixed places, and every sum is taken in
a fixed order (portfolio = risks added in scenario order), so results are bit-identical whatever the
number of threads.

Memory: one float64 vector of `years` annual losses per risk and one for the portfolio per
evaluation, their sorted positive values for the statistics, the transient events of at most one
batch per worker thread, and, in a `PreparedPortfolio`, an optional cache of the inherent events
sorted by u (20 bytes per event) capped by `cache_bytes`; risks that do not fit are re-simulated from
their streams when a control set needs them, with identical results.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from functools import partial

import numpy as np

from accord.quant.budget import RunBudget
from accord.quant.distributions import FloatArray
from accord.quant.model import Control, Factors, FairRisk, Scenario, combine_controls
from accord.quant.results import (
    Evaluation,
    LossVector,
    Result,
    RiskResult,
    ToleranceResult,
    exceedance,
    tolerance_verdict,
)
from accord.quant.sampling import (
    CACHE_BYTES_PER_EVENT,
    CHUNK_YEARS,
    MAX_BATCH_EVENTS,
    Budget,
    SortedBatch,
    chunk_bounds,
    default_threads,
    risk_key,
    run_chunk,
    thinned_year_sums,
    warm_up,
)

__all__ = [
    "CACHE_BYTES_PER_EVENT",
    "CHUNK_YEARS",
    "DEFAULT_CACHE_BYTES",
    "MAX_BATCH_EVENTS",
    "PreparedPortfolio",
    "prepare",
    "result_for",
    "simulate",
]

#: Default cap of a PreparedPortfolio's event cache.
DEFAULT_CACHE_BYTES = 512 << 20

EventCache = dict[tuple[int, int], list[SortedBatch]]
ProgressCallback = Callable[[int, int], None]


def _map_ordered(
    threads: int, func: Callable[[int], object], count: int, progress: ProgressCallback | None = None
) -> list[object]:
    """Run func(0..count-1) on `threads` workers; results in index order; progress on the caller's thread."""
    results: list[object] = [None] * count
    if threads <= 1 or count <= 1:
        for i in range(count):
            results[i] = func(i)
            if progress is not None:
                progress(i + 1, count)
        return results
    with ThreadPoolExecutor(max_workers=threads, thread_name_prefix="accord-quant") as pool:
        futures = {pool.submit(func, i): i for i in range(count)}
        try:
            for done, future in enumerate(as_completed(futures), start=1):
                results[futures[future]] = future.result()
                if progress is not None:
                    progress(done, count)
        except BaseException:
            # A failed unit (a run past its budget) ends the run: the units not started never start.
            pool.shutdown(wait=True, cancel_futures=True)
            raise
    return results


class PreparedPortfolio:
    """A simulated portfolio, ready to evaluate control sets against with common random numbers.

    Build it with `prepare(scenario)`. `evaluate(controls)` costs, per risk: nothing if the controls
    leave it unchanged; one multiplication of its annual losses if they only reduce loss per event;
    a pass over its cached events (or a re-simulation if they were not cached) if they reduce frequency.
    """

    def __init__(
        self,
        scenario: Scenario,
        inherent: list[LossVector],
        portfolio: LossVector,
        cache: EventCache,
        cache_bytes: int,
        events: list[int],
        threads: int,
    ) -> None:
        self.scenario = scenario
        self.years = scenario.years
        self.threads = threads
        self._rows = inherent
        self._portfolio_grid = portfolio.grid
        self._cache = cache
        self._keys = [risk_key(risk.id) for risk in scenario.risks]
        self._chunks = chunk_bounds(scenario.years)
        self.cached_bytes = cache_bytes
        self.events = tuple(events)
        self.inherent = self._evaluation(inherent, portfolio, [Factors()] * len(inherent))

    @property
    def cached_risks(self) -> tuple[str, ...]:
        """Ids of the risks whose every chunk is in the event cache."""
        n_chunks = len(self._chunks)
        return tuple(
            risk.id for r, risk in enumerate(self.scenario.risks) if all((r, c) in self._cache for c in range(n_chunks))
        )

    def factors(self, controls: Sequence[Control]) -> list[Factors]:
        """The per-risk factors of a control set (ValueError on an unknown risk id)."""
        combined = combine_controls(controls, self.scenario.risk_index)
        return [combined[risk.id] for risk in self.scenario.risks]

    def evaluate(
        self, controls: Sequence[Control] = (), *, threads: int | None = None, risk_statistics: bool = True
    ) -> Evaluation:
        """Residual results of `controls` against the prepared inherent events (common random numbers).

        With `risk_statistics=False` only the portfolio statistics and tolerance are computed now; each
        risk's statistics are computed when first read (same numbers), which is what a search over many
        control sets wants."""
        return self.evaluate_factors(self.factors(controls), threads=threads, risk_statistics=risk_statistics)

    def evaluate_factors(
        self, factors: Sequence[Factors], *, threads: int | None = None, risk_statistics: bool = True
    ) -> Evaluation:
        """Like `evaluate`, from per-risk factors (in scenario order)."""
        if len(factors) != len(self._rows):
            raise ValueError(f"expected {len(self._rows)} factors, got {len(factors)}")
        workers = threads or self.threads
        thinned_rows = self._thin(dict(enumerate(factors)), workers)
        thinned = [thinned_rows.get(r) for r in range(len(factors))]
        return self._assemble(factors, thinned, workers, risk_statistics=risk_statistics)

    def risk_ales(self, factors: Mapping[int, Factors], *, threads: int | None = None) -> dict[int, float]:
        """The mean annual loss of each risk `factors` names (its index in the scenario → its factors) on the
        prepared events, exactly what `evaluate_factors` gives that risk, without evaluating the others.
        A portfolio's mean annual loss is the sum of its risks' (a mean is linear), so a control's marginal
        effect needs only the risks it touches."""
        thinned = self._thin(factors, threads or self.threads)
        return {r: float(self._residual_row(r, f, thinned.get(r)).losses.mean()) for r, f in factors.items()}

    def _thin(self, factors: Mapping[int, Factors], workers: int) -> dict[int, FloatArray]:
        """The yearly sums of the risks whose frequency `factors` reduce (not to zero), from the cached events
        or re-simulated with the same random numbers where they were not cached."""
        n_chunks = len(self._chunks)
        thinned_risks = [r for r, f in factors.items() if 0.0 < f.frequency < 1.0 and f.magnitude > 0.0]
        thinned_rows = {r: np.empty(self.years) for r in thinned_risks}

        def thin_task(index: int) -> object:
            r, c = divmod(index, n_chunks)
            r = thinned_risks[r]
            start, stop = self._chunks[c]
            keep = factors[r].frequency
            entries = self._cache.get((r, c))
            out = thinned_rows[r]
            if entries is None:
                outcome = run_chunk(
                    self.scenario.risks[r], self.scenario.seed, self._keys[r], c, stop - start, keep, None
                )
                assert outcome.residual is not None  # noqa: S101 - keep was given
                out[start:stop] = outcome.residual
            else:
                for batch in entries:
                    first = start + batch.first
                    out[first : first + batch.years] = thinned_year_sums(batch, keep)
            return None

        _map_ordered(workers, thin_task, len(thinned_risks) * n_chunks)
        return thinned_rows

    def _assemble(
        self,
        factors: Sequence[Factors],
        thinned_sums: Sequence[FloatArray | None],
        workers: int,
        *,
        risk_statistics: bool,
    ) -> Evaluation:
        """Residual vectors (from thinned yearly sums where the frequency changed), portfolio, statistics."""
        rows = [self._residual_row(r, factors[r], thinned_sums[r]) for r in range(len(factors))]
        portfolio = LossVector(_portfolio_losses([row.losses for row in rows], self.years), self._portfolio_grid)
        if risk_statistics:
            _materialize(rows, workers)
        return self._evaluation(rows, portfolio, factors)

    def _residual_row(self, r: int, factor: Factors, thinned_sums: FloatArray | None) -> LossVector:
        inherent = self._rows[r]
        m = factor.magnitude
        if factor.frequency == 0.0 or m == 0.0:
            return LossVector(np.zeros(self.years), inherent.grid)
        if thinned_sums is None:
            if m == 1.0:
                return inherent
            return LossVector(inherent.losses * m, inherent.grid, scaled_from=(inherent, m))
        if m != 1.0:
            thinned_sums *= m
        return LossVector(thinned_sums, inherent.grid)

    def _evaluation(self, rows: Sequence[LossVector], portfolio: LossVector, factors: Sequence[Factors]) -> Evaluation:
        risks = tuple(
            RiskResult(id=risk.id, vector=row, frequency_factor=f.frequency, magnitude_factor=f.magnitude)
            for risk, row, f in zip(self.scenario.risks, rows, factors, strict=True)
        )
        tolerance = None
        if self.scenario.tolerance is not None:
            verdicts = tuple(
                tolerance_verdict(
                    point.loss,
                    point.max_probability,
                    exceedance(portfolio.sorted_positive, self.years, point.loss),
                    self.years,
                )
                for point in self.scenario.tolerance
            )
            tolerance = ToleranceResult.of(verdicts)
        return Evaluation(
            risks=risks,
            portfolio=portfolio.stats,
            tolerance=tolerance,
            risk_losses=tuple(row.losses for row in rows),
            portfolio_losses=portfolio.losses,
        )


def _materialize(rows: Sequence[LossVector], workers: int) -> None:
    """Compute every vector's statistics: the sorts on the thread pool (they release the GIL), the rest,
    small and Python-bound, on this thread (mixing it into the pool only makes the threads wait)."""

    def task(r: int) -> object:
        return rows[r].sorted_positive

    _map_ordered(workers, task, len(rows))
    for row in rows:
        _ = row.stats


def _portfolio_losses(rows: Sequence[FloatArray], years: int) -> FloatArray:
    """Sum of the risks' annual losses, added in scenario order (risks are independent)."""
    total = np.zeros(years)
    for row in rows:
        total += row
    return total


def _simulate_rows(
    scenario: Scenario,
    keeps: Sequence[float | None],
    threads: int,
    progress: ProgressCallback | None,
    cache_limit: int,
    run_budget: RunBudget | None = None,
) -> tuple[list[FloatArray], list[FloatArray | None], EventCache, int, list[int]]:
    meter = None
    if run_budget is not None:
        run_budget.check_expected(scenario.risks, scenario.years)
        meter = run_budget.meter([risk.id for risk in scenario.risks])
    chunks = chunk_bounds(scenario.years)
    n_chunks = len(chunks)
    keys = [risk_key(risk.id) for risk in scenario.risks]
    inherent = [np.empty(scenario.years) for _ in scenario.risks]
    residual: list[FloatArray | None] = [np.empty(scenario.years) if k is not None else None for k in keeps]
    budget = Budget(cache_limit) if cache_limit > 0 else None
    cache: EventCache = {}
    events = [0] * len(scenario.risks)
    lock = threading.Lock()

    n_risks = len(scenario.risks)

    def task(index: int) -> object:
        # Chunk-major order: the two workers start on different risks, so each risk's lazy constants
        # (exact susceptibility, PERT tables: Python-heavy) are built once, by its first chunk, while the
        # other worker runs NumPy code.
        c, r = divmod(index, n_risks)
        start, stop = chunks[c]
        charge = partial(meter.charge, r) if meter is not None else None
        if charge is not None:
            charge(0)
        warm_up(scenario.risks[r])
        outcome = run_chunk(scenario.risks[r], scenario.seed, keys[r], c, stop - start, keeps[r], budget, charge)
        inherent[r][start:stop] = outcome.inherent
        res = residual[r]
        if res is not None and outcome.residual is not None:
            res[start:stop] = outcome.residual
        with lock:
            events[r] += outcome.events
            if outcome.cached is not None:
                cache[(r, c)] = outcome.cached
        return None

    _map_ordered(threads, task, n_risks * n_chunks, progress)
    return inherent, residual, cache, budget.used if budget else 0, events


def prepare(
    scenario: Scenario,
    *,
    threads: int | None = None,
    progress: ProgressCallback | None = None,
    cache_bytes: int = DEFAULT_CACHE_BYTES,
    budget: RunBudget | None = None,
) -> PreparedPortfolio:
    """Simulate the inherent portfolio and keep what fast control-set evaluation needs.

    `cache_bytes` caps the event cache (20 bytes per event); 0 disables it (evaluations then
    re-simulate the risks whose frequency a control set reduces; results are identical either way).
    `progress(done, total)` is called after each (risk, chunk) on the calling thread. `budget` bounds
    the inherent simulation (`BudgetExceeded`, see `accord.quant.budget`).
    """
    workers = threads or default_threads()
    keeps: list[float | None] = [None] * len(scenario.risks)
    inherent, _, cache, used, events = _simulate_rows(scenario, keeps, workers, progress, cache_bytes, budget)
    return _prepared(scenario, inherent, cache, used, events, workers)


def _prepared(
    scenario: Scenario,
    inherent: list[FloatArray],
    cache: EventCache,
    used: int,
    events: list[int],
    workers: int,
) -> PreparedPortfolio:
    rows = [LossVector(row, None) for row in inherent]
    _materialize(rows, workers)
    portfolio = LossVector(_portfolio_losses(inherent, scenario.years), None)
    return PreparedPortfolio(scenario, rows, portfolio, cache, used, events, workers)


def simulate(
    scenario: Scenario,
    *,
    threads: int | None = None,
    progress: ProgressCallback | None = None,
    budget: RunBudget | None = None,
) -> Result:
    """Simulate a scenario: inherent results and, when it has controls, residual results.

    The residual thinning is computed in the same pass as the inherent events (no event cache), with
    the same streams and formulas as `PreparedPortfolio.evaluate`, so both give identical numbers.
    With a `budget`, a run whose expected or drawn events, or whose time, pass it stops with
    `BudgetExceeded` naming the risk that costs most (`accord.quant.budget`); within it, the numbers
    are those of a run without one.
    """
    workers = threads or default_threads()
    combined = combine_controls(scenario.controls, scenario.risk_index)
    factors = [combined[risk.id] for risk in scenario.risks]
    keeps: list[float | None] = [f.frequency if 0.0 < f.frequency < 1.0 else None for f in factors]
    inherent, residual_sums, _, _, events = _simulate_rows(scenario, keeps, workers, progress, 0, budget)
    prepared = _prepared(scenario, inherent, {}, 0, events, workers)
    residual: Evaluation | None = None
    if scenario.controls:
        residual = prepared._assemble(factors, residual_sums, workers, risk_statistics=True)
    models = tuple(risk.model for risk in scenario.risks)
    susceptibility = tuple(risk.susceptibility if isinstance(risk, FairRisk) else None for risk in scenario.risks)
    return Result(
        years=scenario.years,
        seed=scenario.seed,
        currency=scenario.currency,
        inherent=prepared.inherent,
        residual=residual,
        models=models,
        susceptibility=susceptibility,
    )


def result_for(prepared: PreparedPortfolio, controls: Sequence[Control] | None = None) -> Result:
    """A `Result` from a prepared portfolio and a control set (the scenario's own when None)."""
    chosen = prepared.scenario.controls if controls is None else tuple(controls)
    residual = prepared.evaluate(chosen) if chosen else None
    scenario = prepared.scenario
    return Result(
        years=scenario.years,
        seed=scenario.seed,
        currency=scenario.currency,
        inherent=prepared.inherent,
        residual=residual,
        models=tuple(risk.model for risk in scenario.risks),
        susceptibility=tuple(risk.susceptibility if isinstance(risk, FairRisk) else None for risk in scenario.risks),
    )
