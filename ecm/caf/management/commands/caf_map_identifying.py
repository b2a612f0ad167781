"""Once, after upgrading: map free-text identifying details of open CAFs onto the census and language lists."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from ecm.caf.services import identifying_details_map
from ecm.core.actors import SYSTEM_COMMAND


class Command(BaseCommand):
    help = (
        "Rewrite free-text ethnicity, religion, gender, first languages and disability of open CAFs onto the "
        "England 2021 census and language lists, as a new version; answers that map to nothing are kept."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        count = identifying_details_map(actor=SYSTEM_COMMAND)
        self.stdout.write(f"CAFs with identifying details mapped: {count}")
