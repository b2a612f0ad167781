"""Map free-text identifying details of open CAFs onto the census and language lists, and list what does not map.

The data migration ``caf/0008_map_identifying_details`` maps them once on upgrading; this command re-runs
the same mapping (``ecm.caf.identity.map_identifying``) and lists the answers that match no choice, kept as
written, for a person to review: they choose on the CAF's form, which shows them as "As recorded before".
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from ecm.caf.selectors import identifying_details_unmapped
from ecm.caf.services import identifying_details_map
from ecm.core.actors import SYSTEM_COMMAND


class Command(BaseCommand):
    help = (
        "Rewrite free-text ethnicity, religion, gender, first languages and disability of open CAFs onto the "
        "England 2021 census and language lists, as a new version, and list the answers that map to nothing "
        "(kept as written) for a person to review."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        count = identifying_details_map(actor=SYSTEM_COMMAND)
        self.stdout.write(f"CAFs with identifying details mapped: {count}")
        unmapped = identifying_details_unmapped(actor=SYSTEM_COMMAND)
        if not unmapped:
            self.stdout.write("Every identifying detail of the open CAFs is on the lists.")
            return
        self.stdout.write(
            f"Answers kept as written, to review (choose on the CAF's identifying details page): {len(unmapped)}"
        )
        for answer in unmapped:
            where = f"CAF {answer.reference} (version {answer.version})"
            self.stdout.write(f"  {where}, {answer.question}: {answer.words!r}")
