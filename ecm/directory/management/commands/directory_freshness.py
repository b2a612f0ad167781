"""Daily: remind providers (or the directory team) about services not reviewed for 12 months.

Uses the service clock, so ``--today`` or a moved clock in tests controls it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from ecm.core.actors import SYSTEM_DIRECTORY_FRESHNESS
from ecm.directory.services import freshness_reminders_send

ACTOR = SYSTEM_DIRECTORY_FRESHNESS


class Command(BaseCommand):
    help = "Send reminders for directory services not reviewed for 12 months (run daily)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--today", type=dt.date.fromisoformat, help="Act as if today were this date (YYYY-MM-DD)")

    def handle(self, *args: Any, **options: Any) -> None:
        sent = freshness_reminders_send(actor=ACTOR, today=options.get("today"))
        self.stdout.write(f"Sent {sent} reminder(s).")
