from django.apps import AppConfig


class RisksConfig(AppConfig):
    name = "accord.risks"
    label = "risks"
    verbose_name = "Risk register"

    def ready(self) -> None:
        from accord.core.signals import organization_created
        from accord.risks import permissions  # noqa: F401 - registers the risk actions in the table
        from accord.risks.services import on_organization_created

        organization_created.connect(on_organization_created, dispatch_uid="risks-defaults")
