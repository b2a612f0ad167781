"""``manage.py export_links <file.csv>``: source, source_record_id, child_id for every staged record.

A value a spreadsheet would run as a formula (starting ``=``, ``+``, ``-``, ``@``, tab or
carriage return) is written with a leading ``'``.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from ecm.core.exports import csv_writer
from ecm.linkage.selectors import links_for_export


class Command(BaseCommand):
    help = "Write source,source_record_id,child_id for every staged record (child_id blank while unlinked)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")

    def handle(self, *args: Any, **options: Any) -> None:
        count = 0
        with open(options["file"], "w", newline="", encoding="utf-8") as handle:
            writer = csv_writer(handle)
            writer.writerow(["source", "source_record_id", "child_id"])
            for row in links_for_export():
                writer.writerow(row)
                count += 1
        self.stdout.write(f"{count} staged records written to {options['file']}.")
