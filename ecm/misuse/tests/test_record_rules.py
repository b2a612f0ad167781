"""R1 and R2 at the moment a record is opened, R3 and R4 in the daily review: rules that read the child record."""

from __future__ import annotations

import datetime as dt

import pytest

from ecm.accounts.models import User
from ecm.accounts.tests.factories import UserFactory
from ecm.core import clock
from ecm.core.actors import SYSTEM_MISUSE
from ecm.misuse.choices import Rule
from ecm.misuse.facts import child_facts
from ecm.misuse.models import Alert
from ecm.misuse.services import misuse_review_run
from ecm.misuse.tests.factories import StaffPersonalDetailsFactory, access, at, make_child

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 3, 10)


@pytest.fixture
def user() -> User:
    clock.freeze(at(DAY, 8))
    user = UserFactory(first_name="Aisha", last_name="Khan", date_joined=at(DAY, 0) - dt.timedelta(days=10))
    StaffPersonalDetailsFactory(user=user, home_postcode="LS6 2AB", home_address="14 Ash Grove", family_names="Begum")
    access(user, "sign_in.password_ok", when=at(DAY, 8, 30))
    return user


def review() -> list[str]:
    clock.freeze(at(DAY + dt.timedelta(days=1), 2))
    misuse_review_run(actor=SYSTEM_MISUSE, day=DAY)
    return sorted(Alert.objects.values_list("rule", flat=True))


def test_child_facts_read_the_index() -> None:
    dad = {"given_name": "Dan", "family_name": "Walsh", "relationship": "father"}
    child = make_child(carers=[dad], high_profile=True)
    facts = child_facts(str(child.pk))
    assert facts is not None
    assert facts.child.family_names == ("walsh",) and facts.child.postcode == "LS14AP"
    assert facts.carers[0].postcode == "LS14AP"  # a carer without an address lives with the child
    assert facts.flags == frozenset({"high_profile"})
    assert child_facts("not-a-uuid") is None


def test_r1_opening_your_own_childs_record(user: User) -> None:
    child = make_child(carers=[{"given_name": "Aisha", "family_name": "Begum", "postcode": "LS6 2AB",
                                "address_line_1": "14 Ash Grove"}])
    event = access(user, when=at(DAY, 10), child_id=str(child.pk))
    alert = Alert.objects.get()
    assert alert.rule == Rule.R1 and alert.child_id == str(child.pk) and alert.evidence == [event.sequence]
    assert alert.severity == "high"


def test_r1_a_namesake_elsewhere_is_not_you(user: User) -> None:
    child = make_child(carers=[{"given_name": "Aisha", "family_name": "Khan", "postcode": "M1 1AA",
                                "address_line_1": "1 Other Road"}])
    access(user, when=at(DAY, 10), child_id=str(child.pk))
    assert not Alert.objects.exists()


def test_r2_same_family_name_and_postcode(user: User) -> None:
    child = make_child(family_name="Khan", postcode="LS6 2AB", address_line_1="16 Ash Grove")
    access(user, when=at(DAY, 10), child_id=str(child.pk))
    assert list(Alert.objects.values_list("rule", flat=True)) == [Rule.R2]


def test_r2_neighbour_with_another_name_or_namesake_far_away(user: User) -> None:
    neighbour = make_child(family_name="Walsh", postcode="LS6 2AB", address_line_1="16 Ash Grove")
    namesake = make_child(family_name="Khan", postcode="BD1 1AA", address_line_1="3 Hall Road")
    access(user, when=at(DAY, 10), child_id=str(neighbour.pk))
    access(user, when=at(DAY, 11), child_id=str(namesake.pk))
    assert not Alert.objects.exists()


def test_r3_parent_is_a_colleague(user: User) -> None:
    colleague = UserFactory(first_name="Tom", last_name="Ellis")
    StaffPersonalDetailsFactory(user=colleague, home_postcode="LS2 7XX", home_address="9 Park Row")
    child = make_child(family_name="Ellis", postcode="LS2 7XX", address_line_1="9 Park Row",
                       carers=[{"given_name": "Tom", "family_name": "Ellis", "relationship": "father"}])
    access(user, when=at(DAY, 10), child_id=str(child.pk))
    assert review() == [Rule.R3]
    alert = Alert.objects.get()
    assert colleague.username in alert.summary and alert.user == user


def test_r3_parent_is_a_colleague_by_email_without_details(user: User) -> None:
    colleague = UserFactory()
    child = make_child(carers=[{"given_name": "Sam", "family_name": "Lee", "email": colleague.email.upper()}])
    access(user, when=at(DAY, 10), child_id=str(child.pk))
    assert review() == [Rule.R3]


def test_r3_no_staff_on_the_record(user: User) -> None:
    UserFactory(first_name="Tom", last_name="Ellis")
    child = make_child(carers=[{"given_name": "Tom", "family_name": "Ellis", "postcode": "LS2 7XX"}])
    access(user, when=at(DAY, 10), child_id=str(child.pk))
    assert review() == []  # a namesake with no known home or email is not enough


def test_r4_flagged_record(user: User) -> None:
    flagged = make_child(high_profile=True)
    plain = make_child()
    access(user, when=at(DAY, 10), child_id=str(flagged.pk))
    access(user, when=at(DAY, 11), child_id=str(plain.pk))
    assert review() == [Rule.R4]
    assert Alert.objects.get().child_id == str(flagged.pk)
