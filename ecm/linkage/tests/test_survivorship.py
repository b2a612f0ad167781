"""Survivorship: the current name and address come from the most recent record of the most trusted source."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import CommandError, call_command

from ecm.core import clock
from ecm.core.actors import SYSTEM_FEED, SYSTEM_MATCHER
from ecm.index.models import Child
from ecm.linkage.models import FeedSource, StagedRecord
from ecm.linkage.services import feed_import, records_link, records_to_new_child
from ecm.linkage.tests.feedfiles import row, write_csv

pytestmark = pytest.mark.django_db


def _deliver(tmp_path, source: str, name: str, **values) -> StagedRecord:
    path = write_csv(tmp_path / f"{name}.csv", [row(source_record_id=name, date_of_birth="2016-05-01", **values)])
    feed_import(actor=SYSTEM_FEED, source=FeedSource.objects.get(name=source), path=path)
    return StagedRecord.objects.select_related("source", "delivery").get(source_record_id=name)


def test_most_trusted_source_wins_and_the_latest_of_it_and_history_is_kept(tmp_path):
    clock.freeze(dt.datetime(2026, 1, 10, 9, tzinfo=dt.UTC))
    benefit = _deliver(
        tmp_path,
        "child_benefit",
        "CB1",
        given_name="Maisie",
        family_name="Brown",
        address_line_1="1 Old Road",
        postcode="LS1 4AP",
    )
    child = records_to_new_child(actor=SYSTEM_MATCHER, records=[benefit], scores={}, model_version="v")
    assert (child.given_name, child.current_address.address_line_1) == ("Maisie", "1 Old Road")

    clock.advance(dt.timedelta(days=30))
    birth = _deliver(
        tmp_path,
        "birth_notifications",
        "BN1",
        given_name="Margaret",
        family_name="Brown",
        address_line_1="2 Birth Street",
        postcode="LS2 7EE",
    )
    records_link(actor=SYSTEM_MATCHER, child=child, records=[birth], method="model", scores={}, model_version="v")
    child = Child.objects.get(pk=child.pk)
    assert child.given_name == "Margaret" and child.current_address.address_line_1 == "2 Birth Street"

    clock.advance(dt.timedelta(days=30))
    later_benefit = _deliver(
        tmp_path,
        "child_benefit",
        "CB2",
        given_name="Maisie",
        family_name="Smith",
        address_line_1="9 New Road",
        postcode="LS3 1AA",
    )
    records_link(
        actor=SYSTEM_MATCHER, child=child, records=[later_benefit], method="model", scores={}, model_version="v"
    )
    child = Child.objects.get(pk=child.pk)
    assert child.given_name == "Margaret"  # a less trusted source never overrides a more trusted one

    clock.advance(dt.timedelta(days=30))
    moved = _deliver(
        tmp_path,
        "birth_notifications",
        "BN2",
        given_name="Margaret",
        family_name="Brown",
        address_line_1="5 Moved Close",
        postcode="LS6 2AB",
    )
    records_link(actor=SYSTEM_MATCHER, child=child, records=[moved], method="model", scores={}, model_version="v")
    child = Child.objects.get(pk=child.pk)
    assert child.current_address.address_line_1 == "5 Moved Close"  # the most recent of the most trusted
    history = list(child.addresses.order_by("lived_from").values_list("address_line_1", "is_current"))
    assert history == [("1 Old Road", False), ("2 Birth Street", False), ("5 Moved Close", True)]
    assert ("Maisie", False) in list(child.names.values_list("given_name", "is_current"))


def test_import_feed_command_reports_and_refuses_unknown_sources(tmp_path, capsys):
    path = write_csv(tmp_path / "gp.csv", [row(source_record_id="G1", family_name="Lee", postcode="LS1 4AP")])
    call_command("import_feed", "--source", "gp_registrations", str(path), "--no-progress")
    assert "1 rows, 1 staged, 0 quarantined" in capsys.readouterr().out
    call_command("import_feed", "--source", "gp_registrations", str(path))
    assert "already imported" in capsys.readouterr().out
    with pytest.raises(CommandError, match="Unknown source"):
        call_command("import_feed", "--source", "nowhere", str(path))
