from django.apps import AppConfig


class MultiagencyConfig(AppConfig):
    """Multi-agency working: panels, their referrals, meetings and outcomes; teams and secondments; caseloads."""

    name = "ecm.multiagency"
    label = "multiagency"
    verbose_name = "Multi-agency working"

    def ready(self) -> None:
        from ecm.core.home import register_panel
        from ecm.core.navigation import NavItem, register
        from ecm.index.record_links import register_record_links
        from ecm.multiagency.home import child_record_links, multiagency_panel

        register(NavItem("Panels and teams", "multiagency:home", roles=("practitioner", "manager"), order=25))
        register_panel(multiagency_panel, order=25)
        register_record_links(child_record_links)
