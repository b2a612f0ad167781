from django.apps import AppConfig


class CafConfig(AppConfig):
    """The electronic Common Assessment Framework."""

    name = "ecm.caf"
    label = "caf"
    verbose_name = "Common Assessment Framework"

    def ready(self) -> None:
        from ecm.caf.home import caf_panel
        from ecm.core.home import register_panel
        from ecm.core.navigation import NavItem, register

        register(NavItem("CAF", "caf:home", roles=("practitioner", "manager"), order=20))
        register_panel(caf_panel, order=20)
