from django.apps import AppConfig


class RightsConfig(AppConfig):
    """Rights of children and families: subject access requests and rectification."""

    name = "ecm.rights"
    label = "rights"
    verbose_name = "Rights of children and families"

    def ready(self) -> None:
        from ecm.accounts.choices import Role
        from ecm.core.home import register_panel
        from ecm.core.navigation import NavItem, register
        from ecm.index.record_links import register_record_links
        from ecm.rights.home import child_record_links, rights_panel

        register(NavItem("Subject access", "rights:home", roles=(Role.DATA_MANAGER, Role.PRIVACY_OFFICER), order=60))
        register_panel(rights_panel, order=60)
        register_record_links(child_record_links)
