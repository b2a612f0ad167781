from django.apps import AppConfig


class DirectoryConfig(AppConfig):
    name = "ecm.directory"
    label = "directory"
    verbose_name = "Service directory"

    def ready(self) -> None:
        from ecm.core.navigation import NavItem, register

        register(NavItem("Find a service", "directory:search", order=30))
