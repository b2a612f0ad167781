"""Password authentication that also refuses leavers and suspended accounts."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import ValidationError

# Facts about the signed-in user that other apps show on every page (the unread notifications in
# the navigation), read as scalar subqueries of the statement that loads the user on every
# request instead of one statement each. Apps above this one register them in ``ready``.
_user_facts: dict[str, str] = {}


def register_user_fact(name: str, sql: str) -> None:
    """``sql`` is a scalar subquery; ``{user_id}`` in it stands for the signed-in user's id column."""
    _user_facts[name] = sql


def user_fact(user: Any, name: str) -> Any | None:
    """The fact as read with the user at the start of this request, or None when the user was not
    loaded by :meth:`PractitionerBackend.get_user` (then the caller reads it itself)."""
    facts = getattr(user, "_facts", None)
    return facts.get(name) if facts is not None else None


class PractitionerBackend(ModelBackend):
    """Refuses a password for leavers and suspended users.

    An existing session of such a user still resolves to the user, so that the session
    middleware can end it with a message and an audit event rather than silently.
    """

    def get_user(self, user_id: Any) -> Any:
        """The session's user with their organisation, roles, confirmed authenticator-app devices
        and the registered facts (:func:`register_user_fact`) in one statement (every signed-in
        request), its select list written once per process (``ecm.core.rows``)."""
        from django.contrib.auth import get_user_model
        from django.db import DEFAULT_DB_ALIAS, connections
        from django_otp.plugins.otp_totp.models import TOTPDevice

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
        devices = rows.table(TOTPDevice)
        facts = "".join(f", ({sql.format(user_id=f'{users}.id')})" for sql in _user_facts.values())
        sql = (
            f"SELECT {rows.columns(user_model)}, {rows.columns(Organisation)}, "  # noqa: S608
            f"(SELECT {joined}(r.role, ',') FROM {roles} r WHERE r.user_id = {users}.id){facts}, "
            f"{rows.columns(TOTPDevice)} "
            f"FROM {users} LEFT JOIN {organisations} ON {organisations}.id = {users}.organisation_id "
            f"LEFT JOIN {devices} ON {devices}.user_id = {users}.id AND {devices}.confirmed "
            f"WHERE {users}.id = %s"
        )
        found = rows.select(sql, [pk], using=DEFAULT_DB_ALIAS)
        if not found:
            return None
        user = rows.instances(user_model, found[:1], using=DEFAULT_DB_ALIAS)[0]
        at = rows.width(user_model)
        organisation = None
        if user.organisation_id is not None:
            organisation = rows.instances(Organisation, found[:1], using=DEFAULT_DB_ALIAS, start=at)[0]
        user_model._meta.get_field("organisation").set_cached_value(user, organisation)  # as select_related does
        at += rows.width(Organisation)
        codes = found[0][at]
        user._role_codes = frozenset(code for code in (codes or "").split(",") if code)
        user._facts = dict(zip(_user_facts, found[0][at + 1 : at + 1 + len(_user_facts)], strict=True))  # type: ignore[attr-defined]
        at += 1 + len(_user_facts)
        # One row per confirmed device (one row with no device when there is none).
        held = [row for row in found if row[at] is not None]
        user._confirmed_totp_devices = {  # type: ignore[attr-defined]
            device.pk: device for device in rows.instances(TOTPDevice, held, using=DEFAULT_DB_ALIAS, start=at)
        }
        return user

    def user_can_authenticate(self, user: Any) -> bool:
        if not super().user_can_authenticate(user):
            return False
        return not getattr(user, "is_leaver", False) and getattr(user, "suspended_at", None) is None
