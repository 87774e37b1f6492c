"""The scenario: risks, controls and risk tolerance, as plain immutable dataclasses.

Two risk models, both simulated as the aggregate loss of each simulated year (the sum over that
year's loss events):

* `CompoundRisk`: N ~ Poisson(lambda) loss events per year, lambda constant or drawn once per year
  from `frequency` (a mixed Poisson); each event's loss drawn independently from `magnitude`.
  Annual loss S = X_1 + ... + X_N, E[S] = E[lambda] E[X].
* `FairRisk` (Open FAIR): threat events per year ~ Poisson(TEF), TEF constant or drawn once per year;
  each threat event is a loss event with probability V (the vulnerability, drawn once per year when
  uncertain, or the exact P(TCap > RS) when threat capability and resistance strength are given);
  each loss event costs a primary loss plus, with probability q (drawn once per year when
  uncertain), a secondary loss. E[S] = E[TEF V] (E[primary] + E[q] E[secondary]) when TEF, V and q
  are independent.

Controls reduce, per named risk, the loss-event frequency and/or the loss per event by fractions in
[0, 1]; several controls on one risk combine multiplicatively: factor = prod(1 - f_i).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property

from accord.quant.distributions import (
    BoundedDistribution,
    Constant,
    CountSampler,
    Distribution,
    fmt_number,
)
from accord.quant.numerics import mixed_poisson_pmf, susceptibility

# What a scenario may contain (checked by `accord.quant.scenario`, listed in docs/quant.md, "What each
# input may be"): every accepted estimate can be simulated and its figures encoded as finite numbers.
#: Largest accepted event rate (events per year): keeps one simulated year's events in memory.
MAX_RATE = 1_000_000.0
#: Largest magnitude of any other number of a distribution: a loss per event in the currency's units
#: (a thousand million million), or a point of a capability/strength scale.
MAX_AMOUNT = 1e15
#: Largest PERT shape. gamma = 4 is the classic PERT (the middle 90% of the draws spans 62% of the range);
#: at 100 it spans 16%, and near 1,000 the Beta density's normalising constant no longer fits in a double.
MAX_GAMMA = 100.0
#: Largest ratio of a lognormal's 95th to its 5th percentile (sigma <= 8.4). With the 95th percentile at
#: most MAX_AMOUNT, a draw even 20 standard deviations above the median stays below 1e82, so a year's sum
#: over a million events, a portfolio's sum over risks and the sums of their squares stay finite.
MAX_LOGNORMAL_RATIO = 1e12
#: Largest accepted number of simulated years.
MAX_YEARS = 100_000_000
DEFAULT_YEARS = 100_000
#: Largest accepted size of the annual-loss vectors a run holds (see `held_bytes`).
MAX_HELD_BYTES = 8 << 30


def held_bytes(years: int, risks: int, *, with_controls: bool) -> int:
    """Bytes of annual-loss vectors a run holds: 8 x years x (risks + 1) per evaluation, twice (the vectors
    and their sorted copies), for the inherent and, with controls, the residual evaluation."""
    evaluations = 2 if with_controls else 1
    return 8 * years * (risks + 1) * 2 * evaluations


@dataclass(frozen=True)
class CompoundRisk:
    """Poisson(lambda) events per year with lambda ~ `frequency`, each costing a draw of `magnitude`."""

    id: str
    frequency: Distribution
    magnitude: Distribution
    name: str = ""

    model = "compound"

    @property
    def mean_event_rate(self) -> float:
        """E[lambda], the expected number of loss events per year."""
        return self.frequency.mean

    @cached_property
    def count_sampler(self) -> CountSampler | None:
        """The exact distribution of a year's event count, tabulated (None: too wide, draw lambda then N)."""
        pmf = mixed_poisson_pmf(self.frequency, 1.0)
        return CountSampler(pmf) if pmf is not None else None

    @property
    def mean_event_loss(self) -> float:
        return self.magnitude.mean

    @property
    def expected_annual_loss(self) -> float:
        """E[S] = E[lambda] E[X] (Wald's identity)."""
        return self.frequency.mean * self.magnitude.mean


