from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "accord.core"
    label = "core"
    verbose_name = "Accord core"

    def ready(self) -> None:
        from allauth.mfa.signals import authenticator_added

        from accord.core import checks  # noqa: F401 - registers the system checks
        from accord.core.audit_types import register_core_types
        from accord.core.auth import note_second_factor_set_up
        from accord.core.jobs.periodic import register_core_periodic
        from accord.core.notifications.kinds import register_core_kinds
        from accord.core.notifications.periodic import register_notification_work

        register_core_types()
        register_core_periodic()
        register_core_kinds()
        register_notification_work()

        authenticator_added.connect(note_second_factor_set_up, dispatch_uid="accord-second-factor-set-up")

