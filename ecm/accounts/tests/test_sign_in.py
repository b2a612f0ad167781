"""Sign-in: password, second factor, lock-out, bad input, and what each leaves in the audit."""

from __future__ import annotations

import time

import pytest
from django.test import Client
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from ecm.accounts.models import UserSession
from ecm.accounts.services import recovery_codes_issue
from ecm.accounts.tests.factories import TEST_PASSWORD, UserFactory
from ecm.audit.models import AuditEvent
from ecm.core.anonymous import anonymous_activity

pytestmark = pytest.mark.django_db


def code_for(device: TOTPDevice, offset: int = 0) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = totp.time + offset * device.step
    return f"{totp.token():06d}"


def password_step(client: Client, user, password: str = TEST_PASSWORD):
    return client.post("/sign-in/", {"username": user.username, "password": password})


def actions() -> list[str]:
    return list(AuditEvent.objects.order_by("sequence").values_list("action", flat=True))


def test_sign_in_page_renders(client):
    response = client.get("/sign-in/")
    assert response.status_code == 200
    assert b"Sign in to Every Child Matters" in response.content


def test_wrong_password_is_refused_clearly_and_audited(client):
    user = UserFactory()
    response = password_step(client, user, "not-the-password")
    assert response.status_code == 200
    assert b"Enter a correct username and password" in response.content
    assert b"govuk-error-summary" in response.content
    assert "_auth_user_id" not in client.session
    event = AuditEvent.objects.filter(action="sign_in.failed").last()
    assert event.data["username"] == user.username


def test_empty_form_names_each_missing_field(client):
    response = client.post("/sign-in/", {"username": "", "password": ""})
    assert b"Enter your username" in response.content and b"Enter your password" in response.content


def test_no_second_factor_means_only_enrolment_is_reachable(client):
    user = UserFactory()
    response = password_step(client, user)
    assert response.status_code == 302 and response["Location"].startswith("/sign-in/set-up/")
    home = client.get("/")
    assert home.status_code == 302 and home["Location"].startswith("/sign-in/set-up/")
    assert client.get("/account/").status_code == 302
    assert client.get("/sign-in/set-up/").status_code == 200


def test_totp_enrolment_then_recovery_codes(client):
    user = UserFactory()
    password_step(client, user)
    page = client.get("/sign-in/set-up/app/")
    assert page.status_code == 200 and b"<svg" in page.content
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    wrong = client.post("/sign-in/set-up/app/", {"code": "000000" if code_for(device) != "000000" else "111111"})
    assert b"The code is not right" in wrong.content
    time.sleep(1.1)  # django-otp throttles the next try after a wrong code
    response = client.post("/sign-in/set-up/app/", {"code": code_for(device)})
    assert response.status_code == 302 and "/sign-in/recovery-codes/" in response["Location"]
    codes_page = client.get(response["Location"])
    assert codes_page.status_code == 200 and b"Save your recovery codes" in codes_page.content
    assert client.get("/").status_code == 200
    assert "second_factor.enrolled" in actions() and "second_factor.recovery_codes_issued" in actions()


def test_right_totp_signs_in_and_replay_is_refused(client):
    user = UserFactory()
    device = TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    assert password_step(client, user)["Location"].startswith("/sign-in/verify/")
    code = code_for(device)
    wrong = client.post("/sign-in/verify/", {"code": "12345x"})
    assert b"The code is not right" in wrong.content
    assert client.get("/").status_code == 302
    time.sleep(1.1)  # django-otp throttles the next try after a wrong code
    ok = client.post("/sign-in/verify/", {"code": code})
    assert ok.status_code == 302
    assert client.get("/").status_code == 200
    assert "sign_in.second_factor_failed" in actions() and "sign_in.second_factor_ok" in actions()

    # The same code again, in a new session, is a replay.
    other = Client()
    password_step(other, user)
    replay = other.post("/sign-in/verify/", {"code": code})
    assert b"The code is not right" in replay.content
    assert other.get("/").status_code == 302


def test_recovery_code_works_once(client):
    user = UserFactory()
    TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    codes = recovery_codes_issue(actor=user)
    password_step(client, user)
    response = client.post("/sign-in/verify/", {"code": codes[0].lower()})
    assert response.status_code == 302
    assert client.get("/").status_code == 200
    again = Client()
    password_step(again, user)
    assert b"The code is not right" in again.post("/sign-in/verify/", {"code": codes[0]}).content


def test_recovery_codes_are_stored_hashed():
    from ecm.accounts.models import RecoveryCode

    user = UserFactory()
    codes = recovery_codes_issue(actor=user)
    stored = list(RecoveryCode.objects.filter(device__user=user).values_list("code_hash", flat=True))
    plain = {c.replace("-", "") for c in codes}
    assert len(stored) == 10 and not plain.intersection(stored)
    assert all(len(h) == 64 for h in stored)


def test_lock_out_after_repeated_failures(client, settings):
    user = UserFactory()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert password_step(client, user, "wrong-password!").status_code == 200
    locked = password_step(client, user, "wrong-password!")
    assert locked.status_code == 429
    assert b"Your account is locked for now" in locked.content
    # Even the right password is refused while locked.
    assert password_step(client, user).status_code == 429
    assert "_auth_user_id" not in client.session
    assert "sign_in.locked_out" in actions()


def test_lock_out_is_per_username_and_address(client, settings):
    user = UserFactory()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        password_step(client, user, "wrong-password!")
    elsewhere = Client(REMOTE_ADDR="10.9.8.7")
    assert password_step(elsewhere, user).status_code == 302


def test_forged_session_cookie_signs_nobody_in_and_is_counted_outside_the_chain():
    forged = Client()
    forged.cookies["sessionid"] = "forgedsessionkey1234567890abcdefgh"
    response = forged.get("/", follow=True)
    assert response.redirect_chain[-1][0].startswith("/sign-in/")
    assert b"Your session was not recognised or has ended" in response.content
    assert "security.unknown_session_cookie" not in actions()
    assert anonymous_activity()["security.unknown_session_cookie"] == 1


def test_csrf_failure_gets_a_plain_page_and_is_counted_outside_the_chain():
    strict = Client(enforce_csrf_checks=True)
    response = strict.post("/sign-in/", {"username": "a", "password": "b"})
    assert response.status_code == 403
    assert b"Your form could not be sent" in response.content
    assert "security.csrf_failure" not in actions()
    assert anonymous_activity()["security.csrf_failure"] == 1
    assert "_auth_user_id" not in strict.session


def test_sign_out_is_a_post_and_ends_the_tracked_session(client, sign_in):
    user = UserFactory()
    sign_in(client, user)
    key = client.session.session_key
    assert client.get("/sign-out/").status_code == 302  # GET only shows the confirm page
    assert client.get("/").status_code == 200
    client.post("/sign-out/")
    assert client.get("/").status_code == 302
    assert UserSession.objects.get(session_key=key).ended_reason == "signed_out"
    assert "sign_out" in actions()


def test_inactive_suspended_and_leaver_accounts_cannot_sign_in(client):
    import datetime as dt

    from ecm.core import clock

    leaver = UserFactory(leaver_date=clock.today() - dt.timedelta(days=1))
    suspended = UserFactory(suspended_at=clock.now())
    for user in (leaver, suspended):
        response = password_step(Client(), user)
        assert response.status_code == 200 and b"Enter a correct username and password" in response.content
