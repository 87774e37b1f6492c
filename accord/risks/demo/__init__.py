"""Demo risk registers for the three demo organisations, and `accord demo --scale N`.

Each organisation gets a register written for its trade (a payments fintech, a hospital group, an
online retailer), a signed risk appetite with money tolerance points and a few acceptances. Some
risks are in money through 90% ranges, two or three through an Open FAIR breakdown, and several
treatments have a recorded effect, so the Money page shows inherent and residual curves. Nordpay's
newest appetite is a draft the CISO has signed and the CIO has not, so the "awaiting signature"
state is on show. An organisation that already has risks only gets the money data its risks lack
(a demo loaded before the money view existed), so loading twice changes nothing.

`load` is the hook `accord.core.demo` calls. The package holds what a register is made of (`specs`),
the three registers (`nordpay`, `harbour_health`, `brightcart`), how one is loaded (`loading`) and the
synthetic risks of `--scale` (`scale`).
"""

from __future__ import annotations

from accord.core.demo import DemoContext
from accord.risks.demo.brightcart import BRIGHTCART
from accord.risks.demo.harbour_health import HARBOUR
from accord.risks.demo.loading import add_money, load_register
from accord.risks.demo.nordpay import NORDPAY
from accord.risks.demo.scale import SCALE_CHUNK, SCALE_SLUG, fill, load_scale, synthetic_rows
from accord.risks.demo.specs import Acceptance, Appetite, Money, R, Register
from accord.risks.models import Risk

REGISTERS = {"nordpay": NORDPAY, "harbour-health": HARBOUR, "brightcart": BRIGHTCART}

__all__ = [
    "BRIGHTCART",
    "HARBOUR",
    "NORDPAY",
    "REGISTERS",
    "SCALE_CHUNK",
    "SCALE_SLUG",
    "Acceptance",
    "Appetite",
    "Money",
    "R",
    "Register",
    "add_money",
    "fill",
    "load",
    "load_register",
    "synthetic_rows",
]


def load(ctx: DemoContext) -> None:
    """Demo registers for the demo organisations (one that has risks only gets missing money data), then
    `--scale`."""
    for slug, register in REGISTERS.items():
        org = ctx.orgs.get(slug)
        if org is None:
            continue
        if not Risk.objects.for_org(org).exists():
            ctx.log(f"risks: {load_register(org, register)} demo risks in {slug}")
        elif changed := add_money(org, register):
            ctx.log(f"risks: money estimates added to {changed} demo risks in {slug}")
    if ctx.scale > 0:
        load_scale(ctx)
