"""Feed import: validation, quarantine, idempotent re-import, delivery records."""

from __future__ import annotations

import datetime as dt

import pytest

from ecm.audit.models import AuditEvent
from ecm.core.actors import SYSTEM_FEED
from ecm.linkage.choices import DeliveryStatus
from ecm.linkage.models import FeedDelivery, FeedSource, QuarantinedRow, StagedRecord
from ecm.linkage.services import feed_import
from ecm.linkage.tests.feedfiles import GOOD_NHS, GOOD_UPN, many_rows, row, write_csv, write_jsonl
from ecm.linkage.validation import RowRejected, validate_row

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 23)


def test_default_sources_exist_in_trust_order():
    names = list(FeedSource.objects.values_list("name", flat=True))
    assert set(names) == {
        "school_census",
        "gp_registrations",
        "child_benefit",
        "birth_notifications",
        "local_systems",
    }
    assert names[0] == "birth_notifications"


@pytest.mark.parametrize(
    ("values", "reason"),
    [
        (row(given_name="Amy", date_of_birth="2015-01-01"), "source_record_id"),
        (row(source_record_id="1", date_of_birth="2015-01-01"), "No name"),
        (row(source_record_id="1", family_name="Lee"), "date of birth or a postcode"),
        (row(source_record_id="1", family_name="Lee", date_of_birth="2015-02-30"), "Impossible date of birth"),
        (row(source_record_id="1", family_name="Lee", date_of_birth="2030-01-01"), "in the future"),
        (row(source_record_id="1", family_name="Lee", date_of_birth="1890-01-01"), "too old"),
        (row(source_record_id="1", family_name="Lee", postcode="NOT A PC"), "not a UK postcode"),
    ],
)
def test_rows_without_what_they_need_are_rejected(values, reason):
    with pytest.raises(RowRejected, match=reason):
        validate_row(values, today=TODAY)


def test_malformed_optional_values_are_set_aside_with_warnings():
    values, warnings = validate_row(
        row(
            source_record_id="1",
            given_name=" Amy ",
            family_name="Lee",
            date_of_birth="03/04/2015",
            postcode="ZZZ",
            nhs_number="123 456 7890",
            upn="bad",
            sex="q",
        ),
        today=TODAY,
    )
    assert values["given_name"] == "Amy"
    assert values["date_of_birth"] == dt.date(2015, 4, 3)
    assert values["postcode"] == values["nhs_number"] == values["upn"] == values["sex"] == ""
    assert len(warnings) == 4
    good, warnings = validate_row(
        row(source_record_id="2", family_name="Lee", postcode="sw1a1aa", nhs_number=GOOD_NHS, upn=GOOD_UPN, sex="F"),
        today=TODAY,
    )
    assert warnings == []
    assert (good["postcode"], good["nhs_number"], good["sex"]) == ("SW1A1AA", GOOD_NHS, "female")


@pytest.mark.parametrize(
    "written",
    [
        "2016-05-09",
        "2016-5-9",
        "2016/05/09",
        "20160509",
        "2016-05-09T00:00:00",
        "2016-05-09 00:00:00",
        "2016-05-09T00:00:00Z",
        "09/05/2016",
        "9/5/2016",
        "09-05-2016",
        "09.05.2016",
    ],
)
def test_a_date_of_birth_is_read_as_systems_export_it(written):
    values, warnings = validate_row(row(source_record_id="1", family_name="Lee", date_of_birth=written), today=TODAY)
    assert values["date_of_birth"] == dt.date(2016, 5, 9) and warnings == []


@pytest.mark.parametrize("written", ["2016-05-09T13:00:00", "05/09/16", "2016059", "9 May 2016", "2016-05/09"])
def test_a_date_of_birth_that_could_be_read_two_ways_or_holds_a_time_is_refused(written):
    with pytest.raises(RowRejected, match=f"'{written}' is not a date"):
        validate_row(row(source_record_id="1", family_name="Lee", date_of_birth=written), today=TODAY)


