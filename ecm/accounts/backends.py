"""Password authentication that also refuses leavers and suspended accounts."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import ValidationError


class PractitionerBackend(ModelBackend):
    """Refuses a password for leavers and suspended users.

    An existing session of such a user still resolves to the user, so that the session
    middleware can end it with a message and an audit event rather than silently.
    """

    def get_user(self, user_id: Any) -> Any:
        """The session's user with their organisation and roles in one statement (every signed-in
        request), its select list written once per process (``ecm.core.rows``)."""
        from django.contrib.auth import get_user_model
        from django.db import DEFAULT_DB_ALIAS, connections

        from ecm.accounts.models import Organisation, RoleAssignment
        from ecm.core import rows

        user_model = get_user_model()
        try:
            pk = user_model._meta.pk.to_python(user_id)
        except ValidationError:
            return None
        connection = connections[DEFAULT_DB_ALIAS]
        joined = "group_concat" if connection.vendor == "sqlite" else "string_agg"
        users, organisations, roles = rows.table(user_model), rows.table(Organisation), rows.table(RoleAssignment)
        sql = (
            f"SELECT {rows.columns(user_model)}, {rows.columns(Organisation)}, "  # noqa: S608
            f"(SELECT {joined}(r.role, ',') FROM {roles} r WHERE r.user_id = {users}.id) "
            f"FROM {users} LEFT JOIN {organisations} ON {organisations}.id = {users}.organisation_id "
            f"WHERE {users}.id = %s"
        )
        found = rows.select(sql, [pk], using=DEFAULT_DB_ALIAS)
        if not found:
            return None
        user = rows.instances(user_model, found, using=DEFAULT_DB_ALIAS)[0]
        organisation = None
        if user.organisation_id is not None:
            organisation = rows.instances(Organisation, found, using=DEFAULT_DB_ALIAS, start=rows.width(user_model))[0]
        user_model._meta.get_field("organisation").set_cached_value(user, organisation)  # as select_related does
        codes = found[0][rows.width(user_model) + rows.width(Organisation)]
        user._role_codes = frozenset(code for code in (codes or "").split(",") if code)
        return user

    def user_can_authenticate(self, user: Any) -> bool:
        if not super().user_can_authenticate(user):
            return False
        return not getattr(user, "is_leaver", False) and getattr(user, "suspended_at", None) is None
