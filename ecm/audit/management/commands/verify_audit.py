"""Check the whole audit chain: ``OK <n> events`` and exit 0, or name the first broken event and exit 1."""

from __future__ import annotations

import os
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from ecm.audit.selectors import HeadsExportError, audit_chain_verify, audit_chain_verify_against, audit_heads_parse


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
        parser.add_argument(
            "--against",
            default=None,
            metavar="EXPORT",
            help="Also check that every chain still passes through the heads in this file from "
            "export_audit_heads (catches a chain rewritten from scratch).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        exported = None
        if options["against"]:
            try:
                with open(options["against"], encoding="utf-8") as handle:
                    exported = audit_heads_parse(handle.read())
            except OSError as exc:
                raise CommandError(f"Cannot read {options['against']}: {exc.strerror}") from exc
            except (HeadsExportError, UnicodeDecodeError) as exc:
                raise CommandError(f"{options['against']}: {exc}") from exc
        report = audit_chain_verify(workers=options["workers"] or default_workers())
        if report.ok and exported is not None:
            against = audit_chain_verify_against(exported)
            if not against.ok:
                self.stderr.write(f"BROKEN at event #{against.first_broken_sequence}: {against.problem}.")
                sys.exit(1)
            self.stdout.write(
                f"OK {report.events} events; every chain passes through the {len(exported)} exported heads"
            )
            return
        if report.ok:
            self.stdout.write(f"OK {report.events} events")
            return
        self.stderr.write(
            f"BROKEN at event #{report.first_broken_sequence}: {report.problem}. "
            f"{report.events} events before it verified."
        )
        sys.exit(1)
