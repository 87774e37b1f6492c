from __future__ import annotations

from django.apps import AppConfig


class PortfolioConfig(AppConfig):
    name = "accord.portfolio"
    label = "portfolio"
    verbose_name = "IT portfolio"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from accord.core import handover
        from accord.core.extensions import NavItem, add_nav
        from accord.portfolio import (
            permissions,  # noqa: F401 - registers the portfolio actions in the table
        )
        from accord.portfolio.audit_types import register_portfolio_types
        from accord.portfolio.selectors import member_holdings
        from accord.portfolio.services import do_hand_over_member_initiatives

        register_portfolio_types()
        from accord.portfolio.notifications import register_portfolio_kinds

        register_portfolio_kinds()
        handover.register(handover.Handover("portfolio", "initiative role", member_holdings,
                                            do_hand_over_member_initiatives))
        add_nav(NavItem(_("Initiatives"), "portfolio:list", "initiative.view"))
        from accord.portfolio.selectors_objectives import objectives_owned_by
        from accord.portfolio.services_objectives import do_hand_over_member_objectives

        handover.register(handover.Handover("portfolio-objectives", "objective", objectives_owned_by,
                                            do_hand_over_member_objectives))
        add_nav(NavItem(_("Objectives"), "objectives:list", "objective.view"))
        self._ready_costs()
        self._ready_dashboards()
        self._ready_systems()

    def _ready_dashboards(self) -> None:
        """The CIO's panel and the review queue of whoever completes reviews (their context: the organisation)."""
        from accord.core.extensions import Panel, add_panel
        from accord.portfolio.selectors_dashboards import cio_panel, review_panel

        add_panel(Panel(template="portfolio/_dashboard_cio.html", action="portfolio.dashboard", context=cio_panel,
                        order=20))
        add_panel(Panel(template="portfolio/_dashboard_reviews.html", action="review.complete",
                        context=review_panel, order=15))

    def _ready_costs(self) -> None:
        """Costs: the import job, how budget lines and actuals read in the audit trail, the cost view's entry."""
        from django.utils.translation import gettext_lazy as _

        from accord.core.extensions import NavItem, add_nav
        from accord.core.jobs import registry as jobs
        from accord.portfolio.audit_types import register_cost_types
        from accord.portfolio.jobs_costs import KINDS

        for kind in KINDS:
            jobs.register_kind(kind)
        register_cost_types()
        add_nav(NavItem(_("Costs"), "costs:view", "cost.view"))

    def _ready_systems(self) -> None:
        """The systems inventory: owners handed over, its imports as jobs (decision 0046), its entry."""
        from django.utils.translation import gettext_lazy as _

        from accord.core import handover
        from accord.core.extensions import NavItem, add_nav
        from accord.core.jobs import registry as jobs
        from accord.portfolio.jobs_systems import KINDS
        from accord.portfolio.selectors_systems import systems_held_by
        from accord.portfolio.services_systems import do_hand_over_member_systems

        handover.register(handover.Handover("portfolio-systems", "system role", systems_held_by,
                                            do_hand_over_member_systems))
        for kind in KINDS:
            jobs.register_kind(kind)
        add_nav(NavItem(_("Systems"), "systems:list", "system.view"))
