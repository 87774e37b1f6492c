"""How the portfolio's object types read in the audit trail (accord.core.history): initiatives by
reference and title, members and risks by name, codes by label. Registered by PortfolioConfig.ready()."""

from __future__ import annotations

from accord.core.history import ObjectType, Ref, register
from accord.portfolio import selectors, selectors_objectives, selectors_systems
from accord.portfolio.choices import ConditionStatus, ExceptionStatus, Gate, Health, InitiativeKind, Outcome, Phase
from accord.portfolio.choices_systems import Criticality, DataClassification, Hosting, SystemKind, TimeClass

_PEOPLE = {"sponsor": Ref("core.membership"), "owner": Ref("core.membership"), "reviewer": Ref("core.membership")}


def register_portfolio_types() -> None:
    register("portfolio.initiative", ObjectType("Initiative", name=selectors.initiative_names, fields={
        **_PEOPLE, "kind": InitiativeKind, "phase": Phase, "health": Health},
        labels={"benefit_low": "Yearly benefit, 5th percentile", "benefit_high": "Yearly benefit, 95th percentile"}))
    register("portfolio.initiativebudget", ObjectType("Initiative budget", fields={
        "initiative": Ref("portfolio.initiative")}))
    register("portfolio.securityreview", ObjectType("Security review", fields={
        **_PEOPLE, "initiative": Ref("portfolio.initiative"), "gate": Gate, "outcome": Outcome}))
    register("portfolio.reviewcondition", ObjectType("Review condition", fields={
        **_PEOPLE, "status": ConditionStatus}))
    register("portfolio.gateexception", ObjectType("Gate exception", fields={
        "initiative": Ref("portfolio.initiative"), "gate": Gate, "status": ExceptionStatus},
        labels={"slot": "Signed as"}))
    register("portfolio.portfoliosettings", ObjectType("Portfolio settings", labels={
        "review_target_days": "Review target (working days)", "discount_rate": "Discount rate"}))
    register("portfolio.objective", ObjectType("Objective", name=selectors_objectives.objective_names,
                                               fields={"owner": Ref("core.membership")},
                                               labels={"horizon_start": "Horizon start", "horizon_end": "Horizon end"}))
    register("portfolio.keyresult", ObjectType("Key result", fields={"objective": Ref("portfolio.objective")},
                                               labels={"due_on": "Due on"}))
    register("portfolio.initiativeobjective", ObjectType("Contribution to an objective", fields={
        "initiative": Ref("portfolio.initiative"), "objective": Ref("portfolio.objective")}))
    register("portfolio.system", ObjectType("System", name=selectors_systems.system_names, fields={
        "business_owner": Ref("core.membership"), "it_owner": Ref("core.membership"), "kind": SystemKind,
        "criticality": Criticality, "data_classification": DataClassification, "hosting": Hosting,
        "time_class": TimeClass}, labels={"rto_hours": "RTO (hours)", "rpo_hours": "RPO (hours)",
                                          "time_class": "TIME", "time_reason": "TIME reason",
                                          "end_of_support_on": "Vendor end of support"}))
    register("portfolio.risksystem", ObjectType("Risk affecting a system", fields={
        "risk": Ref("risks.risk"), "system": Ref("portfolio.system")}))


def register_cost_types() -> None:
    """Budget lines by reference and title, with the initiative and control they pay for; actuals by line."""
    from accord.portfolio.choices import CostCategory, CostNature
    from accord.portfolio.selectors_costs import budget_line_names

    register("portfolio.budgetline", ObjectType("Budget line", name=budget_line_names, fields={
        "initiative": Ref("portfolio.initiative"), "control": Ref("compliance.control"),
        "system": Ref("portfolio.system"), "category": CostCategory,
        "nature": CostNature}))
    register("portfolio.actual", ObjectType("Actual", fields={"budget_line": Ref("portfolio.budgetline")}))
