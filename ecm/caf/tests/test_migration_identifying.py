"""The data migration caf/0008 maps free-text identifying details of open CAFs onto the lists on upgrading.

Run with Django's migration executor on the test database (SQLite and PostgreSQL): the CAFs are written
as they were before the lists (free text saved through the form's service), the database is moved back to
caf/0007, and migrating forward runs the data migration. The management command shares its mapping and
lists what did not map for a person to review.
"""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from ecm.accounts.tests.factories import UserFactory
from ecm.audit.models import AuditEvent
from ecm.caf import services
from ecm.caf.identity import MAPPED_NOTE, map_identifying
from ecm.caf.tests.factories import start_caf
from ecm.index.tests.factories import ChildFactory

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = ("caf", "0007_merge_lead_offers_and_tac_meetings")
MIGRATION = ("caf", "0008_map_identifying_details")


def migrate(target: tuple[str, str] | None = None) -> None:
    """Move the database to ``target``, or forward to the latest state as an upgrade does."""
    executor = MigrationExecutor(connection)
    executor.migrate([target] if target else executor.loader.graph.leaf_nodes())
    if target is None:
        assert MIGRATION in MigrationExecutor(connection).loader.applied_migrations


@pytest.fixture
def free_text_cafs():
    author = UserFactory()
    typed = start_caf(author, ChildFactory(given_name="Amir"))
    services.assessment_save_section(
        actor=author,
        assessment=typed,
        values={
            "ethnicity": "Kashmiri heritage",
            "religion": "islam",
            "first_language_child": "punjabi",
            "gender": "boy",
            "disability": "n/a",
        },
    )
    closed = start_caf(author, ChildFactory(given_name="Bea"))
    services.assessment_save_section(actor=author, assessment=closed, values={"religion": "catholic"})
    services.assessment_close(actor=author, assessment=closed, reason="needs_met")
    listed = start_caf(author, ChildFactory(given_name="Cara"))
    services.assessment_save_section(actor=author, assessment=listed, values={"religion": "Christian"})
    yield {"typed": typed, "closed": closed, "listed": listed}
    migrate()


def test_free_text_before_structured_after_and_what_does_not_map_is_kept(free_text_cafs, capsys) -> None:
    typed, closed, listed = free_text_cafs["typed"], free_text_cafs["closed"], free_text_cafs["listed"]
    versions = {name: a.versions.count() for name, a in free_text_cafs.items()}
    migrate(BEFORE)
    assert services.latest_data(typed)["religion"] == "islam"  # free text before

    migrate()

    data = services.latest_data(typed)
    assert data["religion"] == "Muslim" and data["first_language_child"] == "Panjabi"
    assert data["gender"] == "Male" and data["disability"] == "No"
    assert data["ethnicity"] == "Kashmiri heritage"  # maps to nothing: kept as written
    latest = typed.versions.order_by("-number").first()
    assert latest.number == versions["typed"] + 1 and latest.note == MAPPED_NOTE
    assert latest.created_by_label == "system:data-migration"
    assert typed.versions.get(number=versions["typed"]).data["religion"] == "islam"  # history untouched
    typed.refresh_from_db()
    assert typed.version == latest.number
    event = AuditEvent.objects.filter(action="caf.version_saved", object_id=str(typed.pk)).latest("sequence")
    assert event.actor_label == "data-migration" and event.data["version"] == latest.number
    # A closed CAF is history; an answer already on the lists needs no new version.
    assert closed.versions.count() == versions["closed"] and services.latest_data(closed)["religion"] == "catholic"
    assert listed.versions.count() == versions["listed"]
    out = capsys.readouterr().out
    assert "1 open CAF(s) mapped" in out and "1 answer(s) match no choice" in out
    assert "Kashmiri" not in out  # the words are special category data: not in deployment logs

    # Run again (as the command does), nothing changes; the command lists what is left for a person.
    migrate(BEFORE)
    migrate()
    assert typed.versions.count() == versions["typed"] + 1
    command_out = io.StringIO()
    call_command("caf_map_identifying", stdout=command_out)
    text = command_out.getvalue()
    assert "CAFs with identifying details mapped: 0" in text
    assert f"CAF {typed.reference} (version {latest.number}), Ethnic group" in text and "'Kashmiri heritage'" in text
    listing = AuditEvent.objects.get(action="caf.identifying_unmapped_listed")
    assert listing.data == {"listed": [[typed.reference, "Ethnic group (England 2021 census categories)"]]}


def test_the_mapping_both_use() -> None:
    mapped, unmapped = map_identifying(
        {"religion": "Church of England", "ethnicity": "white british", "first_language_parents": "Klingon"}
    )
    british = "White: English, Welsh, Scottish, Northern Irish or British"
    assert mapped == {"religion": "Christian", "ethnicity": british}
    assert unmapped == {"first_language_parents": "Klingon"}
    assert map_identifying({"religion": "Muslim", "gender": "Another gender: non-binary"}) == ({}, {})
