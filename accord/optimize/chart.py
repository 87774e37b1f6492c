"""The efficient frontier as an SVG chart, through the shared chart kit (`accord.charts.line_svg`).

x: the envelope (capex + opex); y: the value bought (benefits + risk reduced) and the verified residual
annual loss, both money. The round's chosen point and the next increment are marked. Labels are
parameters so that a page can pass its translated words.
"""

from __future__ import annotations

from dataclasses import dataclass

from accord.charts import LineMark, LineSeries, LineSpec, compact_amount, line_svg
from accord.optimize.engine import Outcome


@dataclass(frozen=True)
class FrontierLabels:
    title: str = "Efficient frontier"
    description: str = ("Value bought and residual annual loss (simulated) for envelopes from nothing to twice "
                        "the round's.")
    x_title: str = "Envelope (capex + opex)"
    y_title: str = "Money a year"
    value: str = "Value (benefits + risk reduced)"
    residual: str = "Residual annual loss (simulated)"
    chosen: str = "Chosen"
    next_increment: str = "Next increment: +%(value)s for +%(cost)s"
    empty: str = "No feasible envelope."


def frontier_svg(
    outcome: Outcome, labels: FrontierLabels | None = None, *, minor_digits: int = 2, standalone: bool = True
) -> str:
    """The frontier of a solved round (`solve_round(..., frontier_points=20)`) as SVG. Amounts are minor
    units; `minor_digits` (2 for EUR, 0 for JPY) makes the axes and titles read in the currency's units."""
    words = labels or FrontierLabels()
    unit = 10.0**minor_digits

    def money(amount: float) -> str:
        return compact_amount(amount / unit)

    points = outcome.frontier.points if outcome.frontier is not None else ()
    value = [(float(p.envelope.total), p.value) for p in points if p.value is not None]
    residual = [(float(p.envelope.total), p.verified.ale) for p in points if p.verified is not None]
    marks: list[LineMark] = []
    if outcome.value is not None:
        marks.append(LineMark(words.chosen, float(outcome.round.envelope.total), outcome.value))
    increment = outcome.frontier.next_increment if outcome.frontier is not None else None
    if increment is not None and outcome.value is not None:
        label = words.next_increment % {"value": money(increment.extra_value), "cost": money(increment.extra_cost)}
        marks.append(LineMark(label, float(increment.envelope.total), outcome.value + increment.extra_value))
    spec = LineSpec(
        title=words.title,
        description=words.description,
        series=[LineSeries(words.value, value), LineSeries(words.residual, residual)],
        x_title=words.x_title,
        y_title=words.y_title,
        id_prefix="frontier",
        empty_message=words.empty,
        marks=marks,
        x_format=money,
        y_format=money,
    )
    return line_svg(spec, standalone=standalone)
