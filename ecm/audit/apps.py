from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "ecm.audit"
    label = "audit"
    verbose_name = "Audit trail"

    def ready(self) -> None:
        from ecm.core.navigation import NavItem, register

        register(NavItem("Audit trail", "audit:event_list", roles=("privacy_officer", "system_admin"), order=80))
