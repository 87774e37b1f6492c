from django.apps import AppConfig


class ComplianceConfig(AppConfig):
    name = "accord.compliance"
    label = "compliance"
    verbose_name = "Compliance"

    def ready(self) -> None:
        from accord.compliance import (
            permissions,  # noqa: F401 - registers the framework actions in the table
        )
        from accord.compliance.audit_types import register_compliance_types

        register_compliance_types()
