"""Demo IT costs: a year of budget lines per demo organisation and the actuals booked month by month up to the
last closed month, consistent with the demo initiatives and controls:

* run lines (hosting, licences, service desk, network, devices, cloud), the cloud one overspent;
* for every initiative with a budget this year, its capex and opex as lines paying for it (category change, or
  security for a security initiative); initiatives in delivery or live spend (the data centre exit over its
  budget, the ERP upgrade under), the others have spent nothing yet;
* a security line for each control of the library (its own yearly cost when it states one) and a few
  security services (SOC, awareness, penetration tests);
* a run line for each of the costliest systems of the inventory, its own yearly cost.

The controls come from the compliance demo, which is loaded first (it is idempotent). An organisation that has
budget lines is left as it is, so loading twice changes nothing. Everything goes through the services (each
line and each month audited); the actuals are one import, as a finance export would be."""

from __future__ import annotations

import hashlib

from accord.compliance import rules as control_rules
from accord.compliance.models_controls import Control
from accord.core.clock import org_today
from accord.core.demo import DemoContext
from accord.core.models import Organization
from accord.portfolio import services_costs
from accord.portfolio.models import Initiative, InitiativeBudget
from accord.portfolio.models_costs import BudgetLine
from accord.portfolio.models_systems import System

#: Run and security lines: (title, category, nature, yearly budget in minor units, how the year's spend runs
#: against it: 1.0 on budget).
LINES = (
    ("Data centre hosting", "run", "opex", 36_000_000, 1.0),
    ("Software licences", "run", "opex", 54_000_000, 1.03),
    ("Service desk contract", "run", "opex", 30_000_000, 0.94),
    ("Network and telecoms", "run", "opex", 14_000_000, 1.0),
    ("End-user devices", "run", "capex", 22_000_000, 0.9),
    ("Cloud subscriptions", "run", "opex", 18_000_000, 1.32),
    ("Security operations centre service", "security", "opex", 21_000_000, 1.0),
    ("Security awareness training", "security", "opex", 2_400_000, 0.8),
    ("Penetration tests", "security", "opex", 4_800_000, 1.15),
)
#: How an initiative's spend runs against its budget, by title (the others in delivery or live: on budget).
INITIATIVE_SPEND = {"Data centre exit to cloud": 1.18, "ERP upgrade": 0.85, "Endpoint detection rollout": 1.05}
#: What a control's line holds when the control states no cost of its own (minor units a year).
DEFAULT_CONTROL_BUDGET = 1_500_000
#: The organisations' size, applied to the run and security lines.
SCALE = {"nordpay": 1.6, "harbour-health": 1.0, "brightcart": 0.5}
SPENDING_PHASES = frozenset({"in_delivery", "live", "closed"})
#: How many of the costliest systems get a line of their own.
SYSTEM_LINES = 6


def _wobble(title: str, month: int) -> float:
    """A month's spend around its share of the year: ±6%, the same every time the demo loads."""
    digest = hashlib.sha256(f"{title}:{month}".encode()).digest()
    return 1 + (digest[0] / 255 - 0.5) * 0.12


def _lines(org: Organization, slug: str, year: int) -> list[tuple[BudgetLine, float]]:
    """Every demo line of `org` for `year`, each with how its spend runs against it."""
    scale = SCALE.get(slug, 1.0)
    made: list[tuple[BudgetLine, float]] = []

    def add(data: dict[str, object], pace: float) -> None:
        made.append((services_costs.do_create_budget_line(None, org, {"year": year, **data}), pace))

    for title, category, nature, amount, pace in LINES:
        add({"title": title, "category": category, "nature": nature, "amount": round(amount * scale)}, pace)
    budgets = {b.initiative_id: b for b in InitiativeBudget.objects.for_org(org).filter(year=year)}
    for initiative in Initiative.objects.for_org(org).order_by("number"):
        budget = budgets.get(initiative.pk)
        if budget is None:
            continue
        pace = INITIATIVE_SPEND.get(initiative.title, 1.0) if initiative.phase in SPENDING_PHASES else 0.0
        category = "security" if initiative.kind == "security" else "change"
        for nature, amount in (("capex", budget.capex), ("opex", budget.opex)):
            if amount:
                add({"title": f"{initiative.title} ({nature})", "category": category, "nature": nature,
                     "amount": amount, "initiative": initiative.pk}, pace)
    costliest = sorted((s for s in System.objects.for_org(org) if s.yearly_cost), key=lambda s: (-s.yearly_cost,
                                                                                                  s.number))
    for system in costliest[:SYSTEM_LINES]:
        add({"title": f"Running {system.ref} {system.name}"[:200], "category": "run", "nature": "opex",
             "amount": system.yearly_cost, "system": system.pk}, 1.0)
    for control in Control.objects.for_org(org).order_by("number"):
        own = control_rules.yearly_cost(build_cost=control.build_cost, run_cost=control.run_cost,
                                        build_days=control.build_days, run_days=control.run_days,
                                        day_rate=org.day_rate)
        add({"title": f"Running {control.ref}", "category": "security", "nature": "opex",
             "amount": own or DEFAULT_CONTROL_BUDGET, "control": control.pk, "notes": control.name[:200]}, 1.0)
    return made


def load_org(org: Organization, slug: str) -> tuple[int, int]:
    """Add the year's demo lines and actuals to `org` unless it has budget lines: (lines, months booked)."""
    if BudgetLine.objects.for_org(org).exists():
        return 0, 0
    today = org_today(org)
    # The months closed so far this year; in January, last year's twelve.
    year, closed = (today.year, today.month - 1) if today.month > 1 else (today.year - 1, 12)
    lines = _lines(org, slug, year)
    rows: list[tuple[int, dict[str, object]]] = []
    for line, pace in lines:
        if not pace:
            continue
        for month in range(1, closed + 1):
            amount = round(line.amount / 12 * pace * _wobble(line.title, month))
            rows.append((len(rows) + 2, {"line": line.ref, "month": f"{year}-{month:02d}", "amount": amount,
                                         "note": ""}))
    if rows:
        services_costs.do_import_actuals(None, org, rows)
    return len(lines), closed


def load(context: DemoContext) -> None:
    from accord.compliance import demo as compliance_demo

    compliance_demo.load(context)  # the controls the security lines pay for (idempotent)
    for slug, org in context.orgs.items():
        count, months = load_org(org, slug)
        if count:
            context.log(f"{slug}: {count} demo budget lines, actuals booked for {months} months")
