"""The IT portfolio's rows of the permission table."""

from accord.core.choices import Role
from accord.core.permissions import READERS, Action, register

_WRITERS = frozenset({Role.ADMIN, Role.CIO, Role.CISO, Role.DPO, Role.CONTRIBUTOR})
_PORTFOLIO_LEADS = frozenset({Role.ADMIN, Role.CIO})

register(
    Action("initiative.view", "See the IT initiatives, their budgets, financials, security reviews and history",
           READERS),
    Action("initiative.create", "Add IT initiatives", _WRITERS),
    Action("initiative.change", "Edit IT initiatives and their yearly budgets", _WRITERS),
    Action("initiative.advance", "Move an initiative to its next phase (a gated move needs its security review "
                                 "approved, or a co-signed gate exception in force)", _PORTFOLIO_LEADS),
    Action("review.open", "Open the security review of an initiative's current gate", _WRITERS),
    # The governance profile narrows it (rules.may_complete_review): the CISO (internal or external), or the
    # hybrid CIO-CISO; an admin only records the decision of an external CISO.
    Action("review.complete", "Complete a security review with its outcome and conditions (the CISO, or the "
                              "hybrid CIO-CISO when the governance profile names one; an admin records an "
                              "external CISO's decision)",
           frozenset({Role.ADMIN, Role.CIO, Role.CISO})),
    Action("condition.close", "Mark a condition of a security review done", _WRITERS),
    Action("gateexception.request", "Ask to move an initiative past a gate without a completed review, with "
                                    "reasons (co-signed as a risk acceptance above tolerance), and withdraw such a "
                                    "request", _PORTFOLIO_LEADS),
    Action("gateexception.sign", "Sign a gate exception (when the governance profile names you)",
           frozenset({Role.ADMIN, Role.CIO, Role.CISO, Role.VIEWER})),
    Action("portfolio.settings", "Change the portfolio settings: review target, discount rate, gated kinds, "
                                 "review checklist", frozenset({Role.ADMIN, Role.CIO, Role.CISO})),
)

# Objectives (accord/portfolio/models_objectives.py): who sets the business objectives IT serves.
_OBJECTIVE_WRITERS = frozenset({Role.ADMIN, Role.CIO, Role.CISO})
register(
    Action("objective.view", "See the business objectives, their key results and progress, and which initiatives "
                             "serve them", READERS),
    Action("objective.change", "Add, edit and remove objectives and their key results, and say which initiatives "
                               "contribute to them (with a weight)", _OBJECTIVE_WRITERS),
)

# Costs (accord/portfolio/models_costs.py): budget lines and the actuals booked against them.
_COST_WRITERS = frozenset({Role.ADMIN, Role.CIO, Role.CISO})
register(
    Action("cost.view", "See the IT budget lines, their actuals and variances, and the cost view", READERS),
    Action("cost.change", "Add, edit and remove budget lines (the CISO keeps the security lines)", _COST_WRITERS),
    Action("cost.import", "Import actuals from a file (CSV or XLSX), all or nothing",
           frozenset({Role.ADMIN, Role.CIO})),
    Action("portfolio.dashboard", "See the portfolio panel of the dashboard: objectives' progress, initiatives by "
                                  "phase and health, budget against actual, security reviews waiting and on whom, "
                                  "systems reaching end of support",
           frozenset({Role.ADMIN, Role.CIO, Role.VIEWER})),
)

# Systems inventory (accord/portfolio/models_systems.py): everyone reads it; writers keep it; the CIO decides TIME.
_SYSTEM_IMPORTERS = frozenset({Role.ADMIN, Role.CIO, Role.CISO})
register(
    Action("system.view", "See the systems inventory: systems, their dependencies and what breaks, components, "
                          "linked risks and the security input into TIME", READERS),
    Action("system.change", "Add, edit and remove systems, their dependencies and links to risks; import a "
                            "system's components from a CycloneDX SBOM", _WRITERS),
    Action("system.import", "Import the systems inventory from CSV or XLSX", _SYSTEM_IMPORTERS),
    Action("system.export", "Export the systems inventory (CSV, XLSX)", READERS),
    Action("system.decide_time", "Decide a system's TIME classification (Tolerate, Invest, Migrate, Eliminate)",
           _PORTFOLIO_LEADS),
)
