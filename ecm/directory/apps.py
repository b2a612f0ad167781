from django.apps import AppConfig


class DirectoryConfig(AppConfig):
    name = "ecm.directory"
    label = "directory"
    verbose_name = "Service directory"

    def ready(self) -> None:
        from ecm.core.navigation import NavItem, register
        from ecm.directory.access import DIRECTORY_TEAM_ROLES

        register(NavItem("Find a service", "directory:search", order=30))
        register(NavItem("Directory team", "directory:team", roles=DIRECTORY_TEAM_ROLES, order=31))
