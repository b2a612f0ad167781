from django.apps import AppConfig


class ConsentConfig(AppConfig):
    name = "ecm.consent"
    label = "consent"
    verbose_name = "Consent"
