"""The PostgreSQL grants for the role the web, worker and scheduler processes connect as.

Migrations run as the owner of the tables. The runtime role owns nothing, so it cannot
ALTER, DROP or TRUNCATE a table nor drop the audit triggers (PostgreSQL lets only a table's
owner do that), and on the audit table it may only read and append. Re-run after every
migration (new tables need their grants); every statement is idempotent.
"""

from __future__ import annotations

from django.db.backends.base.base import BaseDatabaseWrapper

from ecm.audit.triggers import TABLE as AUDIT_TABLE


def _quoted(connection: BaseDatabaseWrapper, name: str) -> str:
    return connection.ops.quote_name(name)


def runtime_grants(connection: BaseDatabaseWrapper, role: str) -> list[str]:
    """The statements, in order, for ``role`` on the database ``connection`` points at."""
    if connection.vendor != "postgresql":
        raise NotImplementedError("Database roles apply to PostgreSQL; SQLite has no roles.")
    who = _quoted(connection, role)
    database = _quoted(connection, connection.settings_dict["NAME"])
    return [
        f"GRANT CONNECT, TEMPORARY ON DATABASE {database} TO {who}",
        f"GRANT USAGE ON SCHEMA public TO {who}",
        f"REVOKE CREATE ON SCHEMA public FROM {who}",
        f"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {who}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {who}",
        # The audit trail: read and append only (the triggers also refuse UPDATE/DELETE for everyone).
        f"REVOKE UPDATE, DELETE, TRUNCATE ON {AUDIT_TABLE} FROM {who}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {who}",
    ]


def role_is_safe(connection: BaseDatabaseWrapper, role: str) -> str:
    """Empty when ``role`` may serve; otherwise why not (it must own nothing and not be a superuser)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT rolsuper, rolcreaterole, rolcreatedb FROM pg_roles WHERE rolname = %s", [role])
        row = cursor.fetchone()
        if row is None:
            return f"there is no role {role!r} (CREATE ROLE {role} LOGIN PASSWORD '...')"
        if any(row):
            return f"{role!r} is a superuser or may create roles or databases"
        cursor.execute(
            "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = 'public' AND pg_get_userbyid(c.relowner) = %s",
            [role],
        )
        owned = cursor.fetchone()[0]
        if owned:
            return f"{role!r} owns {owned} tables or sequences; the runtime role must own none"
    return ""
