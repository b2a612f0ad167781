"""The daily retention job for every app's copy of a child (idempotent, resumable; audited as the
retention system actor). Each child is archived or purged in its own transaction."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from ecm.index.retention import retention_run


class Command(BaseCommand):
    help = (
        "Archive records as of the 18th birthday (the end of a consent to 25, a year after death); "
        "purge six years after that date, child by child, in every app."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--limit", type=int, default=None, help="Purge at most this many children in this run")

    def handle(self, *args: Any, **options: Any) -> None:
        summary = retention_run(limit=options["limit"])
        self.stdout.write(", ".join(f"{k.replace('_', ' ')}: {v}" for k, v in summary.as_dict().items()))
