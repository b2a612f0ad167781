from django.apps import AppConfig


class LinkageConfig(AppConfig):
    name = "ecm.linkage"
    label = "linkage"
