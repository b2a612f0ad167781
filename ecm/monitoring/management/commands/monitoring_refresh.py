"""Rebuild the monitoring aggregates (the scheduled job; run nightly or more often)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from ecm.accounts.models import LocalAuthority
from ecm.monitoring.services import SYSTEM_MONITORING, aggregates_refresh


class Command(BaseCommand):
    help = "Recount every area's CAF activity into the monthly aggregates the dashboard reads."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--area", help="ONS code of one area (default: every area)")

    def handle(self, *args: Any, **options: Any) -> None:
        areas = LocalAuthority.objects.all()
        if options["area"]:
            areas = areas.filter(code=options["area"])
            if not areas.exists():
                raise CommandError(f"No area with the code {options['area']}.")
        for area in areas:
            refresh = aggregates_refresh(actor=SYSTEM_MONITORING, area=area)
            self.stdout.write(f"{area.code} {area.name}: {refresh.cafs} CAFs, {refresh.rows} rows")
