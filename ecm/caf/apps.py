from django.apps import AppConfig


class CafConfig(AppConfig):
    name = "ecm.caf"
    label = "caf"
