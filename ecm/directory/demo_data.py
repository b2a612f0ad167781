"""The demo area's content, kept in ``data/demo_directory.json``: needs, organisations,
neighbourhoods, venues and one template per kind of service.

Places and postcodes are real (Leeds, E08000035); organisations, people, phone
numbers (Ofcom's drama range, 0113 496 0xxx) and email addresses are invented.
Each template becomes one service in each of its ``places``; ages are in months
(``max`` null: no upper limit) and ``cost`` in pounds per session (0: free).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

_DATA: dict[str, Any] = json.loads((Path(__file__).resolve().parent / "data" / "demo_directory.json").read_text())

NEEDS: list[list[str]] = _DATA["needs"]  # code, name, plain name, description
ORGANISATIONS: list[list[str]] = _DATA["organisations"]  # key, name, description, legal status
PLACES: dict[str, str] = _DATA["places"]  # outward code → neighbourhood
STREETS: list[str] = _DATA["streets"]
VENUES: dict[str, str] = _DATA["venues"]
ACCESS: dict[str, list[str]] = _DATA["access"]
TEMPLATES: list[dict[str, Any]] = _DATA["templates"]
