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
        from ecm.multiagency.access import case_opens_for, meeting_opens_for, team_opens_for
        from ecm.multiagency.home import child_record_links, multiagency_panel
        from ecm.notifications.links import register_link_rule

        register(NavItem("Panels and teams", "multiagency:home", roles=("practitioner", "manager"), order=25))
        register_panel(multiagency_panel, order=25)
        register_record_links(child_record_links)
        # A notification links to one of these pages only while it opens for its recipient.
        register_link_rule("multiagency:team", lambda user, kwargs: team_opens_for(user, kwargs["team_id"]))
        register_link_rule("multiagency:case", lambda user, kwargs: case_opens_for(user, kwargs["referral_id"]))
        register_link_rule("multiagency:meeting", lambda user, kwargs: meeting_opens_for(user, kwargs["meeting_id"]))
        register_link_rule("multiagency:minutes", lambda user, kwargs: meeting_opens_for(user, kwargs["meeting_id"]))
