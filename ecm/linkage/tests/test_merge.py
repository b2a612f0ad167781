"""Merge and unmerge: nothing lost, an exact round trip, shields spread, sensitive services stay restricted."""

from __future__ import annotations

import pytest

from ecm.accounts.tests.factories import UserFactory
from ecm.audit.models import AuditEvent
from ecm.core.actors import SYSTEM_COMMAND
from ecm.index.choices import SensitiveBasis, ServiceCategory
from ecm.index.models import Child
from ecm.index.services import child_shield_set, involvement_end
from ecm.index.tests.factories import ChildFactory, involvement
from ecm.linkage.merging import children_merge, children_unmerge
from ecm.linkage.services import LinkageRuleError

pytestmark = pytest.mark.django_db


def state(child: Child) -> dict:
    """Everything a user could see of a child's identity, history and involvements."""
    child = Child.objects.get(pk=child.pk)
    return {
        "fields": (
            child.given_name,
            child.family_name,
            child.date_of_birth,
            child.nhs_number,
            child.is_shielded,
            child.merged_into_id,
        ),
        "names": sorted(child.names.values_list("given_name", "family_name", "is_current", "used_until")),
        "addresses": sorted(child.addresses.values_list("address_line_1", "postcode", "is_current", "lived_until")),
        "involvements": sorted(
            child.involvements.values_list("pk", "service", "ended_on", "service_category", "sensitive_basis")
        ),
    }


@pytest.fixture
def pair():
    survivor = ChildFactory(given_name="Oliver", family_name="Twist")
    duplicate = ChildFactory(
        given_name="Olly",
        family_name="Twist",
        address={"address_line_1": "9 Saffron Hill", "postcode": "EC1N 8XA", "town": "London"},
    )
    open_one = involvement(duplicate, service="Health visiting")
    ended = involvement(duplicate, service="Early help")
    involvement_end(actor=SYSTEM_COMMAND, involvement=ended)
    involvement(survivor, service="School nursing")
    return survivor, duplicate, open_one, ended


def test_merge_keeps_every_name_address_and_involvement(pair):
    survivor, duplicate, open_one, ended = pair
    merge = children_merge(actor=SYSTEM_COMMAND, survivor=survivor, duplicate=duplicate, reason="Same child")
    merged = state(survivor)
    assert {open_one.pk, ended.pk} <= {i[0] for i in merged["involvements"]}
    assert ("Olly", "Twist", False, None) in merged["names"]
    assert any(a[0] == "9 Saffron Hill" for a in merged["addresses"])
    assert Child.objects.get(pk=duplicate.pk).merged_into_id == survivor.pk
    assert AuditEvent.objects.filter(action="linkage.children_merged", object_id=str(merge.pk)).exists()


def test_unmerge_restores_both_children_exactly(pair):
    survivor, duplicate, *_ = pair
    before = (state(survivor), state(duplicate))
    merge = children_merge(actor=SYSTEM_COMMAND, survivor=survivor, duplicate=duplicate, reason="Same child")
    assert (state(survivor), state(duplicate)) != before
    children_unmerge(actor=SYSTEM_COMMAND, merge=merge, reason="Different children after all")
    assert (state(survivor), state(duplicate)) == before
    assert AuditEvent.objects.filter(action="linkage.children_unmerged", object_id=str(merge.pk)).exists()
    with pytest.raises(LinkageRuleError):
        children_unmerge(actor=SYSTEM_COMMAND, merge=merge, reason="again")


@pytest.mark.parametrize("shielded_side", ["survivor", "duplicate"])
def test_a_shield_on_either_side_shields_the_merged_child_at_once(pair, shielded_side):
    survivor, duplicate, *_ = pair
    child_shield_set(actor=SYSTEM_COMMAND, child=locals()[shielded_side], reason="Domestic violence")
    before = (state(survivor), state(duplicate))
    merge = children_merge(actor=SYSTEM_COMMAND, survivor=survivor, duplicate=duplicate, reason="Same child")
    assert Child.objects.get(pk=survivor.pk).is_shielded and Child.objects.get(pk=duplicate.pk).is_shielded
    children_unmerge(actor=SYSTEM_COMMAND, merge=merge, reason="Different children")
    assert (state(survivor), state(duplicate)) == before


def test_a_shield_set_after_the_merge_survives_the_unmerge_on_both(pair):
    survivor, duplicate, *_ = pair
    merge = children_merge(actor=SYSTEM_COMMAND, survivor=survivor, duplicate=duplicate, reason="Same child")
    child_shield_set(actor=SYSTEM_COMMAND, child=survivor, reason="Witness protection")
    children_unmerge(actor=SYSTEM_COMMAND, merge=merge, reason="Different children")
    assert Child.objects.get(pk=survivor.pk).is_shielded and Child.objects.get(pk=duplicate.pk).is_shielded


def test_sensitive_service_restrictions_survive_merge_and_unmerge(pair):
    survivor, duplicate, *_ = pair
    nurse = UserFactory()
    sensitive = involvement(
        duplicate,
        practitioner=nurse,
        service="Sexual health clinic",
        service_category=ServiceCategory.SEXUAL_HEALTH,
        sensitive_basis=SensitiveBasis.CONSENT_YOUNG_PERSON,
    )
    merge = children_merge(actor=SYSTEM_COMMAND, survivor=survivor, duplicate=duplicate, reason="Same child")
    moved = survivor.involvements.get(pk=sensitive.pk)
    assert moved.is_sensitive and moved.sensitive_basis == SensitiveBasis.CONSENT_YOUNG_PERSON
    children_unmerge(actor=SYSTEM_COMMAND, merge=merge, reason="Different children")
    back = duplicate.involvements.get(pk=sensitive.pk)
    assert back.is_sensitive and back.sensitive_basis == SensitiveBasis.CONSENT_YOUNG_PERSON


def test_merge_needs_a_reason_and_two_live_records(pair):
    survivor, duplicate, *_ = pair
    with pytest.raises(LinkageRuleError):
        children_merge(actor=SYSTEM_COMMAND, survivor=survivor, duplicate=duplicate, reason=" ")
    with pytest.raises(LinkageRuleError):
        children_merge(actor=SYSTEM_COMMAND, survivor=survivor, duplicate=survivor, reason="x")
