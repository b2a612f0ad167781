"""Check the whole audit chain: ``OK <n> events`` and exit 0, or name the first broken event and exit 1."""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand

from ecm.audit.selectors import audit_chain_verify


class Command(BaseCommand):
    help = "Verify the hash chain of the audit trail."

    def handle(self, *args: Any, **options: Any) -> None:
        report = audit_chain_verify()
        if report.ok:
            self.stdout.write(f"OK {report.events} events")
            return
        self.stderr.write(
            f"BROKEN at event #{report.first_broken_sequence}: {report.problem}. "
            f"{report.events} events before it verified."
        )
        sys.exit(1)
