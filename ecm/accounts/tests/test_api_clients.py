"""API client lifecycle: the administrators' pages (list, expiry, revoke, rotate) and the commands."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from conftest import page_text
from ecm.accounts.access import api_client_authenticate
from ecm.accounts.choices import Role
from ecm.accounts.models import ApiClient
from ecm.accounts.services import AccountsError, api_client_create, api_client_revoke
from ecm.accounts.tests.factories import OrganisationFactory, UserFactory
from ecm.audit.models import AuditEvent
from ecm.core import clock
from ecm.core.actors import SYSTEM_COMMAND

pytestmark = pytest.mark.django_db


@pytest.fixture
def made():
    return api_client_create(actor=SYSTEM_COMMAND, organisation=OrganisationFactory(), name="Case system")


@pytest.fixture
def admin_client(client, sign_in):
    admin = UserFactory(roles=[Role.SYSTEM_ADMIN])
    sign_in(client, admin)
    client.admin = admin
    return client


def urls(client_id):
    return [
        reverse("accounts:api_client_list"),
        reverse("accounts:api_client_detail", args=[client_id]),
        reverse("accounts:api_client_revoke", args=[client_id]),
        reverse("accounts:api_client_rotate", args=[client_id]),
    ]


@pytest.mark.parametrize("role", [r for r in Role.values if r != Role.SYSTEM_ADMIN])
def test_api_client_pages_are_404_for_every_other_role(client, sign_in, role, made):
    sign_in(client, UserFactory(roles=[role]))
    for url in urls(made[0].pk):
        assert client.get(url).status_code == 404, url
        assert client.post(url, {"reason": "x"}).status_code == 404, url
    assert ApiClient.objects.get().is_active


def test_missing_and_malformed_clients_are_404(admin_client):
    for client_id in ["not-a-uuid", "4b1d7a4e-6a0c-4b8e-9d0e-0d9f7b0e2f11"]:
        assert admin_client.get(reverse("accounts:api_client_detail", args=[client_id])).status_code == 404


def test_the_list_shows_status_and_last_use(admin_client, made):
    client, token = made
    revoked, _ = api_client_create(actor=SYSTEM_COMMAND, organisation=OrganisationFactory(), name="Old system")
    api_client_revoke(actor=SYSTEM_COMMAND, client=revoked)
    unaccredited, _ = api_client_create(
        actor=SYSTEM_COMMAND, organisation=OrganisationFactory(accredited_on=None), name="New school system"
    )
    ApiClient.objects.filter(pk=client.pk).update(last_used_at=dt.datetime(2026, 3, 4, 10, 15, tzinfo=dt.UTC))
    text = page_text(admin_client.get(reverse("accounts:api_client_list")))
    assert "Case system" in text and "Active" in text and "4 March 2026" in text
    assert "Old system" in text and "Revoked" in text
    assert "New school system" in text and "Organisation not accredited" in text and "Never" in text


def test_revoke_needs_a_reason_and_confirmation_and_is_audited(admin_client, made):
    client, token = made
    page = admin_client.get(reverse("accounts:api_client_revoke", args=[client.pk]))
    assert "stops working at once" in page_text(page)
    refused = admin_client.post(reverse("accounts:api_client_revoke", args=[client.pk]), {"reason": ""})
    assert "Enter the reason" in page_text(refused)
    assert api_client_authenticate(token).status == 200
    done = admin_client.post(reverse("accounts:api_client_revoke", args=[client.pk]), {"reason": "Token leaked"})
    assert done.status_code == 302
    assert api_client_authenticate(token).status == 401
    client.refresh_from_db()
    assert not client.is_active and client.revoked_at is not None and client.revoked_reason == "Token leaked"
    event = AuditEvent.objects.get(action="admin.api_client.revoked")
    assert event.actor_id == str(admin_client.admin.pk) and event.reason == "Token leaked"
    again = admin_client.post(reverse("accounts:api_client_revoke", args=[client.pk]), {"reason": "again"})
    assert "already revoked" in page_text(again)


def test_rotate_shows_the_new_token_once_and_the_old_one_stops(admin_client, made):
    client, old = made
    response = admin_client.post(reverse("accounts:api_client_rotate", args=[client.pk]), {"reason": "Yearly"})
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    new = response.context["token"]
    assert new in response.content.decode() and new != old
    assert api_client_authenticate(old).status == 401
    assert api_client_authenticate(new).client == client
    assert AuditEvent.objects.filter(action="admin.api_client.rotated", object_id=str(client.pk)).count() == 1
    assert new not in str(list(AuditEvent.objects.values_list("data", flat=True)))
    detail = admin_client.get(reverse("accounts:api_client_detail", args=[client.pk]))
    assert new not in detail.content.decode()


def test_expiry_is_set_from_the_page_and_stops_the_token(admin_client, made):
    client, token = made
    url = reverse("accounts:api_client_detail", args=[client.pk])
    past = clock.today() - dt.timedelta(days=1)
    refused = admin_client.post(url, {"expires_on_0": past.day, "expires_on_1": past.month, "expires_on_2": past.year})
    assert "today or in the future" in page_text(refused)
    soon = clock.today() + dt.timedelta(days=7)
    saved = admin_client.post(url, {"expires_on_0": soon.day, "expires_on_1": soon.month, "expires_on_2": soon.year})
    assert saved.status_code == 302
    client.refresh_from_db()
    assert client.expires_on == soon
    assert api_client_authenticate(token).status == 200
    clock.freeze(clock.now() + dt.timedelta(days=7))
    assert api_client_authenticate(token).status == 401
    client.refresh_from_db()
    assert client.status == "Expired"
    assert AuditEvent.objects.filter(action="admin.api_client.expiry_set").count() == 1


def test_commands_revoke_rotate_and_expire_by_name(made):
    client, token = made
    out = StringIO()
    call_command("rotate_api_client", "--name", "Case system", stdout=out)
    new = out.getvalue().strip().splitlines()[-1]
    assert api_client_authenticate(token).status == 401 and api_client_authenticate(new).client == client
    day = (clock.today() + dt.timedelta(days=30)).isoformat()
    call_command("set_api_client_expiry", "--name", "Case system", "--expires-on", day, stdout=StringIO())
    client.refresh_from_db()
    assert client.expires_on.isoformat() == day
    call_command("revoke_api_client", "--name", "Case system", "--reason", "decommissioned", stdout=StringIO())
    assert api_client_authenticate(new).status == 401
    assert AuditEvent.objects.filter(action="admin.api_client.revoked", actor_label="management-command").exists()
    with pytest.raises(CommandError, match="already revoked"):
        call_command("revoke_api_client", "--name", "Case system", stdout=StringIO())
    with pytest.raises(CommandError, match="No API client named"):
        call_command("revoke_api_client", "--name", "Nobody", stdout=StringIO())


def test_two_clients_with_one_name_need_the_organisation(made):
    other = OrganisationFactory()
    api_client_create(actor=SYSTEM_COMMAND, organisation=other, name="Case system")
    with pytest.raises(CommandError, match="--organisation"):
        call_command("revoke_api_client", "--name", "Case system", stdout=StringIO())
    call_command("revoke_api_client", "--name", "Case system", "--organisation", other.code, stdout=StringIO())
    assert ApiClient.objects.get(organisation=other).is_active is False
    assert made[0].__class__.objects.get(pk=made[0].pk).is_active


def test_a_revoked_client_cannot_be_rotated_or_given_an_expiry(made):
    from ecm.accounts.services import api_client_rotate, api_client_set_expiry

    client, _ = made
    api_client_revoke(actor=SYSTEM_COMMAND, client=client)
    with pytest.raises(AccountsError):
        api_client_rotate(actor=SYSTEM_COMMAND, client=client)
    with pytest.raises(AccountsError):
        api_client_set_expiry(actor=SYSTEM_COMMAND, client=client, expires_on=None)
