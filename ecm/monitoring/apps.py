from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    """Area monitoring of CAFs: quality assurance, aggregates, dashboards with small-number suppression, exports."""

    name = "ecm.monitoring"
    label = "monitoring"
    verbose_name = "Area monitoring"

    def ready(self) -> None:
        from ecm.core.navigation import NavItem, register
        from ecm.monitoring.access import COORDINATOR_ROLES, DASHBOARD_ROLES

        register(NavItem("Monitoring", "monitoring:dashboard", roles=DASHBOARD_ROLES, order=60))
        register(NavItem("CAF register", "monitoring:register", roles=COORDINATOR_ROLES, order=61))
