from django.apps import AppConfig


class MisuseConfig(AppConfig):
    """Misuse review: alert rules over the audit trail and the privacy officer's queue."""

    name = "ecm.misuse"
    label = "misuse"
    verbose_name = "Misuse review"

    def ready(self) -> None:
        from ecm.audit.hooks import register_event_hook
        from ecm.core.navigation import NavItem, register
        from ecm.misuse.hooks import on_audit_event

        register_event_hook(on_audit_event)
        register(NavItem("Misuse alerts", "misuse:queue", roles=("privacy_officer",), order=60))
