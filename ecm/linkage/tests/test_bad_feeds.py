"""Feeds that cannot be imported whole are refused before any row is read; an import that fails
part-way is stopped (never left "importing"), its rows unmatched until resumed or abandoned."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from conftest import page_text
from ecm.accounts.choices import Role
from ecm.accounts.tests.factories import UserFactory
from ecm.audit.models import AuditEvent
from ecm.core.actors import SYSTEM_FEED
from ecm.core.exports import safe_cell
from ecm.linkage.choices import DeliveryStatus
from ecm.linkage.feeds import FeedFileError
from ecm.linkage.matching.engine import feature_table
from ecm.linkage.models import FEED_COLUMNS, FeedDelivery, FeedSource, ImportBatch, QuarantinedRow, StagedRecord
from ecm.linkage.selectors import unlinked_count
from ecm.linkage.services import (
    LinkageRuleError,
    deliveries_mark_stopped,
    delivery_abandon,
    delivery_resume,
    feed_import,
)
from ecm.linkage.tests.feedfiles import many_rows, row, write_csv

pytestmark = pytest.mark.django_db


def census() -> FeedSource:
    return FeedSource.objects.get(name="school_census")


def nothing_left() -> None:
    assert not FeedDelivery.objects.exists()
    assert not StagedRecord.objects.exists()
    assert not QuarantinedRow.objects.exists()
    assert not ImportBatch.objects.exists()


def test_a_latin1_byte_at_line_5002_of_6002_refuses_the_file_naming_line_and_byte(tmp_path):
    rows = many_rows(6001)
    rows[5000]["given_name"] = "Zoë"  # line 5,002: the header is line 1
    path = write_csv(tmp_path / "census.csv", rows)
    data = path.read_bytes().replace("Zoë".encode(), "Zoë".encode("latin-1"))
    path.write_bytes(data)
    assert data.count(b"\n") == 6002
    with pytest.raises(FeedFileError, match=r"line 5,002, byte \d+ of the line .* is 0xEB") as caught:
        feed_import(actor=SYSTEM_FEED, source=census(), path=path)
    assert "Nothing was imported" in str(caught.value)
    nothing_left()
    with pytest.raises(CommandError, match="line 5,002"):
        call_command("import_feed", "--source", "school_census", str(path), "--no-progress")
    nothing_left()


def test_utf8_with_and_without_a_byte_order_mark_is_read(tmp_path):
    path = write_csv(
        tmp_path / "bom.csv", [row(source_record_id="1", given_name="Zoë", family_name="Ng", postcode="LS1 4AP")]
    )
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    delivery, _ = feed_import(actor=SYSTEM_FEED, source=census(), path=path)
    assert delivery.status == DeliveryStatus.COMPLETE
    assert StagedRecord.objects.get().given_name == "Zoë"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "The file is empty"),
        (b"\n\n  \n", "The file is empty"),
        (b"\xef\xbb\xbf", "The file is empty"),
        ((",".join(FEED_COLUMNS) + "\n").encode(), "a header row but no rows"),
    ],
)
def test_an_empty_file_is_refused_and_leaves_no_delivery(tmp_path, content, message):
    path = tmp_path / "empty.csv"
    path.write_bytes(content)
    with pytest.raises(FeedFileError, match=message):
        feed_import(actor=SYSTEM_FEED, source=census(), path=path)
    nothing_left()


def test_a_missing_source_record_id_column_is_named_before_any_row_is_read(tmp_path):
    path = tmp_path / "no-id.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["record_ref", "given_name", "family_name", "date_of_birth"])
        writer.writerows([[f"X{i}", "Amy", "Lee", "2015-01-01"] for i in range(50)])
    with pytest.raises(FeedFileError, match="The header row has no source_record_id column; it names: record_ref"):
        feed_import(actor=SYSTEM_FEED, source=census(), path=path)
    nothing_left()


def test_missing_name_and_date_columns_are_named_together(tmp_path):
    path = tmp_path / "thin.csv"
    path.write_text("source_record_id,sex\n1,F\n", encoding="utf-8")
    with pytest.raises(FeedFileError, match="no given_name or family_name and no date_of_birth or postcode columns"):
        feed_import(actor=SYSTEM_FEED, source=census(), path=path)
    nothing_left()


@pytest.mark.parametrize(("delimiter", "name"), [(";", "semicolons"), ("\t", "tabs"), ("|", "vertical bars")])
def test_a_file_separated_by_something_else_than_commas_is_refused_naming_it(tmp_path, delimiter, name):
    path = tmp_path / "semi.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, delimiter=delimiter)
        writer.writerow(FEED_COLUMNS)
        for values in many_rows(30):
            writer.writerow([values[c] for c in FEED_COLUMNS])
    with pytest.raises(FeedFileError, match=f"separated by {name}, not commas"):
        feed_import(actor=SYSTEM_FEED, source=census(), path=path)
    nothing_left()


def test_commas_inside_quoted_values_do_not_confuse_the_delimiter(tmp_path):
    rows = [
        row(
            source_record_id=f"Q{i}",
            family_name="Lee",
            date_of_birth="2015-01-01",
            address_line_1="Flat 2; 4, Mill Lane",
        )
        for i in range(5)
    ]
    delivery, _ = feed_import(actor=SYSTEM_FEED, source=census(), path=write_csv(tmp_path / "q.csv", rows))
    assert delivery.rows_staged == 5


class Interrupted(Exception):
    pass


def _stop_after(batches: int):
    seen = []

    def progress(done: int, total: int) -> None:
        seen.append(done)
        if len(seen) == batches:
            raise Interrupted(f"stopped at line {done}")

    return progress


def test_an_import_that_fails_part_way_is_stopped_unmatched_and_can_be_resumed(tmp_path):
    path = write_csv(tmp_path / "census.csv", many_rows(300))
    with pytest.raises(Interrupted):
        feed_import(actor=SYSTEM_FEED, source=census(), path=path, batch_size=50, progress=_stop_after(2))
    delivery = FeedDelivery.objects.get()
    assert delivery.status == DeliveryStatus.STOPPED and "stopped at line" in delivery.stopped_reason
    assert ImportBatch.objects.count() == 2 and StagedRecord.objects.exists()
    # Nothing of a delivery that is not whole reaches match.
    assert unlinked_count() == 0 and feature_table().table.num_rows == 0
    done = delivery_resume(actor=SYSTEM_FEED, delivery=delivery, batch_size=50)
    assert done.status == DeliveryStatus.COMPLETE
    assert (done.rows_read, done.rows_staged, done.rows_quarantined) == (300, 294, 6)
    assert feature_table().table.num_rows == 294
    assert AuditEvent.objects.filter(action="linkage.delivery_resumed").count() == 1


def test_an_abandoned_delivery_leaves_no_rows_and_the_file_can_be_imported_again(tmp_path):
    path = write_csv(tmp_path / "census.csv", many_rows(300))
    with pytest.raises(Interrupted):
        feed_import(actor=SYSTEM_FEED, source=census(), path=path, batch_size=50, progress=_stop_after(3))
    delivery = FeedDelivery.objects.get()
    with pytest.raises(LinkageRuleError, match="Say why"):
        delivery_abandon(actor=SYSTEM_FEED, delivery=delivery, reason=" ")
    delivery_abandon(actor=SYSTEM_FEED, delivery=delivery, reason="Wrong term's file")
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.ABANDONED
    assert not StagedRecord.objects.exists() and not ImportBatch.objects.exists()
    assert not QuarantinedRow.objects.exists()
    with pytest.raises(LinkageRuleError, match="already been abandoned"):
        delivery_abandon(actor=SYSTEM_FEED, delivery=delivery, reason="again")
    again, already = feed_import(actor=SYSTEM_FEED, source=census(), path=path, batch_size=50)
    assert not already and again.pk == delivery.pk and again.status == DeliveryStatus.COMPLETE
    assert again.rows_staged == 294
    with pytest.raises(LinkageRuleError, match="imported whole"):
        delivery_abandon(actor=SYSTEM_FEED, delivery=again, reason="too late")


def test_a_delivery_whose_process_has_gone_is_marked_stopped(tmp_path):
    path = write_csv(tmp_path / "census.csv", many_rows(120))
    with pytest.raises(Interrupted):
        feed_import(actor=SYSTEM_FEED, source=census(), path=path, batch_size=50, progress=_stop_after(1))
    # As a killed process leaves it: still "importing", its worker a pid that no longer runs.
    FeedDelivery.objects.update(status=DeliveryStatus.IN_PROGRESS, worker=f"{_hostname()}:{_dead_pid()}")
    assert [d.pk for d in deliveries_mark_stopped(actor=SYSTEM_FEED)] == [FeedDelivery.objects.get().pk]
    assert FeedDelivery.objects.get().status == DeliveryStatus.STOPPED
    # A live import (this process) is left alone.
    FeedDelivery.objects.update(status=DeliveryStatus.IN_PROGRESS, worker=f"{_hostname()}:{_this_pid()}")
    assert deliveries_mark_stopped(actor=SYSTEM_FEED) == []


def _hostname() -> str:
    import socket

    return socket.gethostname()


def _this_pid() -> int:
    import os

    return os.getpid()


def _dead_pid() -> int:
    import subprocess
    import sys

    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def test_the_delivery_page_resumes_and_abandons(tmp_path, user_client):
    manager = user_client(UserFactory(roles=[Role.DATA_MANAGER]))
    path = write_csv(tmp_path / "census.csv", many_rows(200))
    with pytest.raises(Interrupted):
        feed_import(actor=SYSTEM_FEED, source=census(), path=path, batch_size=50, progress=_stop_after(1))
    delivery = FeedDelivery.objects.get()
    url = reverse("linkage:delivery", args=[delivery.pk])
    text = page_text(manager.get(url))
    assert "This delivery stopped part-way" in text and f"feed_delivery --resume {delivery.pk}" in text
    response = manager.post(url, {"action": "abandon", "reason": ""})
    assert "Say why you are abandoning the delivery" in page_text(response)
    response = manager.post(url, {"action": "resume"})
    assert response.status_code == 302
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.COMPLETE and delivery.rows_read == 200
    assert "This delivery stopped part-way" not in page_text(manager.get(url))

    other = write_csv(tmp_path / "other.csv", many_rows(200, prefix="O"))
    with pytest.raises(Interrupted):
        feed_import(actor=SYSTEM_FEED, source=census(), path=other, batch_size=50, progress=_stop_after(1))
    second = FeedDelivery.objects.get(file_name="other.csv")
    Path(other).unlink()
    url = reverse("linkage:delivery", args=[second.pk])
    response = manager.post(url, {"action": "resume"})
    assert "The file is no longer at" in page_text(response)
    response = manager.post(url, {"action": "abandon", "reason": "Sent by mistake"})
    assert response.status_code == 302
    second.refresh_from_db()
    assert second.status == DeliveryStatus.ABANDONED
    assert not StagedRecord.objects.filter(delivery=second).exists()


def test_export_links_neutralises_formula_looking_values(tmp_path):
    ids = ['=HYPERLINK("http://x")', "+1", "-2", "@SUM(A1)", "plain"]
    rows = [row(source_record_id=i, family_name="Lee", date_of_birth="2015-01-01") for i in ids]
    feed_import(actor=SYSTEM_FEED, source=census(), path=write_csv(tmp_path / "f.csv", rows))
    out = tmp_path / "links.csv"
    call_command("export_links", str(out))
    with out.open(newline="", encoding="utf-8") as handle:
        exported = [r[1] for r in list(csv.reader(handle))[1:]]
    # Plain numbers stay numbers (a spreadsheet shows them, runs nothing).
    assert sorted(exported) == sorted(['\'=HYPERLINK("http://x")', "+1", "-2", "'@SUM(A1)", "plain"])
    # Tabs and carriage returns never survive validation, but the writer guards them too.
    assert safe_cell("\tX") == "'\tX" and safe_cell("\r=1") == "'\r=1"


def test_a_nul_character_quarantines_its_row_naming_the_column_on_either_database(tmp_path):
    from ecm.linkage.tests.feedfiles import write_jsonl

    good = row(source_record_id="N1", given_name="Amy", family_name="Lee", date_of_birth="2015-01-01")
    bad = row(source_record_id="N2", given_name="Am\x00y", family_name="Lee", date_of_birth="2015-01-01")
    delivery, _ = feed_import(actor=SYSTEM_FEED, source=census(), path=write_csv(tmp_path / "nul.csv", [good, bad]))
    assert (delivery.status, delivery.rows_staged, delivery.rows_quarantined) == (DeliveryStatus.COMPLETE, 1, 1)
    refused = QuarantinedRow.objects.get()
    assert refused.reason == "given_name holds a NUL character (byte 0x00), which no feed value may hold."
    assert refused.line_number == 3 and refused.raw["given_name"] == "Am\\x00y"
    # JSON Lines spell it \u0000, in a value or a key.
    lines = [
        {"source_record_id": "J1", "family_name": "Lee\u0000", "date_of_birth": "2015-01-01"},
        {"source_record_id": "J2", "family_name": "Lee", "date_of_birth": "2015-01-01", "no\u0000te": "x"},
    ]
    second, _ = feed_import(actor=SYSTEM_FEED, source=census(), path=write_jsonl(tmp_path / "nul.jsonl", lines))
    reasons = list(second.quarantined.order_by("line_number").values_list("reason", flat=True))
    assert [r.split(" holds")[0] for r in reasons] == ["family_name", "no\\x00te"]
    assert second.rows_staged == 0 and second.status == DeliveryStatus.COMPLETE


def test_column_names_are_read_whatever_their_capitals_spaces_and_padding(tmp_path):
    path = tmp_path / "spreadsheet.csv"
    path.write_text(
        " Source Record ID ,Given-Name, FAMILY_NAME,date of birth\nS1,Amy,Lee,2015-01-01\n", encoding="utf-8"
    )
    delivery, _ = feed_import(actor=SYSTEM_FEED, source=census(), path=path)
    assert delivery.rows_staged == 1
    staged = StagedRecord.objects.get()
    assert (staged.source_record_id, staged.given_name, staged.family_name) == ("S1", "Amy", "Lee")
    assert staged.date_of_birth.isoformat() == "2015-01-01"


def test_a_column_named_twice_refuses_the_file_naming_it(tmp_path):
    path = tmp_path / "twice.csv"
    path.write_text(
        "source_record_id,given_name,Given Name,family_name,date_of_birth\nT1,Amy,Bea,Lee,2015-01-01\n",
        encoding="utf-8",
    )
    with pytest.raises(FeedFileError, match="The header row names given_name more than once"):
        feed_import(actor=SYSTEM_FEED, source=census(), path=path)
    nothing_left()


def test_a_record_sent_twice_in_one_delivery_is_staged_once_even_across_a_resumed_import(tmp_path):
    rows = many_rows(120)
    rows[100] = {**rows[100], "source_record_id": rows[10]["source_record_id"], "given_name": "Other"}
    path = write_csv(tmp_path / "census.csv", rows)
    with pytest.raises(Interrupted):  # line 12 is committed before the stop; line 102 is read after the resume
        feed_import(actor=SYSTEM_FEED, source=census(), path=path, batch_size=50, progress=_stop_after(1))
    done = delivery_resume(actor=SYSTEM_FEED, delivery=FeedDelivery.objects.get(), batch_size=50)
    twice = rows[10]["source_record_id"]
    assert list(StagedRecord.objects.filter(source_record_id=twice).values_list("given_name", flat=True)) == ["Child10"]
    refused = done.quarantined.get(line_number=102)
    assert refused.reason == (
        f"source_record_id '{twice}' is already on line 12 of this file: a delivery sends each record once."
    )
    # A later delivery may send the record again (an update), as before.
    again = write_csv(tmp_path / "next.csv", [{**rows[10], "address_line_1": "2 New Road"}])
    later, _ = feed_import(actor=SYSTEM_FEED, source=census(), path=again)
    assert later.rows_staged == 1 and StagedRecord.objects.filter(source_record_id=twice).count() == 2
