"""The administrators' list: an expired account is not shown as active; pagination links say which page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from conftest import page_text
from ecm.accounts.choices import Role
from ecm.accounts.tests.factories import UserFactory
from ecm.core import clock

pytestmark = pytest.mark.django_db


def test_expired_vetting_is_not_active_and_pages_are_named(user_client):
    admin = UserFactory(roles=[Role.SYSTEM_ADMIN], last_name="Aardvark")
    UserFactory(
        first_name="Olivia", last_name="Zzexpired", vetting_checked_on=clock.today() - dt.timedelta(days=4 * 365)
    )
    for n in range(30):
        UserFactory(last_name=f"Person{n:02d}")
    client = user_client(admin)
    found = page_text(client.get(reverse("accounts:practitioner_list"), {"q": "Zzexpired"}))
    assert "Olivia Zzexpired" in found and "Vetting expired" in found and "Active" not in found
    html = client.get(reverse("accounts:practitioner_list")).content.decode()
    assert 'aria-label="None"' not in html and 'aria-label="Page 2"' in html
    assert 'aria-label="Page 1" aria-current="page"' in html
