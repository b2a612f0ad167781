from django.apps import AppConfig


class SharingConfig(AppConfig):
    name = "ecm.sharing"
    label = "sharing"
    verbose_name = "Sharing"
