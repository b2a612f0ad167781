from django.apps import AppConfig


class IndexConfig(AppConfig):
    name = "ecm.index"
    label = "index"
    verbose_name = "Child index"

    def ready(self) -> None:
        from ecm.index.retention import autodiscover

        autodiscover()  # every app's retention.py registers what it holds about a child
        from django.db.models.signals import post_delete, post_save

        from ecm.accounts.models import Organisation
        from ecm.index.universal import forget_organisation_choices

        # The search form's list of schools and GP practices, kept per process, is read again.
        post_save.connect(forget_organisation_choices, sender=Organisation, dispatch_uid="index-organisation-choices")
        post_delete.connect(forget_organisation_choices, sender=Organisation, dispatch_uid="index-organisation-choices")
        from ecm.core.navigation import NavItem, register
        from ecm.index.access import INDEX_USER_ROLES

        register(NavItem("Find a child", "index:search", roles=tuple(INDEX_USER_ROLES), order=10))
        register(NavItem("Index requests", "index:broker", roles=("index_admin",), order=12))
        register(NavItem("No school or GP", "index:universal_gaps", roles=("index_admin", "data_manager"), order=11))
