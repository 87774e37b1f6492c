"""Controls in the engine's terms, for the money view (accord.risks.quantified reads both functions):

* `scenario_controls(org, refs)`: the effects of the organisation's controls on the simulated risks, as the
  scenario file's controls (`{"id": "C-001", "effects": [{"risk", "frequency", "magnitude"}]}`): those that
  count in the residual figures (implemented) and those that would add to them (planned, in progress).
* `evaluate(parsed, planned, budget=...)`: each control's marginal effect with common random numbers: the
  inherent portfolio simulated once (`accord.quant.prepare`), then evaluated with every implemented control,
  without each implemented one in turn, and with each planned one added. A control's risk reduced a year is
  the difference of the portfolio's mean annual loss between two of these evaluations, so it is exactly the
  difference of two simulations with the same random numbers.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from accord.compliance import rules
from accord.compliance.models_controls import ControlRisk
from accord.core.models import Organization

if TYPE_CHECKING:  # the engine (NumPy, Numba) is imported where a simulation needs it
    from accord.quant import Control, RunBudget, Scenario


def control_ref(number: int) -> str:
    return f"C-{number:03d}"


def scenario_controls(org: Organization, refs: Mapping[int, str]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(implemented, would add): the scenario controls of `org` with their effects on the risks `refs` names
    (risk pk → scenario ref), in control then register order; a control without an effect on one of those
    risks is left out. Two small queries, one per status group."""
    out: tuple[list[dict[str, Any]], list[dict[str, Any]]] = ([], [])
    for target, statuses in zip(out, (rules.COUNTS_IN_RESIDUAL, rules.WOULD_ADD), strict=True):
        links = (ControlRisk.objects.for_org(org).filter(control__status__in=statuses)
                 .order_by("control__number", "risk__number")
                 .values_list("control__number", "risk_id", "frequency_reduction", "loss_reduction"))
        current: dict[str, Any] | None = None
        for number, risk_id, frequency, loss in links:
            if risk_id not in refs:
                continue
            cid = control_ref(number)
            if current is None or current["id"] != cid:
                current = {"id": cid, "effects": []}
                target.append(current)
            current["effects"].append({"risk": refs[risk_id], "frequency": float(frequency),
                                       "magnitude": float(loss)})
    return out


def _within(controls: Sequence[Mapping[str, Any]], known: Mapping[str, int]) -> list[dict[str, Any]]:
    """The controls with only their effects on risks still in the scenario (the engine may leave some out)."""
    kept = []
    for control in controls:
        effects = [e for e in control["effects"] if e["risk"] in known]
        if effects:
            kept.append({**control, "effects": effects})
    return kept


def evaluate(parsed: Scenario, planned: Sequence[Mapping[str, Any]], *, budget: RunBudget | None = None,
             ) -> dict[str, Any]:
    """Each control's marginal effect on the portfolio's mean annual loss (the scenario's currency):
    `{"years", "inherent_ale", "residual_ale", "controls": [{"id", "status": "implemented"|"planned",
    "ale_with", "ale_without", "reduced"}]}`; `reduced` = ALE without it − ALE with it (the other implemented
    controls in place in both).

    The portfolio is evaluated once with every implemented control; a control changes only the risks it
    touches, and the portfolio's mean annual loss is the sum of its risks', so each control's other
    evaluation re-reads only those risks (`PreparedPortfolio.risk_ales`, the same random numbers): the
    table costs the effects the controls have, not controls × risks."""
    from accord.quant import parse_controls, prepare

    prepared = prepare(parsed, budget=budget)
    implemented = parsed.controls
    extra = parse_controls(_within(planned, parsed.risk_index), list(parsed.risk_index))
    index = parsed.risk_index
    on_risk: dict[int, list[Control]] = {}
    for control in implemented:
        for effect in control.effects:
            on_risk.setdefault(index[effect.risk], []).append(control)
    residual_eval = prepared.evaluate(implemented, risk_statistics=False)
    residual = residual_eval.portfolio.ale
    risk_ale: dict[int, float] = {}

    def base(r: int) -> float:
        if r not in risk_ale:
            risk_ale[r] = float(residual_eval.risk_losses[r].mean())
        return risk_ale[r]

    def change(control: Control, *, adding: bool) -> float:
        """The portfolio's mean annual loss moved by taking `control` out of (or adding it to) the residual."""
        touched = sorted({index[e.risk] for e in control.effects})
        related = {c.id for r in touched for c in on_risk.get(r, ())}
        others = [c for c in implemented if c.id in related and c.id != control.id]  # in the scenario's order
        combined = prepared.factors([*others, control] if adding else others)
        ales = prepared.risk_ales({r: combined[r] for r in touched})
        return sum(ales[r] - base(r) for r in touched)

    rows: list[dict[str, Any]] = []
    for control in implemented:
        without = residual + change(control, adding=False)
        rows.append({"id": control.id, "status": "implemented", "ale_with": residual, "ale_without": without,
                     "reduced": without - residual})
    for control in extra:
        with_it = residual + change(control, adding=True)
        rows.append({"id": control.id, "status": "planned", "ale_with": with_it, "ale_without": residual,
                     "reduced": residual - with_it})
    return {"years": parsed.years, "inherent_ale": prepared.inherent.portfolio.ale, "residual_ale": residual,
            "controls": rows}
