"""import_hsds and export_hsds: HSDS 3.0 JSON and ndjson, with every problem listed by item and field."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from ecm.audit.models import AuditEvent
from ecm.directory.models import Attribute, Service, ServiceAtLocation, TaxonomyTerm
from ecm.directory.tests import hsds

pytestmark = pytest.mark.django_db


def export(tmp_path: Path, fmt: str) -> Path:
    path = tmp_path / f"export.{fmt}"
    call_command("export_hsds", str(path), "--format", fmt, stderr=StringIO())
    return path


def test_export_is_valid_hsds_and_round_trips_into_an_empty_directory(demo: Any, tmp_path: Path) -> None:
    path = export(tmp_path, "json")
    items = json.loads(path.read_text())
    assert len(items) == Service.objects.count()
    for item in items[:40]:
        hsds.assert_valid(item, "compiled/service.json")
    before = path.read_text()
    counts = (
        Service.objects.count(),
        ServiceAtLocation.objects.count(),
        Attribute.objects.count(),
        TaxonomyTerm.objects.count(),
    )
    easy_read = set(TaxonomyTerm.objects.values_list("easy_read_name", flat=True))

    for model in (Attribute, ServiceAtLocation, Service):
        model.objects.all().delete()
    call_command("import_hsds", str(path), stdout=StringIO())
    after = (
        Service.objects.count(),
        ServiceAtLocation.objects.count(),
        Attribute.objects.count(),
        TaxonomyTerm.objects.count(),
    )
    assert after == counts
    assert set(TaxonomyTerm.objects.values_list("easy_read_name", flat=True)) == easy_read
    again = export(tmp_path, "json").read_text()
    strip = lambda text: [{k: v for k, v in i.items() if k != "last_modified"} for i in json.loads(text)]  # noqa: E731
    assert strip(again) == strip(before)
    assert AuditEvent.objects.filter(action="directory.import").exists()


def test_ndjson_export_and_reimport_updates_in_place(demo: Any, tmp_path: Path) -> None:
    path = export(tmp_path, "ndjson")
    lines = path.read_text().splitlines()
    assert len(lines) == Service.objects.count()
    first = json.loads(lines[0])
    first["name"] = "Renamed by the feed"
    first["service_at_locations"][0]["location"]["name"] = "Renamed venue"
    path.write_text(json.dumps(first) + "\n")
    out = StringIO()
    call_command("import_hsds", str(path), stdout=out)
    assert "0 new, 1 updated" in out.getvalue()
    service = Service.objects.get(pk=first["id"])
    assert service.name == "Renamed by the feed"
    assert service.service_at_locations.get().location.name == "Renamed venue"
    assert Service.objects.count() == len(lines)


def test_invalid_records_are_listed_by_item_line_and_field_and_nothing_is_imported(tmp_path: Path, capsys: Any) -> None:
    good = {
        "id": "0b0f6b43-3d87-4c2e-9d6d-3d2b8f0f8a01",
        "name": "Good",
        "status": "active",
        "organization": {"id": "1c1f6b43-3d87-4c2e-9d6d-3d2b8f0f8a02", "name": "Org", "description": "An organisation"},
    }
    bad_status = {**good, "id": "2d2f6b43-3d87-4c2e-9d6d-3d2b8f0f8a03", "status": "open"}
    bad_email = {**good, "id": "not-a-uuid", "email": "nobody"}
    no_location = {
        **good,
        "id": "3e3f6b43-3d87-4c2e-9d6d-3d2b8f0f8a04",
        "service_at_locations": [
            {"id": "4f4f6b43-3d87-4c2e-9d6d-3d2b8f0f8a05", "location_id": "5a5f6b43-3d87-4c2e-9d6d-3d2b8f0f8a06"}
        ],
    }
    path = tmp_path / "feed.ndjson"
    path.write_text(
        "\n".join(
            [json.dumps(good), json.dumps(bad_status), "{not json", json.dumps(bad_email), json.dumps(no_location)]
        )
        + "\n"
    )
    err = tmp_path / "err.txt"
    with open(err, "w") as handle, pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_hsds", str(path), stderr=handle)
    problems = err.read_text()
    assert "item 2 (line 2), field status: 'open' is not one of" in problems
    assert "item 3 (line 3), field (the record): not valid JSON" in problems
    assert "item 4 (line 4), field email: 'nobody' is not a 'email'" in problems
    assert "item 4 (line 4), field id: 'not-a-uuid' is not a 'uuid'" in problems
    assert "item 5 (line 5), field service_at_locations[0].location" in problems
    assert not Service.objects.exists()


def test_check_only_imports_nothing(tmp_path: Path) -> None:
    record = {
        "id": "0b0f6b43-3d87-4c2e-9d6d-3d2b8f0f8a01",
        "name": "Good",
        "status": "active",
        "organization": {"id": "1c1f6b43-3d87-4c2e-9d6d-3d2b8f0f8a02", "name": "Org", "description": "An organisation"},
    }
    path = tmp_path / "feed.json"
    path.write_text(json.dumps([record]))
    out = tmp_path / "out.txt"
    with open(out, "w") as handle:
        call_command("import_hsds", str(path), "--check", stdout=handle)
    assert "1 record(s) are valid" in out.read_text() and not Service.objects.exists()
    with open(out, "w") as handle:
        call_command("import_hsds", str(path), stdout=handle)
    assert Service.objects.get().organization.name == "Org"
