from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "ecm.notifications"
    label = "notifications"
    verbose_name = "Notifications"

    def ready(self) -> None:
        from ecm.core.navigation import NavItem, register
        from ecm.jobs.registry import register_job
        from ecm.notifications import jobs
        from ecm.notifications.selectors import unread_count_for

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
        register(
            NavItem("Notifications", "notifications:list", order=88, count=lambda user: unread_count_for(user=user))
        )
