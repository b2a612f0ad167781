"""Daily: tell lead professionals of CAF reviews due within a week and of overdue reviews."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from ecm.caf.services import review_reminders_send
from ecm.core.actors import SystemActor

SYSTEM_REMINDERS = SystemActor("ecaf-reminders")


class Command(BaseCommand):
    help = "Send CAF review due and overdue reminders (run daily)."

    def handle(self, *args: Any, **options: Any) -> None:
        counts = review_reminders_send(actor=SYSTEM_REMINDERS)
        self.stdout.write(f"Reviews due: {counts['due']}; overdue: {counts['overdue']}")
