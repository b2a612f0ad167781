"""Record a young person's consent to stay on the index after 18 (to 25 at most), from the command line."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ecm.core.actors import SYSTEM_COMMAND
from ecm.index.management.commands.record_death import child_by_number, parse_date
from ecm.index.retention import retention_consent_record
from ecm.index.services import IndexRuleError


class Command(BaseCommand):
    help = "Keep a record active past 18 with the young person's consent, until a date (the 25th birthday at most)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--index-number", required=True)
        parser.add_argument("--until", required=True, help="The day the consent ends, YYYY-MM-DD")
        parser.add_argument("--note", required=True, help="How the young person gave consent")

    def handle(self, *args: Any, **options: Any) -> None:
        child = child_by_number(options["index_number"])
        try:
            retention_consent_record(
                actor=SYSTEM_COMMAND,
                child=child,
                until=parse_date(options["until"], "The end of the consent"),
                note=options["note"],
            )
        except IndexRuleError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Record {child.formatted_index_number} is kept until {options['until']}.")
