"""Idle and absolute timeouts, ended sessions, leavers, step-up, and forms kept across a timeout."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse

from ecm.accounts.access import child_data_gaps, child_data_required
from ecm.accounts.choices import Role
from ecm.accounts.models import UserSession
from ecm.accounts.services import practitioner_update, sessions_end_for_user
from ecm.accounts.stepup import step_up_required
from ecm.accounts.tests.factories import TEST_PASSWORD, OrganisationFactory, UserFactory
from ecm.audit.models import AuditEvent
from ecm.core import clock
from ecm.core.actors import SYSTEM_COMMAND

pytestmark = pytest.mark.django_db


def test_idle_timeout_signs_out_with_a_message(client, sign_in, settings):
    user = UserFactory()
    sign_in(client, user)
    clock.advance(settings.ECM_IDLE_TIMEOUT - dt.timedelta(minutes=1))
    assert client.get("/").status_code == 200  # activity resets the idle timer
    clock.advance(settings.ECM_IDLE_TIMEOUT + dt.timedelta(seconds=1))
    response = client.get("/", follow=True)
    assert response.redirect_chain[0][0].startswith("/sign-in/")
    assert b"had not done anything for 15 minutes" in response.content
    assert UserSession.objects.get(user=user).ended_reason == "idle_timeout"
    assert AuditEvent.objects.filter(action="sign_out", data__reason="idle_timeout").exists()


def test_absolute_timeout_even_when_active(client, sign_in, settings):
    user = UserFactory()
    sign_in(client, user)
    elapsed = dt.timedelta(0)
    while elapsed < settings.ECM_ABSOLUTE_TIMEOUT - dt.timedelta(minutes=10):
        clock.advance(dt.timedelta(minutes=10))
        elapsed += dt.timedelta(minutes=10)
        assert client.get("/account/").status_code == 200
    clock.advance(dt.timedelta(minutes=11))
    response = client.get("/", follow=True)
    assert b"signed in for 10 hours" in response.content
    assert UserSession.objects.get(user=user).ended_reason == "absolute_timeout"


def test_leaver_date_disables_the_account_and_ends_its_sessions_at_once(client, sign_in):
    admin = UserFactory(roles=[Role.SYSTEM_ADMIN])
    leaver = UserFactory()
    sign_in(client, leaver)
    other_browser = sign_in(Client(), leaver)
    assert client.get("/").status_code == 200
    practitioner_update(actor=admin, practitioner=leaver, leaver_date=clock.today())
    leaver.refresh_from_db()
    assert not leaver.is_active
    for browser in (client, other_browser):
        assert browser.get("/").status_code == 302
    assert not UserSession.objects.filter(user=leaver, ended_at__isnull=True).exists()
    assert Client().post("/sign-in/", {"username": leaver.username, "password": TEST_PASSWORD}).status_code == 200


def test_future_leaver_date_takes_effect_when_the_day_comes(client, sign_in):
    user = UserFactory(leaver_date=clock.today() + dt.timedelta(days=2))
    sign_in(client, user)
    assert client.get("/").status_code == 200
    clock.advance(dt.timedelta(days=2))
    # Keep the session itself fresh so only the leaver rule can end it.
    session = client.session
    session["ecm_signed_in_at"] = session["ecm_last_activity"] = clock.now().isoformat()
    session.save()
    response = client.get("/", follow=True)
    assert b"Your account has been disabled" in response.content


def test_user_sees_and_ends_their_own_other_session(client, sign_in):
    user = UserFactory()
    sign_in(client, user)
    other = sign_in(Client(), user)
    page = client.get("/account/")
    assert page.status_code == 200 and b"Where you are signed in" in page.content
    other_session = UserSession.objects.exclude(session_key=client.session.session_key).get(user=user)
    client.post(reverse("accounts:session_end", args=[other_session.pk]))
    assert other.get("/").status_code == 302
    assert client.get("/").status_code == 200


def test_user_cannot_end_someone_elses_session(client, sign_in):
    mine, theirs = UserFactory(), UserFactory()
    sign_in(client, mine)
    sign_in(Client(), theirs)
    their_session = UserSession.objects.get(user=theirs)
    assert client.post(reverse("accounts:session_end", args=[their_session.pk])).status_code == 404
    assert UserSession.objects.get(pk=their_session.pk).ended_at is None


def test_administrator_ends_all_sessions_of_a_user(client, sign_in):
    admin = UserFactory(roles=[Role.SYSTEM_ADMIN])
    target = UserFactory()
    target_browser = sign_in(Client(), target)
    sign_in(client, admin)
    response = client.post(reverse("accounts:practitioner_end_sessions", args=[target.pk]))
    assert response.status_code == 302
    assert target_browser.get("/").status_code == 302
    assert AuditEvent.objects.filter(action="session.ended_all", object_id=str(target.pk)).exists()


def test_vetting_gate_names_exactly_what_is_missing():
    expired = UserFactory(vetting_checked_on=clock.today() - dt.timedelta(days=3 * 365 + 5))
    assert any("expired" in gap for gap in child_data_gaps(expired))
    untrained = UserFactory(training_completed_on=None, agreement_signed_on=None)
    gaps = child_data_gaps(untrained)
    assert any("training" in g for g in gaps) and any("user agreement" in g for g in gaps)
    unaccredited = UserFactory(organisation=OrganisationFactory(accredited_on=None))
    assert any("not yet accredited" in g for g in child_data_gaps(unaccredited))
    assert child_data_gaps(UserFactory()) == []


def test_child_data_views_refuse_an_unvetted_user_and_say_why(sign_in):
    @child_data_required
    def child_page(request):
        from django.http import HttpResponse

        return HttpResponse("child data")

    expired = UserFactory(vetting_checked_on=clock.today() - dt.timedelta(days=4 * 365))
    request = RequestFactory().get("/x")
    request.user = expired
    response = child_page(request)
    assert response.status_code == 403 and b"You cannot see child records yet" in response.content
    assert b"expired" in response.content
    request.user = UserFactory()
    assert child_page(request).content == b"child data"


def test_home_page_tells_an_expired_user_what_is_missing(client, sign_in):
    sign_in(client, UserFactory(vetting_checked_on=clock.today() - dt.timedelta(days=4 * 365)))
    page = client.get("/")
    assert page.status_code == 200 and b"You cannot see child records yet" in page.content


def test_step_up_is_required_then_remembered_briefly(client, sign_in, settings):
    from django_otp.oath import TOTP
    from django_otp.plugins.otp_totp.models import TOTPDevice

    user = UserFactory()
    sign_in(client, user)

    @step_up_required
    def sensitive(request):
        from django.http import HttpResponse

        return HttpResponse("revealed")

    def call():
        request = RequestFactory().get("/sensitive/")
        request.user = user
        request.session = client.session
        return sensitive(request)

    first = call()
    assert first.status_code == 302 and first["Location"].startswith("/account/confirm-identity/")
    device = TOTPDevice.objects.get(user=user)
    bad = client.post("/account/confirm-identity/?next=/sensitive/", {"password": "wrong", "code": "123456"})
    assert b"Your password or security code is not right" in bad.content
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    import time

    time.sleep(1.1)
    ok = client.post(
        "/account/confirm-identity/?next=/sensitive/", {"password": TEST_PASSWORD, "code": f"{totp.token():06d}"}
    )
    assert ok.status_code == 302 and ok["Location"] == "/sensitive/"
    assert call().content == b"revealed"
    clock.advance(settings.ECM_STEP_UP_MAX_AGE + dt.timedelta(seconds=1))
    assert call().status_code == 302
    assert AuditEvent.objects.filter(action="step_up.ok").exists()
    assert AuditEvent.objects.filter(action="step_up.failed").exists()


def test_form_sent_after_timeout_is_kept_and_offered_back(client, sign_in, settings):
    admin = UserFactory(roles=[Role.SYSTEM_ADMIN])
    target = UserFactory(job_title="Health visitor")
    sign_in(client, admin)
    url = reverse("accounts:practitioner_edit", args=[target.pk])
    clock.advance(settings.ECM_IDLE_TIMEOUT + dt.timedelta(minutes=1))
    response = client.post(
        url,
        {
            "first_name": target.first_name,
            "last_name": target.last_name,
            "email": target.email,
            "job_title": "Senior health visitor",
            "organisation": target.organisation_id,
            "roles": ["practitioner"],
        },
    )
    assert response.status_code == 302 and "next=" in response["Location"]
    target.refresh_from_db()
    assert target.job_title == "Health visitor"  # nothing applied on a dead session
    sign_in(client, admin)  # signs in again in the same browser
    page = client.get(url)
    assert b"We kept what you entered" in page.content
    assert b"Senior health visitor" in page.content
    assert b"Senior health visitor" not in client.get(url).content  # offered once


def test_sessions_end_for_user_by_a_job_is_audited():
    user = UserFactory()
    assert sessions_end_for_user(actor=SYSTEM_COMMAND, user=user, reason="ended_by_admin") == 0
    event = AuditEvent.objects.filter(action="session.ended_all").last()
    assert event.actor_type == "system" and event.actor_label == "management-command"
