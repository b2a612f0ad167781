"""Services: every write is audited; sensitive services need a basis; own-involvement rules; shields."""

from __future__ import annotations

import datetime as dt

import pytest

from ecm.accounts.choices import Role
from ecm.accounts.services import api_client_create
from ecm.accounts.tests.factories import OrganisationFactory, UserFactory
from ecm.audit.models import AuditEvent
from ecm.core import clock
from ecm.core.actors import SYSTEM_COMMAND
from ecm.index import services
from ecm.index.choices import CafStatus, ContactReason, SensitiveBasis, ServiceCategory
from ecm.index.models import ChildName
from ecm.index.search.keys import index_number_is_valid, metaphone, nhs_number_is_valid, nicknames
from ecm.index.tests.factories import ChildFactory, involvement

pytestmark = pytest.mark.django_db


def actions():
    return list(AuditEvent.objects.values_list("action", flat=True))


def test_child_create_generates_check_digit_number_and_audits():
    child = ChildFactory(given_name="Noah", family_name="O'Neill")
    assert index_number_is_valid(child.index_number)
    assert not index_number_is_valid(child.index_number[:-1] + str((int(child.index_number[-1]) + 1) % 10))
    name = child.names.get()
    assert (name.family_norm, name.family_phonetic) == ("oneill", metaphone("O'Neill"))
    assert "index.child_created" in actions()


def test_child_create_validates_identifiers():
    with pytest.raises(services.IndexRuleError, match="NHS number"):
        ChildFactory(nhs_number="1234567890")
    assert nhs_number_is_valid("9434765919")
    # Ten of one digit passes the modulus 11 check but is a placeholder, never a child's number.
    assert not any(nhs_number_is_valid(str(d) * 10) for d in range(10))
    with pytest.raises(services.IndexRuleError, match="NHS number"):
        ChildFactory(nhs_number="000 000 0000")
    ChildFactory(nhs_number="943 476 5919", unique_pupil_number="A12345678901B")


def test_unborn_baby_by_expected_date():
    child = ChildFactory(
        given_name="",
        family_name="Ahmed",
        date_of_birth=None,
        expected_delivery_date=clock.today() + dt.timedelta(days=40),
    )
    assert child.is_unborn and child.names.get().birth_date == child.expected_delivery_date


def test_child_update_keeps_name_and_address_history():
    child = ChildFactory(family_name="Evans")
    services.child_update(
        actor=SYSTEM_COMMAND,
        child=child,
        family_name="Morgan",
        address={"address_line_1": "2 Elm Road", "postcode": "ls6 1aa"},
    )
    names = ChildName.objects.filter(child=child)
    assert {(n.family_name, n.is_current) for n in names} == {("Evans", False), ("Morgan", True)}
    addresses = child.addresses.all()
    assert {(a.postcode, a.is_current) for a in addresses} == {("LS14AP", False), ("LS61AA", True)}
    event = AuditEvent.objects.filter(action="index.child_updated").get()
    assert event.data["changed"] == ["address", "family_name"]


def test_sensitive_service_needs_a_basis():
    child = ChildFactory()
    nurse = UserFactory()
    with pytest.raises(services.IndexRuleError, match="consent"):
        involvement(child, nurse, service="Clinic", service_category=ServiceCategory.SEXUAL_HEALTH)
    made = involvement(
        child,
        nurse,
        service="Clinic",
        service_category=ServiceCategory.SEXUAL_HEALTH,
        sensitive_basis=SensitiveBasis.CONSENT_YOUNG_PERSON,
    )
    assert made.is_sensitive and made.sensitive_basis == SensitiveBasis.CONSENT_YOUNG_PERSON


def test_practitioner_writes_only_own_involvement():
    child = ChildFactory()
    me, other = UserFactory(), UserFactory()
    with pytest.raises(services.IndexRuleError, match="your own"):
        services.involvement_add(
            actor=me, child=child, practitioner=other, service="S", service_category=ServiceCategory.HEALTH
        )
    mine = services.involvement_add(
        actor=me, child=child, practitioner=me, service="S", service_category=ServiceCategory.HEALTH
    )
    with pytest.raises(services.IndexRuleError):
        services.involvement_end(actor=other, involvement=mine)
    services.involvement_end(actor=me, involvement=mine)
    assert mine.ended_on == clock.today()


