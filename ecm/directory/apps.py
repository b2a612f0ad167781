from django.apps import AppConfig


class DirectoryConfig(AppConfig):
    name = "ecm.directory"
    label = "directory"
    verbose_name = "Service directory"

    def ready(self) -> None:
        from ecm.core.navigation import NavItem, register
        from ecm.core.ratelimit import register_limit
        from ecm.directory.access import DIRECTORY_TEAM_ROLES
        from ecm.directory.api.views import too_many_requests

        register(NavItem("Find a service", "directory:search", order=30))
        register(NavItem("Directory team", "directory:team", roles=DIRECTORY_TEAM_ROLES, order=31))
        # The anonymous Open Referral API, per client address, answered in JSON with CORS.
        register_limit(
            "directory-api", prefixes=("/openreferral/",), methods=("GET", "HEAD", "OPTIONS"), respond=too_many_requests
        )
