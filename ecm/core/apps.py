from typing import Any

from django.apps import AppConfig


def _log_sign_in_failure(sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any) -> None:
    """A failed sign-in, for the operations log (the audit trail records it too): no username, no password."""
    import structlog

    structlog.get_logger("ecm.accounts").warning("sign_in.failed", path=getattr(request, "path", None))


class CoreConfig(AppConfig):
    name = "ecm.core"
    label = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_login_failed

        from ecm.core import govuk_components

        govuk_components.install()
        user_login_failed.connect(_log_sign_in_failure, dispatch_uid="ecm.core.log_sign_in_failure")
