from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "ecm.core"
    label = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        from ecm.core import govuk_components

        govuk_components.install()
