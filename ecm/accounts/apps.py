from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "ecm.accounts"
    label = "accounts"
    verbose_name = "Accounts and organisations"

    def ready(self) -> None:
        from ecm.accounts.choices import Role
        from ecm.accounts.home import register_home_panels
        from ecm.core.navigation import NavItem, register
        from ecm.core.ratelimit import register_limit

        register(NavItem("Home", "core:home", order=0))
        register(NavItem("Practitioners", "accounts:practitioner_list", roles=(Role.SYSTEM_ADMIN,), order=70))
        register(NavItem("Organisations", "accounts:organisation_list", roles=(Role.SYSTEM_ADMIN,), order=71))
        register(NavItem("API clients", "accounts:api_client_list", roles=(Role.SYSTEM_ADMIN,), order=72))
        register(NavItem("Your account", "accounts:account", order=90))
        register_home_panels()
        # Per client address (ecm.core.ratelimit): password and second-factor attempts, and
        # the forms anyone may send without signing in.
        register_limit("sign-in", prefixes=("/sign-in/",), methods=("POST",))
        register_limit("public-form", prefixes=("/directory/families/", "/your-data/"), methods=("POST",))
