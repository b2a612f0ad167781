"""A real browser (Debian's Chromium): sign in with password and TOTP; axe-core on the sign-in pages."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from conftest import axe_violations, totp_now
from ecm.accounts.tests.factories import TEST_PASSWORD, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_sign_in_with_password_and_totp_then_home(page, browser_sign_in):
    user = UserFactory(first_name="Sam")
    page.goto("/sign-in/")
    assert axe_violations(page) == []
    browser_sign_in(page, user, TEST_PASSWORD)
    expect(page.get_by_role("heading", name="Welcome, Sam")).to_be_visible()
    assert axe_violations(page) == []
    page.get_by_role("link", name="Your account").first.click()
    expect(page.get_by_role("heading", name="Your account")).to_be_visible()


def test_wrong_password_shows_error_summary(page):
    user = UserFactory()
    page.goto("/sign-in/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text("There is a problem")).to_be_visible()
    assert axe_violations(page) == []


def test_enrolment_pages_are_accessible_and_work(page):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    user = UserFactory()
    page.goto("/sign-in/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/sign-in/set-up/**")
    expect(page.get_by_role("heading", name="Set up a second way to sign in")).to_be_visible()
    assert axe_violations(page) == []
    page.get_by_role("button", name="Set up an authenticator app").click()
    expect(page.get_by_role("heading", name="Set up an authenticator app")).to_be_visible()
    assert axe_violations(page) == []
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    from django_otp.oath import TOTP

    code = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).token()
    page.get_by_label("Enter the 6-digit code your app shows").fill(f"{code:06d}")
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_role("heading", name="Save your recovery codes")).to_be_visible()
    assert axe_violations(page) == []
    page.get_by_role("button", name="I have saved my codes – continue").click()
    page.wait_for_url("**/")
    expect(page.get_by_role("heading", name="Welcome")).to_be_visible()
    assert totp_now(user)  # the confirmed device now signs this user in


def _virtual_security_key(page):
    """Chromium's virtual authenticator (DevTools WebAuthn domain): a real ceremony, no hardware."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "usb",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
            }
        },
    )
    return cdp


def test_security_key_enrolment_and_sign_in(page, live_server, settings):
    from django_otp_webauthn.models import WebAuthnCredential

    from ecm.audit.models import AuditEvent

    settings.OTP_WEBAUTHN_RP_ID = "localhost"
    settings.OTP_WEBAUTHN_ALLOWED_ORIGINS = [live_server.url]
    _virtual_security_key(page)
    user = UserFactory(first_name="Kim")
    page.goto("/sign-in/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("button", name="Set up a security key").click()
    assert axe_violations(page) == []
    page.get_by_role("button", name="Register my security key").click()
    page.wait_for_function("() => document.getElementById('passkey-register-status-message')?.textContent.length > 0")
    assert WebAuthnCredential.objects.filter(user=user, confirmed=True).count() == 1
    page.get_by_role("link", name="Continue after registering your key").click()
    expect(page.get_by_role("heading", name="Save your recovery codes")).to_be_visible()
    page.get_by_role("button", name="I have saved my codes – continue").click()
    page.wait_for_url("**/")
    expect(page.get_by_role("heading", name="Welcome, Kim")).to_be_visible()

    # Sign out, then sign in again with the password and the key.
    page.goto("/sign-out/confirm/")
    page.get_by_role("button", name="Sign out").click()
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Check it's you")).to_be_visible()
    assert axe_violations(page) == []
    page.get_by_role("button", name="Use my security key").click()
    page.wait_for_url("**/")
    expect(page.get_by_role("heading", name="Welcome, Kim")).to_be_visible()
    kinds = list(AuditEvent.objects.filter(action="sign_in.second_factor_ok").values_list("data__kind", flat=True))
    assert "security_key" in kinds
    assert AuditEvent.objects.filter(action="second_factor.enrolled", data__kind="security_key").exists()
