"""Password authentication that also refuses leavers and suspended accounts."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.db import models


class _Joined(models.Aggregate):
    """The texts of a group joined by commas (role codes have none)."""

    function = "STRING_AGG"
    template = "%(function)s(%(expressions)s, ',')"
    output_field = models.TextField()

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return super().as_sql(compiler, connection, function="GROUP_CONCAT", **extra)


class PractitionerBackend(ModelBackend):
    """Refuses a password for leavers and suspended users.

    An existing session of such a user still resolves to the user, so that the session
    middleware can end it with a message and an audit event rather than silently.
    """

    def get_user(self, user_id: Any) -> Any:
        """The session's user with their organisation and roles in one query (every signed-in request)."""
        from django.contrib.auth import get_user_model
        from django.db.models import OuterRef, Subquery

        from ecm.accounts.models import RoleAssignment

        roles = (
            RoleAssignment.objects.filter(user=OuterRef("pk"))
            .order_by()
            .values("user")
            .annotate(codes=_Joined("role"))
            .values("codes")
        )
        user = (
            get_user_model()
            ._default_manager.select_related("organisation")
            .annotate(role_list=Subquery(roles))
            .filter(pk=user_id)
            .first()
        )
        if user is not None:
            user._role_codes = frozenset(code for code in (user.role_list or "").split(",") if code)
        return user

    def user_can_authenticate(self, user: Any) -> bool:
        if not super().user_can_authenticate(user):
            return False
        return not getattr(user, "is_leaver", False) and getattr(user, "suspended_at", None) is None
