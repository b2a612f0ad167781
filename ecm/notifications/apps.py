from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "ecm.notifications"
    label = "notifications"
    verbose_name = "Notifications"

    def ready(self) -> None:
        from ecm.accounts.backends import register_user_fact, user_fact
        from ecm.core import rows
        from ecm.core.navigation import NavItem, register
        from ecm.jobs.registry import register_job
        from ecm.notifications import jobs
        from ecm.notifications.models import Notification
        from ecm.notifications.selectors import UNREAD_WHERE, unread_count_for

        register_job(
            "notifications.email",
            jobs.deliver_notification_email,
            label="E-mail a notification",
            actor_name="mail-sender",
        )
        register_job(
            "accounts.set_password_email",
            jobs.deliver_set_password_email,
            label="E-mail a set-password link",
            actor_name="mail-sender",
        )
        # The unread count in every signed-in page's navigation is read with the user (one
        # statement fewer per page); read on its own for a user loaded some other way.
        register_user_fact(
            "notifications.unread",
            f"SELECT count(*) FROM {rows.table(Notification)} WHERE recipient_id = {{user_id}} AND {UNREAD_WHERE}",  # noqa: S608
        )

        def unread(user: object) -> int:
            held = user_fact(user, "notifications.unread")
            return int(held) if held is not None else unread_count_for(user=user)

        register(NavItem("Notifications", "notifications:list", order=88, count=unread))
