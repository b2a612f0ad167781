"""Import HSDS 3.0 services from a JSON array (or a paged API response) or ndjson.

Every record is checked first; if any has problems, each is listed with its item (and
line) and field, and nothing is imported.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ecm.core.actors import SYSTEM_DIRECTORY_IMPORT
from ecm.directory import hsds_io
from ecm.directory.selectors.records import known_ids
from ecm.directory.services import hsds_import

ACTOR = SYSTEM_DIRECTORY_IMPORT


class Command(BaseCommand):
    help = "Import HSDS 3.0 services (JSON or ndjson). Nothing is imported if any record is invalid."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="File to read, or - for standard input")
        parser.add_argument(
            "--format", choices=["json", "ndjson"], help="Default: from the file name (.ndjson), else json"
        )
        parser.add_argument("--check", action="store_true", help="Only validate; import nothing")

    def handle(self, *args: Any, **options: Any) -> None:
        path = options["path"]
        fmt = options.get("format") or ("ndjson" if str(path).endswith((".ndjson", ".jsonl")) else "json")
        if path == "-":
            records, problems = hsds_io.read_records(sys.stdin, fmt)
        else:
            if not Path(path).exists():
                raise CommandError(f"No such file: {path}")
            with open(path, encoding="utf-8") as handle:
                records, problems = hsds_io.read_records(handle, fmt)
        orgs, terms = known_ids()
        problems += hsds_io.validate_records(records, known_org_ids=orgs, known_term_ids=terms)
        if problems:
            for problem in problems:
                self.stderr.write(str(problem))
            raise CommandError(f"{len(problems)} problem(s) in {len(records)} record(s); nothing was imported.")
        if options["check"]:
            self.stdout.write(f"{len(records)} record(s) are valid.")
            return
        result = hsds_import(actor=ACTOR, records=[r.data for r in records], source=str(path))
        self.stdout.write(f"Imported {len(records)} service(s): {result.created} new, {result.updated} updated.")
