"""The daily retention job for the child index (idempotent; audited as the retention system actor)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from ecm.index.retention import retention_run


class Command(BaseCommand):
    help = "Archive records at 18 (or when consent ends), a year after death; purge six years after archive."

    def handle(self, *args: Any, **options: Any) -> None:
        summary = retention_run()
        self.stdout.write(", ".join(f"{k.replace('_', ' ')}: {v}" for k, v in summary.as_dict().items()))
