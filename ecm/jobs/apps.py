from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "ecm.jobs"
    label = "jobs"
    verbose_name = "Background jobs"

    def ready(self) -> None:
        from ecm.core.navigation import NavItem, register
        from ecm.jobs import schedule
        from ecm.jobs.access import SYSTEM_ADMIN_ROLE

        register(NavItem("Background jobs", "jobs:list", roles=(SYSTEM_ADMIN_ROLE,), order=72))
        schedule.register_scheduled_jobs()
