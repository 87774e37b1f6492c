"""Scenario generators shared by bench/quant.py (deterministic: the same portfolios every run)."""

from __future__ import annotations

import numpy as np

RISKS = 100
YEARS = 100_000


def _r(x: float) -> float:
    return float(f"{x:.4g}")


def fair_portfolio(risks: int = RISKS, years: int = YEARS, seed: int = 7) -> dict[str, object]:
    """Open FAIR risks with PERT inputs only (what pyfair accepts): TEF, TCap, RS, primary loss,
    secondary probability and secondary loss."""
    rng = np.random.default_rng(seed)
    items = []
    for i in range(risks):
        tef_mode = _r(rng.uniform(0.2, 6.0))
        tcap_mode = _r(rng.uniform(0.35, 0.75))
        rs_mode = _r(rng.uniform(0.4, 0.8))
        pl_mode = _r(10 ** rng.uniform(3.5, 5.5))
        sl_mode = _r(10 ** rng.uniform(4.0, 6.0))
        q_mode = _r(rng.uniform(0.05, 0.4))
        items.append(
            {
                "id": f"fair-{i:03d}",
                "fair": {
                    "tef": {"pert": [_r(tef_mode / 4), tef_mode, _r(tef_mode * 3)]},
                    "tcap": {"pert": [_r(tcap_mode - 0.3), tcap_mode, _r(min(tcap_mode + 0.2, 1.0))]},
                    "rs": {"pert": [_r(rs_mode - 0.3), rs_mode, _r(min(rs_mode + 0.2, 1.0))]},
                    "primary_loss": {"pert": [_r(pl_mode / 5), pl_mode, _r(pl_mode * 8)]},
                    "secondary_probability": {"pert": [_r(q_mode / 2), q_mode, _r(min(q_mode * 2, 1.0))]},
                    "secondary_loss": {"pert": [_r(sl_mode / 5), sl_mode, _r(sl_mode * 10)]},
                },
            }
        )
    return {"years": years, "seed": 42, "currency": "EUR", "risks": items}


def compound_portfolio(
    risks: int = RISKS, years: int = YEARS, seed: int = 11, low_decades: tuple[float, float] = (3.0, 5.0)
) -> dict[str, object]:
    """Compound Poisson-lognormal risks: half with a constant rate, half with an uncertain (PERT) rate; each
    lognormal's 5th percentile is 10^u, u uniform in `low_decades` (money units: 3 to 5 is 1,000 to 100,000)."""
    rng = np.random.default_rng(seed)
    items = []
    for i in range(risks):
        rate = _r(10 ** rng.uniform(-1.5, 0.8))
        low = _r(10 ** rng.uniform(*low_decades))
        high = _r(low * 10 ** rng.uniform(1.0, 2.5))
        frequency: dict[str, object] = {"pert": [_r(rate / 3), rate, _r(rate * 3)]} if i % 2 else {"constant": rate}
        items.append({"id": f"risk-{i:03d}", "frequency": frequency, "magnitude": {"lognormal_ci90": [low, high]}})
    return {"years": years, "seed": 42, "currency": "EUR", "risks": items}


def control_set(
    scenario: dict[str, object], seed: int = 3, controls: int = 25, named: tuple[int, int] = (4, 11)
) -> list[dict[str, object]]:
    """A control set touching most risks: each control reduces the frequency and/or magnitude of `named[0]`
    to `named[1] - 1` risks (4 to 10 by default)."""
    rng = np.random.default_rng(seed)
    risks = scenario["risks"]
    if not isinstance(risks, list):
        raise TypeError("scenario['risks'] must be a list")
    ids = [r["id"] for r in risks]
    out = []
    for c in range(controls):
        chosen = rng.choice(len(ids), size=min(int(rng.integers(*named)), len(ids)), replace=False)
        effects = []
        for k in chosen:
            effect: dict[str, object] = {"risk": ids[int(k)]}
            kind = int(rng.integers(0, 3))
            if kind in (0, 2):
                effect["frequency"] = _r(rng.uniform(0.1, 0.6))
            if kind in (1, 2):
                effect["magnitude"] = _r(rng.uniform(0.1, 0.6))
            effects.append(effect)
        out.append({"id": f"control-{c:02d}", "effects": effects})
    return out
