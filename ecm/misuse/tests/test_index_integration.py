"""The rules on the index's real accesses: opening a record and revealing a shielded one."""

from __future__ import annotations

import datetime as dt

import pytest

from ecm.accounts.choices import Role
from ecm.accounts.models import User
from ecm.accounts.tests.factories import UserFactory
from ecm.audit.models import AuditEvent
from ecm.index.selectors import child_record_open, child_record_reveal
from ecm.misuse.choices import Rule
from ecm.misuse.models import Alert
from ecm.misuse.tests.factories import StaffPersonalDetailsFactory, at, make_child

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 3, 10)


@pytest.fixture
def user() -> User:
    from ecm.core import clock

    clock.freeze(at(DAY, 10))
    user = UserFactory(first_name="Aisha", last_name="Khan")
    StaffPersonalDetailsFactory(user=user, home_postcode="LS6 2AB", home_address="14 Ash Grove")
    return user


def test_opening_your_own_childs_record_raises_r1_with_the_access(user: User) -> None:
    child = make_child(family_name="Khan", postcode="LS6 2AB", address_line_1="14 Ash Grove",
                       carers=[{"given_name": "Aisha", "family_name": "Khan"}])
    child_record_open(actor=user, child=child, reason_code="safeguarding")
    view = AuditEvent.objects.get(action="index.record_view")
    alert = Alert.objects.get()
    assert alert.rule == Rule.R1 and alert.evidence == [view.sequence] and alert.child_id == str(child.pk)


def test_an_ordinary_open_raises_nothing_and_a_test_reason_raises_r11(user: User) -> None:
    child = make_child()
    child_record_open(actor=user, child=child, reason_code="check_identity")
    assert not Alert.objects.exists()
    child_record_open(actor=user, child=child, reason_code="other", reason_text="testing the index")
    assert list(Alert.objects.values_list("rule", flat=True)) == [Rule.R11]


def test_revealing_a_shielded_record_raises_r5() -> None:
    admin = UserFactory(roles=[Role.INDEX_ADMIN])
    child = make_child()
    child_record_reveal(actor=admin, child=child, justification="Court order 2026/114 requires the address")
    alert = Alert.objects.get()
    assert alert.rule == Rule.R5 and alert.user == admin


def test_a_look_up_for_a_colleague_of_their_own_family_alerts_about_the_colleague(user: User) -> None:
    helper = UserFactory()
    child = make_child(family_name="Khan", postcode="LS6 2AB", address_line_1="20 Ash Grove")
    child_record_open(actor=helper, child=child, reason_code="check_identity", on_behalf_of=user.username)
    alert = Alert.objects.get()
    assert alert.rule == Rule.R2 and alert.user == user
    assert alert.summary.startswith(f"{helper.username} opened, for {user.username},")
    assert "has " + user.username + "'s family name" in alert.summary


def test_a_look_up_for_a_colleague_unrelated_to_the_child_raises_nothing(user: User) -> None:
    helper = UserFactory()
    child = make_child()
    child_record_open(actor=helper, child=child, reason_code="check_identity", on_behalf_of=user.username)
    assert not Alert.objects.exists()
