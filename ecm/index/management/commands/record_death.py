"""Record that a child has died, from the command line (audited as the management-command actor)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ecm.core.actors import SYSTEM_COMMAND
from ecm.index.models import Child
from ecm.index.services import IndexRuleError, child_record_death


def child_by_number(number: str) -> Child:
    child = Child.objects.filter(index_number="".join(number.split()), merged_into__isnull=True).first()
    if child is None:
        raise CommandError(f"No live record has the index number {number!r}.")
    return child


def parse_date(value: str, what: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"{what} must be a date like 2026-03-31, not {value!r}.") from exc


class Command(BaseCommand):
    help = "Record a child's death by index number; the record is archived a year after the date of death."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--index-number", required=True)
        parser.add_argument("--date", required=True, help="Date of death, YYYY-MM-DD")

    def handle(self, *args: Any, **options: Any) -> None:
        child = child_by_number(options["index_number"])
        try:
            child_record_death(
                actor=SYSTEM_COMMAND, child=child, date_of_death=parse_date(options["date"], "The date of death")
            )
        except IndexRuleError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Recorded the death on record {child.formatted_index_number}.")
