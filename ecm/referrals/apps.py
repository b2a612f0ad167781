from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    """A child referred to a directory service, checked against consent and sharing decisions."""

    name = "ecm.referrals"
    label = "referrals"
    verbose_name = "Referrals to services"

    def ready(self) -> None:
        from ecm.core.home import register_panel
        from ecm.core.navigation import NavItem, register
        from ecm.index.record_sections import register_record_section
        from ecm.referrals.home import referrals_panel, referrals_record_section

        register(NavItem("Referrals", "referrals:home", roles=("practitioner", "manager"), order=25))
        register_panel(referrals_panel, order=25)
        register_record_section(referrals_record_section, order=50)