def test_api_client_writes_only_its_organisations_involvements():
    org = OrganisationFactory()
    client, _ = api_client_create(actor=SYSTEM_COMMAND, organisation=org, name="Local system")
    child = ChildFactory()
    outsider = UserFactory()
    with pytest.raises(services.IndexRuleError, match="own organisation"):
        services.involvement_add(
            actor=client, child=child, practitioner=outsider, service="S", service_category=ServiceCategory.HEALTH
        )
    insider = UserFactory(organisation=org)
    made = services.involvement_add(
        actor=client, child=child, practitioner=insider, service="S", service_category=ServiceCategory.HEALTH
    )
    assert made.organisation == org


def test_flags_caf_and_contact():
    child = ChildFactory()
    me = UserFactory()
    mine = involvement(child, me)
    services.involvement_set_flags(
        actor=me,
        involvement=mine,
        has_undertaken_caf=True,
        caf_started_on=dt.date(2024, 1, 10),
        is_lead_professional=True,
    )
    assert (mine.has_undertaken_caf, mine.caf_status, mine.is_lead_professional) == (True, CafStatus.OPEN, True)
    with pytest.raises(services.IndexRuleError, match="why"):
        services.involvement_set_flags(actor=me, involvement=mine, wishes_to_be_contacted=True)
    services.involvement_set_flags(
        actor=me, involvement=mine, wishes_to_be_contacted=True, contact_reason=ContactReason.TAKING_ACTION
    )
    services.involvement_set_flags(actor=me, involvement=mine, has_undertaken_caf=False)
    assert (mine.has_undertaken_caf, mine.caf_started_on, mine.caf_status) == (False, None, "")
    event = AuditEvent.objects.filter(action="index.involvement_flags_set").last()
    assert event.data["before"]["has_undertaken_caf"] is True and event.data["after"]["has_undertaken_caf"] is False


def test_shield_only_by_index_admin_and_spreads_to_merged_records():
    survivor, duplicate = ChildFactory(), ChildFactory()
    services.child_merge(actor=SYSTEM_COMMAND, duplicate=duplicate, survivor=survivor, reason="Matched")
    with pytest.raises(services.IndexRuleError):
        services.child_shield_set(actor=UserFactory(), child=survivor, reason="Risk of harm")
    admin = UserFactory(roles=[Role.INDEX_ADMIN])
    services.child_shield_set(actor=admin, child=survivor, reason="Domestic violence risk")
    duplicate.refresh_from_db()
    assert survivor.is_shielded and duplicate.is_shielded
    assert AuditEvent.objects.filter(action="index.shield_set").count() == 2
    services.child_shield_lift(actor=admin, child=duplicate, reason="Risk has passed")
    survivor.refresh_from_db()
    assert not survivor.is_shielded
    assert AuditEvent.objects.filter(action="index.shield_lift", reason="Risk has passed").count() == 2


def test_merging_a_shielded_duplicate_shields_the_survivor():
    survivor, duplicate = ChildFactory(), ChildFactory(shielded=True)
    services.child_merge(actor=SYSTEM_COMMAND, duplicate=duplicate, survivor=survivor, reason="Matched")
    survivor.refresh_from_db()
    assert survivor.is_shielded


def test_nickname_table_is_symmetric():
    assert "william" in nicknames("Bill") and "bill" in nicknames("William")


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("O'Brien-Smith", "obriensmith"),
        ("  obrien smith ", "obriensmith"),
        ("KELVIN2", "kelvin"),
        ("Zoë", "zoe"),  # folded, not dropped: the path for names beyond ASCII
        ("Renée-Noëlle", "reneenoelle"),
        ("Søren", "sren"),  # no ASCII letter to fold to: dropped, as before
        ("", ""),
        (None, ""),
    ],
)
def test_a_names_key_is_its_lower_case_ascii_letters_with_accents_folded(name: str | None, key: str) -> None:
    from ecm.index.search.keys import normalise_name

    assert normalise_name(name) == key
