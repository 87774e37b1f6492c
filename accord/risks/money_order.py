"""The register in an order the simulation gives (the residual ALE or P90, `selectors.MONEY_SORTS`): the
filtered risks' ids sorted by the cached figures of `accord.risks.quantified`, a page read in one query."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple, overload

from django.db.models import QuerySet

from accord.core.models import Organization
from accord.risks import selectors
from accord.risks.quantified import portfolio_state, residual_items
from accord.risks.selectors import MONEY_SORTS, RiskFilter


@dataclass(frozen=True)
class RegisterFigures:
    """The two figures the register shows of a risk: its residual ALE and P90 (`RiskMoney.ale`, `.p90`)."""

    ale: float
    p90: float


class FiguresState(NamedTuple):
    """Risk pk → its residual ALE and P90, and how fresh they are (FRESH, STALE, PENDING)."""

    by_risk: dict[int, RegisterFigures]
    figures: str


def register_figures(org: Organization) -> FiguresState:
    """Risk pk → its residual ALE and P90, for every simulated risk, from the cached result (the same
    figures `risk_money` gives, without building a risk's curve; none when no risk has an estimate or
    none is computed yet), with their freshness."""
    result, _, freshness = portfolio_state(org)
    if result is None:
        return FiguresState({}, freshness)
    ids: Mapping[str, int] = result["risk_ids"]
    return FiguresState({ids[ref]: RegisterFigures(ale=item["ale"], p90=item["p90"])
                         for ref, item in residual_items(result).items()}, freshness)


class MoneyOrdered(Sequence[Any]):
    """The filtered register in an order the simulation gives: the risks' ids sorted in Python, and a
    slice (a page) read in one query. Paginators count it with `len` and slice it like a queryset."""

    #: Risks read per query when the whole register is iterated (an export).
    CHUNK = 1000

    def __init__(self, queryset: QuerySet[Any], ids: list[int]) -> None:
        self._queryset = queryset
        self._ids = ids

    def __len__(self) -> int:
        return len(self._ids)

    @overload
    def __getitem__(self, index: int) -> Any: ...

    @overload
    def __getitem__(self, index: slice) -> list[Any]: ...

    def __getitem__(self, index: int | slice) -> Any:
        if isinstance(index, slice):
            ids = self._ids[index]
            found = {risk.pk: risk for risk in self._queryset.filter(pk__in=ids)} if ids else {}
            return [found[pk] for pk in ids if pk in found]
        risks = self[index:index + 1] if index != -1 else self[-1:]
        if not risks:
            raise IndexError(index)
        return risks[0]

    def __iter__(self) -> Iterator[Any]:
        for start in range(0, len(self._ids), self.CHUNK):
            yield from self[start:start + self.CHUNK]


def ordered_risks(org: Organization, filters: RiskFilter | None = None, *,
                  prefetch: Sequence[str] = ()) -> QuerySet[Any] | MoneyOrdered:
    """The register filtered and sorted (`selectors.risks`), also by a figure of the simulation
    (`MONEY_SORTS`: the residual ALE or P90). A money order sorts the filtered ids by the cached figures,
    ties and risks without figures (no estimate, closed, left out) after the others in reference order,
    whichever the direction; the queries stay the same however many risks there are. `prefetch`: relations
    each risk's answer reads (the API's `systems`), one query per page each."""
    f = filters or RiskFilter()
    queryset = selectors.risks(org, f)
    if prefetch:
        queryset = queryset.prefetch_related(*prefetch)
    if f.sort not in MONEY_SORTS:
        return queryset
    figure, descending = f.sort.lstrip("-"), f.sort.startswith("-")
    figures = register_figures(org).by_risk

    def rank(pk: int) -> tuple[bool, float]:
        found = figures.get(pk)
        if found is None:
            return True, 0.0
        value: float = getattr(found, figure)
        return False, -value if descending else value

    ids = sorted(queryset.order_by("number").values_list("pk", flat=True), key=rank)  # stable: ties by ref
    return MoneyOrdered(queryset, ids)
