from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo area (``manage.py seed_demo``): the bottom layer, so it may call every app's demo."""

    name = "ecm.demo"
    label = "demo"
    verbose_name = "Demo data"
