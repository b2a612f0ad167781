"""Daily job: disable accounts whose leaver date has come and end their sessions."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from ecm.accounts.services import leavers_disable
from ecm.core.actors import SYSTEM_SCHEDULER


class Command(BaseCommand):
    help = "Disable accounts whose leaver date is today or earlier."

    def handle(self, *args: Any, **options: Any) -> None:
        count = leavers_disable(actor=SYSTEM_SCHEDULER)
        self.stdout.write(f"{count} account{'s' if count != 1 else ''} disabled")
