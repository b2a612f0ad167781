"""What feeds put on the index besides the name and address: carers, school, GP practice, involvements."""

from __future__ import annotations

import datetime as dt

import pytest

from ecm.accounts.tests.factories import OrganisationFactory, UserFactory
from ecm.audit.models import AuditEvent
from ecm.core import clock
from ecm.core.actors import SYSTEM_FEED, SYSTEM_MATCHER
from ecm.index.choices import CarerRelationship, SensitiveBasis, ServiceCategory
from ecm.index.models import Child
from ecm.index.tests.factories import gp_practice, school
from ecm.linkage.models import FeedSource, StagedRecord
from ecm.linkage.services import feed_import, records_link, records_to_new_child, records_to_new_children
from ecm.linkage.tests.feedfiles import row, write_csv

pytestmark = pytest.mark.django_db


def deliver(tmp_path, source: str, name: str, **values) -> StagedRecord:
    values = {"given_name": "Amelia", "family_name": "Khan", "date_of_birth": "2016-04-03", **values}
    path = write_csv(tmp_path / f"{name}.csv", [row(source_record_id=name, **values)])
    feed_import(actor=SYSTEM_FEED, source=FeedSource.objects.get(name=source), path=path)
    return StagedRecord.objects.select_related("source", "delivery").get(source_record_id=name)


def test_parents_school_and_gp_of_a_new_child(tmp_path):
    urn, practice = school(code="107946"), gp_practice(code="B86001")
    census = deliver(tmp_path, "school_census", "SC1", school_urn="107946", parent_1_name="SARA  KHAN")
    gp = deliver(
        tmp_path,
        "gp_registrations",
        "GP1",
        gp_practice_code="B86001",
        school_urn="999999",  # a URN not on ECM is not a school
        parent_1_name="Sara Khan",  # the more trusted source's spelling
        parent_2_name="Imran Ali Khan",
    )
    child = records_to_new_child(actor=SYSTEM_MATCHER, records=[census, gp], scores={}, model_version="v")
    child = Child.objects.get(pk=child.pk)
    assert (child.school, child.gp_practice) == (urn, practice)
    carers = sorted(child.carers.values_list("given_name", "family_name", "relationship"))
    assert carers == [("Imran Ali", "Khan", CarerRelationship.PARENT), ("Sara", "Khan", CarerRelationship.PARENT)]
    assert AuditEvent.objects.filter(action="index.children_created").count() == 1


def test_a_later_record_adds_a_parent_and_a_school_to_an_existing_child(tmp_path):
    first = deliver(tmp_path, "child_benefit", "CB1", parent_1_name="Sara Khan", parent_2_name="Madonna")
    child = records_to_new_child(actor=SYSTEM_MATCHER, records=[first], scores={}, model_version="v")
    assert list(child.carers.values_list("given_name", flat=True)) == ["Sara"]  # one word is not a carer
    urn = school(code="107946")
    later = deliver(
        tmp_path, "school_census", "SC1", school_urn="107946", parent_1_name="Sara Khan", parent_2_name="Omar Khan"
    )
    records_link(actor=SYSTEM_MATCHER, child=child, records=[later], method="model", scores={}, model_version="v")
    child = Child.objects.get(pk=child.pk)
    assert child.school == urn
    assert sorted(child.carers.values_list("given_name", flat=True)) == ["Omar", "Sara"]
    assert AuditEvent.objects.filter(action="index.carer_added").count() == 1


def test_involvement_columns_become_an_involvement_once(tmp_path):
    clock.freeze(dt.datetime(2026, 3, 1, 9, tzinfo=dt.UTC))
    camhs = OrganisationFactory(code="RX4")
    nurse = UserFactory(organisation=camhs, username="nurse.jones")
    involvement = {
        "involvement_service": "CAMHS",
        "involvement_category": "mental_health",
        "involvement_organisation": "RX4",
        "involvement_started_on": "2026-01-15",
        "involvement_practitioner": "Nurse.Jones",
        "involvement_sensitive_basis": SensitiveBasis.CONSENT_YOUNG_PERSON,
    }
    first = deliver(tmp_path, "local_systems", "LS1", **involvement)
    child = records_to_new_child(actor=SYSTEM_MATCHER, records=[first], scores={}, model_version="v")
    again = deliver(tmp_path, "local_systems", "LS2", **involvement)
    records_link(actor=SYSTEM_MATCHER, child=child, records=[again], method="model", scores={}, model_version="v")
    made = child.involvements.get()
    assert (made.practitioner, made.organisation, made.service) == (nurse, camhs, "CAMHS")
    assert made.service_category == ServiceCategory.MENTAL_HEALTH and made.is_sensitive
    assert made.sensitive_basis == SensitiveBasis.CONSENT_YOUNG_PERSON
    assert made.started_on == dt.date(2026, 1, 15)
    assert AuditEvent.objects.filter(action="index.involvement_added").count() == 1


def test_an_involvement_the_index_cannot_take_is_set_aside_with_a_warning(tmp_path):
    camhs = OrganisationFactory(code="RX4")
    UserFactory(organisation=camhs, username="nurse.jones")
    no_basis = deliver(
        tmp_path,
        "local_systems",
        "LS1",
        involvement_service="Sexual health clinic",
        involvement_category="sexual_health",
        involvement_organisation="RX4",
        involvement_practitioner="nurse.jones",
    )
    unknown = deliver(
        tmp_path,
        "school_census",
        "SC1",
        involvement_service="Learning mentor",
        involvement_organisation="NOPE",
        involvement_practitioner="someone",
    )
    [child] = records_to_new_children(actor=SYSTEM_MATCHER, groups=[[no_basis, unknown]], scores={}, model_version="v")
    assert child is not None and not child.involvements.exists()
    no_basis.refresh_from_db()
    unknown.refresh_from_db()
    assert any("consent" in w for w in no_basis.warnings)
    assert any("no organisation with code 'NOPE'" in w for w in unknown.warnings)


def test_links_set_in_bulk_carry_each_records_child_weight_and_probability(tmp_path):
    """``records_to_new_children`` then ``records_link`` in one transaction: each staged record gets its own
    child, method, weight and probability (on PostgreSQL through the copied outcomes, twice in a transaction)."""
    from django.db import transaction

    first = deliver(tmp_path, "child_benefit", "CB1")
    second = deliver(tmp_path, "school_census", "SC1", given_name="Omar", date_of_birth="2014-02-01")
    later = deliver(tmp_path, "gp_registrations", "GP1")
    with transaction.atomic():
        amelia, omar = records_to_new_children(
            actor=SYSTEM_MATCHER,
            groups=[[first], [second]],
            scores={first.pk: (12.5, 0.99), second.pk: (None, None)},
            model_version="v9",
        )
        records_link(
            actor=SYSTEM_MATCHER,
            child=amelia,
            records=[later],
            method="model",
            scores={later.pk: (7.0, 0.9)},
            model_version="v9",
        )
    outcome = {
        r.pk: (r.child_id, r.link_method, r.match_weight, r.match_probability, r.model_version, r.in_review)
        for r in StagedRecord.objects.all()
    }
    assert outcome == {
        first.pk: (amelia.pk, "new_child", 12.5, 0.99, "v9", False),
        second.pk: (omar.pk, "new_child", None, None, "v9", False),
        later.pk: (amelia.pk, "model", 7.0, 0.9, "v9", False),
    }
    assert StagedRecord.objects.filter(linked_at__isnull=True).count() == 0
