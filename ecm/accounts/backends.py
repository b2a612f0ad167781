"""Password authentication that also refuses leavers and suspended accounts."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend


class PractitionerBackend(ModelBackend):
    def user_can_authenticate(self, user: Any) -> bool:
        if not super().user_can_authenticate(user):
            return False
        return not getattr(user, "is_leaver", False) and getattr(user, "suspended_at", None) is None
