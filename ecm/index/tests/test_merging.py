"""Merge and unmerge in the index: nothing lost, an exact round trip, shields spread and stay."""

from __future__ import annotations

import pytest

from ecm.accounts.tests.factories import UserFactory
from ecm.audit.models import AuditEvent
from ecm.core.actors import SYSTEM_COMMAND
from ecm.index import services
from ecm.index.choices import CarerRelationship, SensitiveBasis, ServiceCategory
from ecm.index.models import Child, ChildMerge
from ecm.index.tests.factories import ChildFactory, gp_practice, involvement, school

pytestmark = pytest.mark.django_db


def state(child: Child) -> dict:
    """Everything a user could see of a child: details, history, carers and involvements."""
    child = Child.objects.get(pk=child.pk)
    return {
        "fields": (
            child.given_name,
            child.middle_names,
            child.family_name,
            child.date_of_birth,
            child.gender,
            child.nhs_number,
            child.school_id,
            child.gp_practice_id,
            child.is_shielded,
            child.merged_into_id,
        ),
        "names": sorted(child.names.values_list("pk", "given_name", "family_name", "is_current", "used_until")),
        "addresses": sorted(child.addresses.values_list("pk", "address_line_1", "postcode", "is_current")),
        "carers": sorted(child.carers.values_list("pk", "given_name", "family_name")),
        "involvements": sorted(
            child.involvements.values_list(
                "pk", "service", "ended_on", "service_category", "sensitive_basis", "is_lead_professional"
            )
        ),
    }


@pytest.fixture
def pair():
    survivor = ChildFactory(given_name="Oliver", family_name="Twist", school=school(), gp_practice=gp_practice())
    duplicate = ChildFactory(
        given_name="Olly",
        family_name="Twist",
        address={"address_line_1": "9 Saffron Hill", "postcode": "EC1N 8XA", "town": "London"},
        carers=[
            {"given_name": "Agnes", "family_name": "Fleming", "relationship": CarerRelationship.MOTHER},
            {"given_name": "Parent", "family_name": "Twist", "relationship": CarerRelationship.MOTHER},
        ],
    )
    lead = involvement(duplicate, service="Early help", is_lead_professional=True)
    ended = involvement(duplicate, service="Health visiting")
    services.involvement_end(actor=SYSTEM_COMMAND, involvement=ended)
    sensitive = involvement(
        duplicate,
        practitioner=UserFactory(),
        service="Sexual health clinic",
        service_category=ServiceCategory.SEXUAL_HEALTH,
        sensitive_basis=SensitiveBasis.CONSENT_YOUNG_PERSON,
    )
    involvement(survivor, service="School nursing")
    return survivor, duplicate, lead, ended, sensitive


def test_merge_moves_every_involvement_new_carers_and_history(pair):
    survivor, duplicate, lead, ended, sensitive = pair
    merge = services.child_merge(actor=SYSTEM_COMMAND, duplicate=duplicate, survivor=survivor, reason="Same child")
    after = state(survivor)
    assert {lead.pk, ended.pk, sensitive.pk} <= {i[0] for i in after["involvements"]}
    moved = survivor.involvements.get(pk=sensitive.pk)
    assert moved.is_sensitive and moved.sensitive_basis == SensitiveBasis.CONSENT_YOUNG_PERSON
    assert survivor.involvements.get(pk=lead.pk).is_lead_professional
    # Agnes Fleming moves; "Parent Twist" is already the survivor's carer and stays behind.
    assert [c[1:] for c in after["carers"]].count(("Parent", "Twist")) == 1
    assert ("Agnes", "Fleming") in [c[1:] for c in after["carers"]]
    assert any(n[1:3] == ("Olly", "Twist") and n[3] is False for n in after["names"])
    assert any(a[1] == "9 Saffron Hill" and a[3] is False for a in after["addresses"])
    assert Child.objects.get(pk=duplicate.pk).merged_into_id == survivor.pk
    event = AuditEvent.objects.get(action="index.child_merged", object_id=str(duplicate.pk))
    assert event.data["merge_id"] == str(merge.pk) and event.data["involvements_moved"] == 3


def test_unmerge_restores_both_records_exactly(pair):
    survivor, duplicate, *_ = pair
    before = (state(survivor), state(duplicate))
    merge = services.child_merge(actor=SYSTEM_COMMAND, duplicate=duplicate, survivor=survivor, reason="Same child")
    # Changes after the merge (a new current name from survivorship) are undone too.
    services.child_update(actor=SYSTEM_COMMAND, child=Child.objects.get(pk=survivor.pk), given_name="Ollie")
    assert (state(survivor), state(duplicate)) != before
    survivor_back, merged_back = services.child_unmerge(actor=SYSTEM_COMMAND, merge=merge, reason="Twins after all")
    assert (state(survivor), state(duplicate)) == before
    assert merged_back.merged_into_id is None and survivor_back.pk == survivor.pk
    merge.refresh_from_db()
    assert merge.unmerged_at is not None and merge.unmerge_reason == "Twins after all"
    assert AuditEvent.objects.filter(action="index.child_unmerged", object_id=str(duplicate.pk)).exists()
    with pytest.raises(services.IndexRuleError):
        services.child_unmerge(actor=SYSTEM_COMMAND, merge=merge, reason="again")


def test_merge_and_unmerge_need_a_reason_and_two_live_records(pair):
    survivor, duplicate, *_ = pair
    with pytest.raises(services.IndexRuleError):
        services.child_merge(actor=SYSTEM_COMMAND, duplicate=duplicate, survivor=survivor, reason=" ")
    with pytest.raises(services.IndexRuleError):
        services.child_merge(actor=SYSTEM_COMMAND, duplicate=survivor, survivor=survivor, reason="x")
    merge = services.child_merge(actor=SYSTEM_COMMAND, duplicate=duplicate, survivor=survivor, reason="Same")
    with pytest.raises(services.IndexRuleError):
        services.child_merge(actor=SYSTEM_COMMAND, duplicate=duplicate, survivor=survivor, reason="again")
    with pytest.raises(services.IndexRuleError):
        services.child_unmerge(actor=SYSTEM_COMMAND, merge=merge, reason="")
    assert ChildMerge.objects.count() == 1


@pytest.mark.parametrize("shielded_side", ["survivor", "duplicate"])
def test_a_shield_on_either_side_shields_both_and_unmerge_puts_it_back(pair, shielded_side):
    survivor, duplicate, *_ = pair
    services.child_shield_set(actor=SYSTEM_COMMAND, child=locals()[shielded_side], reason="Domestic violence")
    before = (state(survivor), state(duplicate))
    merge = services.child_merge(actor=SYSTEM_COMMAND, duplicate=duplicate, survivor=survivor, reason="Same child")
    assert Child.objects.get(pk=survivor.pk).is_shielded and Child.objects.get(pk=duplicate.pk).is_shielded
    services.child_unmerge(actor=SYSTEM_COMMAND, merge=merge, reason="Different children")
    assert (state(survivor), state(duplicate)) == before


def test_a_shield_set_after_the_merge_stays_on_both_after_unmerge(pair):
    survivor, duplicate, *_ = pair
    merge = services.child_merge(actor=SYSTEM_COMMAND, duplicate=duplicate, survivor=survivor, reason="Same child")
    services.child_shield_set(actor=SYSTEM_COMMAND, child=survivor, reason="Witness protection")
    services.child_unmerge(actor=SYSTEM_COMMAND, merge=merge, reason="Different children")
    assert Child.objects.get(pk=survivor.pk).is_shielded and Child.objects.get(pk=duplicate.pk).is_shielded
