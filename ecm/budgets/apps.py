from django.apps import AppConfig


class BudgetsConfig(AppConfig):
    """The budget-holding lead professional: budgets, allocations, purchases and approvals."""

    name = "ecm.budgets"
    label = "budgets"
    verbose_name = "Budget-holding lead professional"

    def ready(self) -> None:
        from ecm.budgets.home import budgets_panel
        from ecm.core.home import register_panel
        from ecm.core.navigation import NavItem, register

        register(NavItem("Budgets", "budgets:home", roles=("practitioner", "manager", "system_admin"), order=45))
        register_panel(budgets_panel, order=45)