@dataclass(frozen=True)
class FairRisk:
    """An Open FAIR risk: TEF, vulnerability (or TCap and RS), primary and secondary loss."""

    id: str
    tef: Distribution
    primary_loss: Distribution
    vulnerability: BoundedDistribution | None = None
    tcap: BoundedDistribution | None = None
    rs: BoundedDistribution | None = None
    secondary_probability: BoundedDistribution | None = None
    secondary_loss: Distribution | None = None
    name: str = ""

    model = "fair"

    def __post_init__(self) -> None:
        if self.vulnerability is None and (self.tcap is None or self.rs is None):
            raise ValueError("give either vulnerability or both tcap and rs")
        if self.vulnerability is not None and (self.tcap is not None or self.rs is not None):
            raise ValueError("give either vulnerability or tcap and rs, not both")
        if (self.secondary_probability is None) != (self.secondary_loss is None):
            raise ValueError("secondary_probability and secondary_loss go together")

    @cached_property
    def susceptibility(self) -> float | None:
        """Exact P(TCap > RS) when TCap and RS are given, else None (see accord.quant.numerics)."""
        if self.tcap is None or self.rs is None:
            return None
        return susceptibility(self.tcap, self.rs)

    @cached_property
    def count_sampler(self) -> CountSampler | None:
        """The exact distribution of a year's loss-event count N ~ Poisson(TEF V), tabulated when V is a
        constant (given, or the exact susceptibility) and TEF's table stays small; None: draw TEF (and V) then N."""
        if self.susceptibility is not None:
            scale = self.susceptibility
        elif isinstance(self.vulnerability, Constant):
            scale = float(self.vulnerability.value)
        else:
            return None
        pmf = mixed_poisson_pmf(self.tef, scale)
        return CountSampler(pmf) if pmf is not None else None

    @property
    def mean_vulnerability(self) -> float:
        if self.vulnerability is not None:
            return self.vulnerability.mean
        assert self.susceptibility is not None  # noqa: S101 - __post_init__ guarantees it
        return self.susceptibility

    @property
    def mean_event_rate(self) -> float:
        """E[TEF V], the expected number of loss events per year (TEF and V independent)."""
        return self.tef.mean * self.mean_vulnerability

    @property
    def mean_event_loss(self) -> float:
        """E[primary] + E[q] E[secondary]."""
        loss = self.primary_loss.mean
        if self.secondary_probability is not None and self.secondary_loss is not None:
            loss += self.secondary_probability.mean * self.secondary_loss.mean
        return loss

    @property
    def expected_annual_loss(self) -> float:
        return self.mean_event_rate * self.mean_event_loss


Risk = CompoundRisk | FairRisk


@dataclass(frozen=True)
class Effect:
    """One control's effect on one risk: fractions of loss-event frequency and of loss per event removed."""

    risk: str
    frequency: float = 0.0
    magnitude: float = 0.0

    def __post_init__(self) -> None:
        for name in ("frequency", "magnitude"):
            value = getattr(self, name)
            if not (math.isfinite(value) and 0.0 <= value <= 1.0):
                raise ValueError(f"{name} must be a fraction in [0, 1], got {fmt_number(value)}")


@dataclass(frozen=True)
class Control:
    """A control and the risks it reduces."""

    id: str
    effects: tuple[Effect, ...]
    name: str = ""


@dataclass(frozen=True)
class TolerancePoint:
    """Risk tolerance: the annual probability of losing more than `loss` must not exceed `max_probability`."""

    loss: float
    max_probability: float

    def __post_init__(self) -> None:
        if not (math.isfinite(self.loss) and self.loss > 0):
            raise ValueError(f"loss must be > 0, got {fmt_number(self.loss)}")
        if not (math.isfinite(self.max_probability) and 0.0 <= self.max_probability <= 1.0):
            raise ValueError(f"max_probability must be in [0, 1], got {fmt_number(self.max_probability)}")


@dataclass(frozen=True)
class Factors:
    """Per-risk multipliers from a control set: rate x frequency, loss per event x magnitude."""

    frequency: float = 1.0
    magnitude: float = 1.0


def combine_controls(controls: Iterable[Control], risk_ids: Iterable[str]) -> dict[str, Factors]:
    """Combine controls multiplicatively per risk: factor = prod over controls of (1 - fraction).

    Two 50% frequency controls leave 0.5 x 0.5 = 25% of the events, never 0%. Raises `ValueError` for
    an effect on an unknown risk.
    """
    known = list(risk_ids)
    freq = dict.fromkeys(known, 1.0)
    mag = dict.fromkeys(known, 1.0)
    for control in controls:
        for effect in control.effects:
            if effect.risk not in freq:
                raise ValueError(f"control {control.id!r} names unknown risk {effect.risk!r}")
            freq[effect.risk] *= 1.0 - effect.frequency
            mag[effect.risk] *= 1.0 - effect.magnitude
    return {rid: Factors(frequency=freq[rid], magnitude=mag[rid]) for rid in known}


@dataclass(frozen=True)
class Scenario:
    """Everything one simulation needs. Build it with `parse_scenario` for path-precise validation."""

    risks: tuple[Risk, ...]
    controls: tuple[Control, ...] = ()
    tolerance: tuple[TolerancePoint, ...] | None = None
    years: int = DEFAULT_YEARS
    seed: int = 0
    currency: str | None = None
    name: str = ""
    risk_index: Mapping[str, int] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not self.risks:
            raise ValueError("a scenario needs at least one risk")
        index: dict[str, int] = {}
        for i, risk in enumerate(self.risks):
            if risk.id in index:
                raise ValueError(f"duplicate risk id {risk.id!r}")
            index[risk.id] = i
        object.__setattr__(self, "risk_index", index)
        if isinstance(self.years, bool) or not 0 < self.years <= MAX_YEARS:
            raise ValueError(f"years must be an integer in [1, {MAX_YEARS}], got {self.years!r}")
        held = held_bytes(self.years, len(self.risks), with_controls=bool(self.controls))
        if held > MAX_HELD_BYTES:
            raise ValueError(
                f"{self.years} years x {len(self.risks)} risks would hold {held / 2**30:.1f} GiB of annual losses "
                f"(limit {MAX_HELD_BYTES >> 30} GiB); simulate fewer years"
            )
        if isinstance(self.seed, bool) or self.seed < 0:
            raise ValueError(f"seed must be a non-negative integer, got {self.seed!r}")
        combine_controls(self.controls, index)  # raises ValueError on an unknown risk

    @property
    def has_controls(self) -> bool:
        return bool(self.controls)
