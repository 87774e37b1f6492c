from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.apps import AppConfig

if TYPE_CHECKING:
    from accord.core.models import Organization


def dashboard_context(org: Organization) -> dict[str, Any]:
    """The risk panel of the organisation's dashboard (a module function: registering twice is a no-op)."""
    from accord.risks import portfolio, selectors

    return {"risk_dashboard": selectors.dashboard(org), "risk_money": portfolio.money_summary(org)}


class RisksConfig(AppConfig):
    name = "accord.risks"
    label = "risks"
    verbose_name = "Risk register"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from accord.core import handover, reports
        from accord.core.extensions import NavItem, Panel, add_nav, add_panel
        from accord.core.jobs import registry as jobs
        from accord.core.signals import organization_created
        from accord.risks import (
            permissions,  # noqa: F401 - registers the risk actions in the table
            quantified,
        )
        from accord.risks.audit_types import register_risk_types
        from accord.risks.notifications import register_risk_kinds
        from accord.risks.reports import REGISTER_REPORT
        from accord.risks.selectors import member_holdings
        from accord.risks.services import do_hand_over_member_risks, on_organization_created

        organization_created.connect(on_organization_created, dispatch_uid="risks-defaults")
        register_risk_types()
        # The register's simulation runs on a worker, never in the request that needs it (decision 0027).
        jobs.register_task(quantified.SIMULATE_TASK, quantified.simulate_on_worker)
        from accord.risks.jobs import KINDS

        for kind in KINDS:
            jobs.register_kind(kind)
        reports.register(REGISTER_REPORT)
        register_risk_kinds()
        # A leaving member's risks (owner, treatment owner) are handed over, audited, never nulled silently.
        handover.register(handover.Handover("risks", "risk", member_holdings, do_hand_over_member_risks,
                                            counted=_risks_counted))
        add_nav(NavItem(_("Risks"), "risks:list", "risk.view"))
        add_nav(NavItem(_("Heat map"), "risks:heatmap", "risk.view"))
        add_nav(NavItem(_("Money"), "risks:portfolio", "risk.view"))
        add_nav(NavItem(_("Appetite"), "risks:appetite", "appetite.view"))
        add_panel(Panel(template="risks/_dashboard_panel.html", action="risk.view", context=dashboard_context,
                        order=10))


def _risks_counted(count: int) -> str:
    from django.utils.translation import ngettext

    return ngettext("%(count)d risk", "%(count)d risks", count) % {"count": count}
