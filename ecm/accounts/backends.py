"""Password authentication that also refuses leavers and suspended accounts."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend


class PractitionerBackend(ModelBackend):
    """Refuses a password for leavers and suspended users.

    An existing session of such a user still resolves to the user, so that the session
    middleware can end it with a message and an audit event rather than silently.
    """

    def get_user(self, user_id: Any) -> Any:
        from django.contrib.auth import get_user_model

        return get_user_model()._default_manager.filter(pk=user_id).first()

    def user_can_authenticate(self, user: Any) -> bool:
        if not super().user_can_authenticate(user):
            return False
        return not getattr(user, "is_leaver", False) and getattr(user, "suspended_at", None) is None
