"""Check the whole audit chain: ``OK <n> events`` and exit 0, or name the first broken event and exit 1."""

from __future__ import annotations

import os
import sys
from typing import Any

from django.core.management.base import BaseCommand

from ecm.audit.selectors import audit_chain_verify


def default_workers() -> int:
    from django.db import connection

    if connection.vendor == "sqlite" and getattr(connection, "is_in_memory_db", lambda: False)():
        return 1
    return max(1, min(os.cpu_count() or 1, 4))


class Command(BaseCommand):
    help = "Verify the hash chain of the audit trail."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--workers",
            type=int,
            default=None,
            help="Processes checking ranges of the chain in parallel (default: one per core on a database "
            "server; 1 for an in-memory database).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        report = audit_chain_verify(workers=options["workers"] or default_workers())
        if report.ok:
            self.stdout.write(f"OK {report.events} events")
            return
        self.stderr.write(
            f"BROKEN at event #{report.first_broken_sequence}: {report.problem}. "
            f"{report.events} events before it verified."
        )
        sys.exit(1)
