from __future__ import annotations

from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "accord.privacy"
    label = "privacy"
    verbose_name = "Privacy (the DPO's office)"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from accord.core import handover, reports
        from accord.core.extensions import NavItem, Panel, add_nav, add_panel
        from accord.privacy import (
            permissions,  # noqa: F401 - registers the privacy actions in the table
        )
        from accord.privacy.audit_types import register_privacy_types
        from accord.privacy.audit_types_dpias import register_dpia_types
        from accord.privacy.audit_types_ropa import register_ropa_types
        from accord.privacy.notifications_dpias import register_dpia_kinds
        from accord.privacy.reports_dpias import DPIA_REPORT
        from accord.privacy.reports_ropa import ROPA_REPORT
        from accord.privacy.selectors_dashboard import dpo_panel
        from accord.privacy.selectors_requests import requests_assigned_to
        from accord.privacy.services_requests import do_hand_over_member_requests

        register_privacy_types()
        register_ropa_types()
        register_dpia_types()
        register_dpia_kinds()
        reports.register(ROPA_REPORT)
        reports.register(DPIA_REPORT)
        handover.register(handover.Handover("privacy-requests", "data-subject request", requests_assigned_to,
                                            do_hand_over_member_requests))
        add_nav(NavItem(_("Record of processing"), "ropa:register", "privacy.ropa.view"))
        add_nav(NavItem(_("DPIAs"), "dpias:list", "privacy.dpia.view"))
        add_nav(NavItem(_("Data-subject requests"), "privacy:requests", "privacy.request.view"))
        add_nav(NavItem(_("Breaches"), "privacy:breaches", "privacy.breach.view"))
        add_panel(Panel(template="privacy/_dashboard_dpo.html", action="privacy.dashboard", context=dpo_panel,
                        order=25))
        self._ready_discovery()

    def _ready_discovery(self) -> None:
        """The data-privacy audit: its import job, notification, report, audit-trail names and navigation."""
        from django.utils.translation import gettext_lazy as _

        from accord.core import handover, reports
        from accord.core.extensions import NavItem, add_nav
        from accord.core.jobs import registry as jobs
        from accord.privacy.audit_types_discovery import register_discovery_types
        from accord.privacy.jobs_discovery import KINDS
        from accord.privacy.notifications_discovery import register_discovery_kinds
        from accord.privacy.reports_discovery import DATA_AUDIT_REPORT
        from accord.privacy.selectors_discovery import questionnaires_sent_to
        from accord.privacy.services_discovery import do_hand_over_member_questionnaires

        for kind in KINDS:
            jobs.register_kind(kind)
        register_discovery_types()
        register_discovery_kinds()
        reports.register(DATA_AUDIT_REPORT)
        handover.register(handover.Handover("privacy-questionnaires", "data-inventory questionnaire",
                                            questionnaires_sent_to, do_hand_over_member_questionnaires))
        add_nav(NavItem(_("Data-privacy audits"), "dataaudits:list", "privacy.data_audit.view"))
