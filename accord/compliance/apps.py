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
        from accord.core.extensions import NavItem, add_nav

        register_compliance_types()
        add_nav(NavItem(_("Frameworks"), "compliance:frameworks", "framework.view"))
