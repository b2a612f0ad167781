"""Grant the runtime database role what the web, worker and scheduler need, and nothing more.

Run as the owner role right after ``migrate``: ``manage.py grant_runtime_role --role ecm_app``.
``--print`` shows the SQL for a database administrator instead of running it.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from ecm.audit.roles import role_is_safe, runtime_grants


class Command(BaseCommand):
    help = "Grant the runtime PostgreSQL role read/write on the tables and read/append on the audit trail."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--role", required=True, help="The role the web, worker and scheduler log in as.")
        parser.add_argument("--print", action="store_true", help="Print the SQL instead of running it.")

    def handle(self, *args: Any, **options: Any) -> None:
        role = options["role"]
        if connection.vendor != "postgresql":
            raise CommandError("Database roles apply to PostgreSQL; the embedded SQLite database has none.")
        statements = runtime_grants(connection, role)
        if options["print"]:
            self.stdout.write(";\n".join(statements) + ";")
            return
        problem = role_is_safe(connection, role)
        if problem:
            raise CommandError(f"Not granting: {problem}.")
        with transaction.atomic(), connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)
        self.stdout.write(f"Granted {role} read/write on the tables and read/append on the audit trail.")
