from django.apps import AppConfig


class CafConfig(AppConfig):
    """The electronic Common Assessment Framework."""

    name = "ecm.caf"
    label = "caf"
    verbose_name = "Common Assessment Framework"

    def ready(self) -> None:
        from ecm.caf.home import caf_panel, caf_record_section
        from ecm.core.home import register_panel
        from ecm.core.navigation import NavItem, register
        from ecm.index.record_sections import register_record_section

        register(NavItem("CAF", "caf:home", roles=("practitioner", "manager"), order=20))
        register_panel(caf_panel, order=20)
        register_record_section(caf_record_section, order=40)
