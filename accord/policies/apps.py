from __future__ import annotations

from django.apps import AppConfig


class PoliciesConfig(AppConfig):
    name = "accord.policies"
    label = "policies"
    verbose_name = "Policies"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from accord.core import handover, reports
        from accord.core.extensions import NavItem, Panel, add_nav, add_panel
        from accord.policies import (
            permissions,  # noqa: F401 - registers the policies' actions in the table
        )
        from accord.policies.audit_types import register_policy_types
        from accord.policies.notifications import register_policy_kinds
        from accord.policies.reports import POLICY_REPORT
        from accord.policies.selectors import policies_owned_by, review_panel
        from accord.policies.services import do_hand_over_member_policies

        register_policy_types()
        register_policy_kinds()
        handover.register(handover.Handover("policies", "policy", policies_owned_by, do_hand_over_member_policies))
        add_nav(NavItem(_("Policies"), "policies:list", "policy.view"))
        add_panel(Panel(template="policies/_dashboard_panel.html", action="policies.dashboard", context=review_panel,
                        order=30))
        reports.register(POLICY_REPORT)
