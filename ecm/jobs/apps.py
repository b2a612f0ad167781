from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "ecm.jobs"
    label = "jobs"
    verbose_name = "Background jobs"

    def ready(self) -> None:
        from ecm.accounts.choices import Role
        from ecm.core.navigation import NavItem, register
        from ecm.jobs import schedule

        register(NavItem("Background jobs", "jobs:list", roles=(Role.SYSTEM_ADMIN,), order=72))
        schedule.register_scheduled_jobs()
