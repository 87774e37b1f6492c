"""The result file: an `Outcome` as JSON-shaped data (the shape documented in docs/budget.md)."""

from __future__ import annotations

from accord.optimize.engine import Frontier, Greedy, Outcome, Verified
from accord.optimize.round import Cost
from accord.quant.results import tolerance_to_dict


def cost_dict(cost: Cost | None) -> dict[str, int] | None:
    if cost is None:
        return None
    return {"capex": cost.capex, "opex": cost.opex, "total": cost.total}


def verified_dict(verified: Verified | None) -> dict[str, object] | None:
    """Simulated residual ALE, its standard error, the risk reduced, the tolerance verdict and the gap."""
    if verified is None:
        return None
    relative = verified.gap / verified.model_ale if verified.model_ale else 0.0
    return {
        "ale": verified.ale,
        "ale_standard_error": verified.ale_standard_error,
        "inherent_ale": verified.inherent_ale,
        "risk_reduced": verified.risk_reduced,
        "model_ale": verified.model_ale,
        "gap_to_model": verified.gap,
        "gap_to_model_relative": relative,
        "tolerance": tolerance_to_dict(verified.tolerance),
    }


def _greedy(greedy: Greedy | None) -> dict[str, object] | None:
    if greedy is None:
        return None
    return {
        "chosen": list(greedy.chosen),
        "value": greedy.value,
        "cost": cost_dict(greedy.cost),
        "left_on_table": greedy.left_on_table,
        "left_on_table_share": greedy.left_on_table_share,
        "extra_cost": greedy.extra_cost,
        "violations": list(greedy.violations),
        "verified": verified_dict(greedy.verified),
    }


def frontier_dict(frontier: Frontier | None) -> dict[str, object] | None:
    if frontier is None:
        return None
    increment = frontier.next_increment
    return {
        "points": [
            {
                "scale": p.scale,
                "envelope": {"capex": p.envelope.capex, "opex": p.envelope.opex},
                "status": p.status,
                "chosen": list(p.chosen),
                "value": p.value,
                "cost": cost_dict(p.cost),
                "model_ale": p.model_ale,
                "verified": verified_dict(p.verified),
            }
            for p in frontier.points
        ],
        "next_increment": None if increment is None else {
            "scale": increment.scale,
            "envelope": {"capex": increment.envelope.capex, "opex": increment.envelope.opex},
            "extra_cost": increment.extra_cost,
            "extra_value": increment.extra_value,
            "risk_reduced": increment.risk_reduced,
            "added": list(increment.added),
            "removed": list(increment.removed),
        },
    }


def result_to_dict(outcome: Outcome) -> dict[str, object]:
    """The JSON form of a solved round."""
    rnd = outcome.round
    infeasible = outcome.infeasible
    chosen = set(outcome.chosen)
    return {
        "name": rnd.name,
        "mode": rnd.mode,
        "currency": rnd.currency,
        "years": rnd.scenario.years,
        "seed": rnd.scenario.seed,
        "status": outcome.status,
        "chosen": list(outcome.chosen),
        "value": outcome.value,
        "benefits": outcome.benefits,
        "risk_reduced": (outcome.inherent_ale - outcome.model_ale) if outcome.model_ale is not None else None,
        "cost": cost_dict(outcome.cost),
        "envelope": {"capex": rnd.envelope.capex, "opex": rnd.envelope.opex},
        "model": {
            "inherent_ale": outcome.inherent_ale,
            "residual_ale": outcome.model_ale,
            "gap": outcome.gap,
            "cuts": outcome.cuts,
            "seconds": outcome.model_seconds,
        },
        "verified": verified_dict(outcome.verified),
        "infeasible": None if infeasible is None else {
            "constraints": list(infeasible.constraints),
            "together": list(infeasible.together),
            "message": infeasible.message,
        },
        "gordon_loeb": [
            {"risks": list(f.risks), "controls": list(f.controls), "spend": f.spend,
             "expected_loss": f.expected_loss, "limit": f.limit, "reason": f.reason}
            for f in outcome.gordon_loeb
        ],
        "greedy": _greedy(outcome.greedy),
        "frontier": frontier_dict(outcome.frontier),
        "candidates": [
            {"id": c.id, "kind": c.kind, "chosen": c.id in chosen, "mandatory": c.mandatory,
             "excluded": c.excluded, "cost": cost_dict(c.cost), "benefit": c.benefit if c.kind == "initiative"
             else None}
            for c in rnd.candidates
        ],
        "timings": dict(outcome.timings),
    }
