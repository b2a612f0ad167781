"""``manage.py run_misuse_review [--date YYYY-MM-DD]``: the daily misuse rules over one day."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ecm.core import clock
from ecm.core.actors import SYSTEM_MISUSE
from ecm.misuse.services import MisuseError, misuse_review_run


class Command(BaseCommand):
    help = "Run the daily misuse rules (R3, R4, R6-R10, R12) over one day; yesterday by default. Safe to re-run."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", help="The day to review, YYYY-MM-DD (default: yesterday)")

    def handle(self, *args: Any, **options: Any) -> None:
        raw = options.get("date")
        if raw:
            try:
                day = dt.date.fromisoformat(raw)
            except ValueError as exc:
                raise CommandError(f"--date must be YYYY-MM-DD, not {raw!r}") from exc
        else:
            day = clock.today() - dt.timedelta(days=1)
        try:
            result = misuse_review_run(actor=SYSTEM_MISUSE, day=day)
        except MisuseError as exc:
            raise CommandError(str(exc)) from exc
        rules = ", ".join(f"{rule}: {n}" for rule, n in sorted(result.by_rule.items())) or "none"
        self.stdout.write(
            f"Misuse review of {day.isoformat()}: {result.found} found, {result.raised} new alert(s) ({rules})."
        )
