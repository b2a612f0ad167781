"""``manage.py export_links <file.csv>``: source, source_record_id, child_id for every staged record.

A value a spreadsheet would run as a formula (starting ``=``, ``+``, ``-``, ``@``, tab or
carriage return) is written with a leading ``'``.
"""

from __future__ import annotations

import csv
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from ecm.linkage.exports import spreadsheet_safe
from ecm.linkage.selectors import links_for_export


class Command(BaseCommand):
    help = "Write source,source_record_id,child_id for every staged record (child_id blank while unlinked)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")

    def handle(self, *args: Any, **options: Any) -> None:
        count = 0
        with open(options["file"], "w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(["source", "source_record_id", "child_id"])
            for row in links_for_export():
                writer.writerow([spreadsheet_safe(value) for value in row])
                count += 1
        self.stdout.write(f"{count} staged records written to {options['file']}.")