def test_sexes_and_nhs_numbers_as_other_systems_write_them():
    values, warnings = validate_row(
        row(source_record_id="1", family_name="Lee", date_of_birth="2016-05-09", sex="Girl", nhs_number="943-476-5919"),
        today=TODAY,
    )
    assert (values["sex"], values["nhs_number"], warnings) == ("female", "9434765919", [])
    assert (
        validate_row(row(source_record_id="2", family_name="Lee", postcode="LS1 4AP", sex="Boy"), today=TODAY)[0]["sex"]
        == "male"
    )


@pytest.mark.parametrize("placeholder", ["0000000000", "111 111 1111", "9999999999"])
def test_a_placeholder_nhs_number_is_set_aside_though_it_passes_the_check_digit(placeholder):
    """Ten of one digit passes modulus 11 and is issued to nobody: kept, it would be an identifier
    shared by every child whose system keys it."""
    values, warnings = validate_row(
        row(source_record_id="1", family_name="Lee", date_of_birth="2015-01-01", nhs_number=placeholder),
        today=TODAY,
    )
    assert values["nhs_number"] == ""
    assert warnings == [f"nhs_number '{placeholder}' is a placeholder (one digit ten times): set aside."]


def test_import_stages_quarantines_and_records_the_delivery(tmp_path):
    source = FeedSource.objects.get(name="school_census")
    rows = [
        row(source_record_id="A1", given_name="Amy", family_name="Lee", date_of_birth="2015-01-01", nhs_number="1"),
        row(source_record_id="A2", given_name="Ben", family_name="Lee", date_of_birth="2015-02-30"),
        row(source_record_id="A3", family_name="Cole", postcode="LS1 4AP", involvement_service="Youth club"),
    ]
    path = write_csv(tmp_path / "census.csv", rows)
    delivery, already = feed_import(actor=SYSTEM_FEED, source=source, path=path, batch_size=2)
    assert not already
    assert delivery.status == DeliveryStatus.COMPLETE
    assert (delivery.rows_read, delivery.rows_staged, delivery.rows_quarantined, delivery.values_set_aside) == (
        3,
        2,
        1,
        1,
    )
    assert delivery.imported_by == str(SYSTEM_FEED) and len(delivery.file_sha256) == 64
    bad = QuarantinedRow.objects.get()
    assert bad.line_number == 3 and "Impossible date of birth" in bad.reason and bad.raw["source_record_id"] == "A2"
    cole = StagedRecord.objects.get(source_record_id="A3")
    assert cole.involvement == {"involvement_service": "Youth club"} and cole.line_number == 4
    assert AuditEvent.objects.filter(action="linkage.delivery_imported", object_id=str(delivery.pk)).exists()


def test_reimporting_the_same_file_changes_nothing(tmp_path):
    source = FeedSource.objects.get(name="gp_registrations")
    path = write_jsonl(tmp_path / "gp.jsonl", many_rows(120))
    first, _ = feed_import(actor=SYSTEM_FEED, source=source, path=path, batch_size=25)
    counts = (StagedRecord.objects.count(), QuarantinedRow.objects.count(), AuditEvent.objects.count())
    again, already = feed_import(actor=SYSTEM_FEED, source=source, path=path.rename(tmp_path / "renamed.jsonl"))
    assert already and again.pk == first.pk
    assert (StagedRecord.objects.count(), QuarantinedRow.objects.count(), AuditEvent.objects.count()) == counts
    assert FeedDelivery.objects.count() == 1
    assert counts[0] + counts[1] == 120 and counts[1] == 3


def test_jsonl_lines_that_are_not_objects_are_quarantined(tmp_path):
    source = FeedSource.objects.get(name="local_systems")
    path = tmp_path / "local.jsonl"
    path.write_text('{"source_record_id": "1", "family_name": "Lee", "postcode": "LS1 4AP"}\nnot json\n\n[1]\n')
    delivery, _ = feed_import(actor=SYSTEM_FEED, source=source, path=path)
    assert delivery.rows_staged == 1
    assert list(QuarantinedRow.objects.values_list("line_number", flat=True)) == [2, 4]


def test_progress_bar():
    from ecm.linkage.management.commands.import_feed import progress_bar

    assert progress_bar(50, 100, width=10) == "[#####-----]  50%  50/100 lines"
    assert progress_bar(0, 0, width=4).startswith("[####]")
