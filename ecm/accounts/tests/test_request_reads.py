"""The reads every signed-in request makes, written as fixed statements, answer as Django's did:
the session store, the user with organisation and roles, the second-factor device, open sessions."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.contrib.sessions.models import Session
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from ecm.accounts.backends import PractitionerBackend, user_fact
from ecm.accounts.choices import Role
from ecm.accounts.middleware import SecondFactorDeviceMiddleware
from ecm.accounts.models import UserSession
from ecm.accounts.selectors import session_is_open
from ecm.accounts.tests.factories import UserFactory
from ecm.core.sessions import SessionStore

pytestmark = pytest.mark.django_db


def test_session_store_loads_a_live_session_and_refuses_an_expired_one() -> None:
    store = SessionStore()
    store["colour"] = "green"
    store.create()
    assert SessionStore(store.session_key)["colour"] == "green"
    Session.objects.filter(session_key=store.session_key).update(expire_date=timezone.now() - dt.timedelta(seconds=1))
    expired = SessionStore(store.session_key)
    assert expired.get("colour") is None and expired.session_key is None
    assert SessionStore("no-such-key").get("colour") is None


def test_get_user_brings_organisation_and_roles_in_one_statement(django_assert_num_queries) -> None:
    user = UserFactory(roles=[Role.PRACTITIONER, Role.DATA_MANAGER])
    with django_assert_num_queries(1):
        loaded = PractitionerBackend().get_user(str(user.pk))
        assert loaded.organisation == user.organisation
        assert loaded._role_codes == frozenset({Role.PRACTITIONER, Role.DATA_MANAGER})
    assert PractitionerBackend().get_user("not a number") is None
    assert PractitionerBackend().get_user(str(user.pk + 1000)) is None


def test_get_user_brings_the_confirmed_devices_and_the_unread_count_in_the_same_statement(
    django_assert_num_queries,
) -> None:
    from ecm.notifications.models import Notification

    user, other = UserFactory(), UserFactory()
    phone = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    tablet = TOTPDevice.objects.create(user=user, name="tablet", confirmed=True)
    TOTPDevice.objects.create(user=user, name="unfinished", confirmed=False)
    TOTPDevice.objects.create(user=other, name="theirs", confirmed=True)
    Notification.objects.create(recipient=user, subject="A referral")
    Notification.objects.create(recipient=user, subject="Another")
    Notification.objects.create(recipient=user, subject="Read", read_at=timezone.now())
    Notification.objects.create(recipient=user, subject="Archived child", archived_child_id=uuid.uuid4())
    Notification.objects.create(recipient=other, subject="Not theirs")
    with django_assert_num_queries(1):
        loaded = PractitionerBackend().get_user(str(user.pk))
    assert loaded._confirmed_totp_devices == {phone.pk: phone, tablet.pk: tablet}
    assert loaded._confirmed_totp_devices[phone.pk].name == "phone"
    assert user_fact(loaded, "notifications.unread") == 2
    alone = PractitionerBackend().get_user(str(UserFactory().pk))
    assert alone._confirmed_totp_devices == {} and user_fact(alone, "notifications.unread") == 0
    assert user_fact(user, "notifications.unread") is None  # not loaded by the backend: the caller reads it


def test_the_session_device_comes_from_the_users_statement_and_only_if_it_is_theirs_and_confirmed(
    django_assert_num_queries,
) -> None:
    from django.test import RequestFactory
    from django_otp import DEVICE_ID_SESSION_KEY

    user, other = UserFactory(), UserFactory()
    phone = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    unfinished = TOTPDevice.objects.create(user=user, name="unfinished", confirmed=False)
    theirs = TOTPDevice.objects.create(user=other, name="theirs", confirmed=True)
    middleware = SecondFactorDeviceMiddleware(lambda request: None)

    def verified(persistent_id: str) -> tuple[object, bool]:
        request = RequestFactory().get("/")
        request.session = {DEVICE_ID_SESSION_KEY: persistent_id}
        loaded = PractitionerBackend().get_user(str(user.pk))
        with django_assert_num_queries(0):
            checked = middleware._verify_user_sync(request, loaded)
        return checked.otp_device, DEVICE_ID_SESSION_KEY in request.session

    assert verified(phone.persistent_id) == (phone, True)
    assert verified(unfinished.persistent_id) == (None, False)  # not confirmed: the session forgets it
    assert verified(theirs.persistent_id) == (None, False)  # another user's
    assert verified("otp_totp.totpdevice/999999") == (None, False)
    assert verified("otp_totp.totpdevice/abc") == (None, False)


def test_get_user_without_an_organisation() -> None:
    user = UserFactory(organisation=None)
    loaded = PractitionerBackend().get_user(str(user.pk))
    assert loaded.organisation is None and loaded.pk == user.pk


def test_second_factor_device_is_read_by_its_persistent_id_only() -> None:
    user = UserFactory()
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    middleware = SecondFactorDeviceMiddleware(lambda request: None)
    assert middleware._device_from_persistent_id(device.persistent_id) == device
    assert middleware._device_from_persistent_id("otp_totp.totpdevice/999999") is None
    assert middleware._device_from_persistent_id("otp_totp.totpdevice/abc") is None
    assert middleware._device_from_persistent_id("accounts.user/1") is None  # not a device model
    assert middleware._device_from_persistent_id("nonsense") is None


def test_session_is_open_until_ended() -> None:
    user = UserFactory()
    tracked = UserSession.objects.create(user=user, session_key="k" * 32)
    assert session_is_open("k" * 32)
    UserSession.objects.filter(pk=tracked.pk).update(ended_at=timezone.now())
    assert not session_is_open("k" * 32)
    assert not session_is_open("unknown")


def test_the_session_store_reads_whether_the_session_is_open_with_the_row(django_assert_num_queries) -> None:
    from ecm.accounts.sessions import SessionStore as AccountsSessionStore
    from ecm.accounts.sessions import open_as_loaded

    user = UserFactory()
    store = AccountsSessionStore()
    store["colour"] = "green"
    store.create()
    untracked = AccountsSessionStore(store.session_key)
    with django_assert_num_queries(1):
        assert untracked["colour"] == "green"
        assert open_as_loaded(untracked) is False  # not tracked: not open
    tracked = UserSession.objects.create(user=user, session_key=store.session_key)
    loaded = AccountsSessionStore(store.session_key)
    with django_assert_num_queries(1):
        assert loaded["colour"] == "green"
        assert open_as_loaded(loaded) is True
    UserSession.objects.filter(pk=tracked.pk).update(ended_at=timezone.now())
    ended = AccountsSessionStore(store.session_key)
    assert ended["colour"] == "green" and open_as_loaded(ended) is False
    assert open_as_loaded(AccountsSessionStore(store.session_key)) is None  # not read yet
    ended.cycle_key()  # a new key: what was read belongs to the old one
    assert open_as_loaded(ended) is None
