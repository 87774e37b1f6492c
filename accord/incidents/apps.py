from __future__ import annotations

from django.apps import AppConfig


class IncidentsConfig(AppConfig):
    name = "accord.incidents"
    label = "incidents"
    verbose_name = "Incidents"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from accord.core import handover, reports
        from accord.core.extensions import MemberPanel, NavItem, add_member_panel, add_nav
        from accord.incidents import (
            permissions,  # noqa: F401 - registers the incidents' actions in the table
        )
        from accord.incidents.audit_types import register_incident_types
        from accord.incidents.notifications import register_incident_kinds
        from accord.incidents.reports import INCIDENT_REPORT
        from accord.incidents.selectors import held_by, member_panel
        from accord.incidents.services import do_hand_over_member_incidents

        register_incident_types()
        register_incident_kinds()
        reports.register(INCIDENT_REPORT)
        handover.register(handover.Handover("incidents", "incident role, task or lesson action", held_by,
                                            do_hand_over_member_incidents))
        add_nav(NavItem(_("Incidents"), "incidents:list", "incident.view"))
        add_member_panel(MemberPanel(template="incidents/_dashboard_tasks.html", action="incident.view",
                                     context=member_panel, order=10))
