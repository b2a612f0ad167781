from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "ecm.notifications"
    label = "notifications"
    verbose_name = "Notifications"
