from django.apps import AppConfig


class ConsentConfig(AppConfig):
    name = "ecm.consent"
    label = "consent"
    verbose_name = "Consent"

    def ready(self) -> None:
        from ecm.consent.home import child_record_links
        from ecm.index.record_links import register_record_links

        register_record_links(child_record_links)
