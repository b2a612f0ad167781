"""Export every service, fully nested, as HSDS 3.0 JSON (an array) or ndjson."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from ecm.directory import hsds_io
from ecm.directory.api import serializers
from ecm.directory.selectors.records import services_full

CHUNK = 200


def export_items() -> Iterator[dict[str, Any]]:
    ids = list(services_full().order_by("name", "id").values_list("id", flat=True))
    for start in range(0, len(ids), CHUNK):
        services = list(services_full().filter(id__in=ids[start : start + CHUNK]).order_by("name", "id"))
        extras = serializers.service_extras(services)
        for service in services:
            item = serializers.service_json(service, full=True, extras=extras)
            add_extensions(service, item, extras)
            yield item


def add_extensions(service: Any, item: dict[str, Any], extras: Any) -> None:
    """Our two fields beyond HSDS (the families' wording), so an export re-imports without loss."""
    if service.easy_read_summary:
        item["easy_read_summary"] = service.easy_read_summary
    plain = {str(a.taxonomy_term_id): a.taxonomy_term.easy_read_name for a in extras.attributes.get(service.id, [])}
    for attribute in item.get("attributes", []):
        if plain.get(attribute["taxonomy_term_id"]):
            attribute["taxonomy_term"]["easy_read_name"] = plain[attribute["taxonomy_term_id"]]


class Command(BaseCommand):
    help = "Export the directory's services as HSDS 3.0 JSON or ndjson."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", nargs="?", default="-", help="File to write, or - for standard output")
        parser.add_argument("--format", choices=["json", "ndjson"], default="json")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["path"] == "-":
            out: Any = self.stdout._out if hasattr(self.stdout, "_out") else sys.stdout
            count = hsds_io.write_records(out, export_items(), options["format"])
        else:
            with open(options["path"], "w", encoding="utf-8") as handle:
                count = hsds_io.write_records(handle, export_items(), options["format"])
        self.stderr.write(f"Exported {count} service(s).")
