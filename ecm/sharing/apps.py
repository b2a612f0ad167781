from django.apps import AppConfig


class SharingConfig(AppConfig):
    """Information sharing decisions, countersignature, corrections, and the disclosure log."""

    name = "ecm.sharing"
    label = "sharing"
    verbose_name = "Sharing"

    def ready(self) -> None:
        from ecm.core.home import register_panel
        from ecm.core.navigation import NavItem, register
        from ecm.index.record_links import register_record_links
        from ecm.sharing.home import child_record_links, sharing_panel

        register(NavItem("Sharing", "sharing:home", roles=("practitioner", "manager"), order=25))
        register_panel(sharing_panel, order=25)
        register_record_links(child_record_links)
