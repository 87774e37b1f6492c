from django.apps import AppConfig


class ComplianceConfig(AppConfig):
    name = "accord.compliance"
    label = "compliance"
    verbose_name = "Compliance"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from accord.compliance import (
            permissions,  # noqa: F401 - registers the framework actions in the table
        )
        from accord.compliance.audit_types import register_compliance_types
        from accord.compliance.selectors_controls import member_controls
        from accord.compliance.services_controls import do_hand_over_member_controls
        from accord.core import handover
        from accord.core.extensions import NavItem, add_nav

        register_compliance_types()
        add_nav(NavItem(_("Frameworks"), "compliance:frameworks", "framework.view"))
        add_nav(NavItem(_("Controls"), "compliance:controls", "control.view"))
        # A leaving member's controls are handed over, audited, never nulled silently.
        handover.register(handover.Handover("controls", "control", member_controls, do_hand_over_member_controls,
                                            counted=_controls_counted))
        from accord.compliance.selectors_assessments import member_audit_work
        from accord.compliance.services_assessments import do_hand_over_member_audit_work

        # A leaving member's remediation actions and places among auditors are handed over, audited.
        handover.register(handover.Handover("audits", "audit task", member_audit_work, do_hand_over_member_audit_work,
                                            counted=_audit_work_counted))
        add_nav(NavItem(_("Audits"), "audits:list", "assessment.view"))
        add_nav(NavItem(_("Posture"), "compliance:posture", "assessment.view"))
        add_nav(NavItem(_("Statement of Applicability"), "compliance:soa", "soa.view"))
        self._ready_reports()
        from accord.compliance.selectors_posture import dashboard_panel
        from accord.core.extensions import Panel, add_panel

        # The CISO's figures on the dashboard of every role that may see the posture page.
        add_panel(Panel(template="compliance/_dashboard_posture.html", action="assessment.view",
                        context=dashboard_panel, order=12))

    def _ready_reports(self) -> None:
        """The PDF reports (jobs of the reports kit): the Statement of Applicability and the audit report."""
        from accord.compliance.reports_assessments import AUDIT_REPORT
        from accord.compliance.reports_soa import SOA_REPORT
        from accord.core import reports

        reports.register(SOA_REPORT)
        reports.register(AUDIT_REPORT)


def _controls_counted(count: int) -> str:
    from django.utils.translation import ngettext

    return ngettext("%(count)d control", "%(count)d controls", count) % {"count": count}


def _audit_work_counted(count: int) -> str:
    from django.utils.translation import ngettext

    return ngettext("%(count)d audit task", "%(count)d audit tasks", count) % {"count": count}
