"""Write the dashboard's tables for an area and period, suppressed exactly as the pages show them."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from ecm.accounts.models import LocalAuthority
from ecm.core.actors import SystemActor
from ecm.monitoring import selectors, services
from ecm.monitoring.tables import Filters

SYSTEM_EXPORT = SystemActor("monitoring-export")


def _month(raw: str, name: str) -> dt.date:
    try:
        day = dt.date.fromisoformat(raw) if len(raw) == 10 else dt.date.fromisoformat(f"{raw}-01")
    except ValueError:
        raise CommandError(f"--{name} must be a date (2026-04-01) or a month (2026-04).")
    return dt.date(day.year, day.month, 1)


class Command(BaseCommand):
    help = "Export the monitoring dashboard's tables (small numbers suppressed) as CSV or ODS."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--area", required=True, help="ONS code of the area")
        parser.add_argument("--from", dest="start", required=True, help="First month (2026-04 or 2026-04-01)")
        parser.add_argument("--to", dest="end", required=True, help="Last month (2027-03 or 2027-03-31)")
        parser.add_argument("--format", choices=["csv", "ods"], default="csv")
        parser.add_argument("--locality", default="", help="One postcode district (default: all)")
        parser.add_argument("--agency", default="", help="One agency (organisation type code; default: all)")
        parser.add_argument("--output", help="File to write (default: CSV to standard output)")

    def handle(self, *args: Any, **options: Any) -> None:
        area = LocalAuthority.objects.filter(code=options["area"]).first()
        if area is None:
            raise CommandError(f"No area with the code {options['area']}.")
        start, end = _month(options["start"], "from"), _month(options["end"], "to")
        if start > end:
            raise CommandError("--from must be before --to.")
        if options["format"] == "ods" and not options["output"]:
            raise CommandError("An ODS export needs --output FILE.")
        filters = Filters(area=area, start=start, end=end, locality=options["locality"], agency=options["agency"])
        tables = selectors.dashboard_tables(filters)
        services.dashboard_export_record(
            actor=SYSTEM_EXPORT, area=area, filters=filters.as_dict(), file_format=options["format"]
        )
        if options["format"] == "ods":
            Path(options["output"]).write_bytes(selectors.tables_ods(tables))
        elif options["output"]:
            Path(options["output"]).write_text(selectors.tables_csv(tables, filters), encoding="utf-8")
        else:
            self.stdout.write(selectors.tables_csv(tables, filters), ending="")
