"""The audit names its readers' roles by value (it sits above accounts): they must stay real roles."""

from __future__ import annotations

import pytest
from django.test import Client

from ecm.accounts.choices import Role
from ecm.accounts.tests.factories import UserFactory
from ecm.audit.access import AUDIT_READER_ROLES

pytestmark = pytest.mark.django_db


def test_reader_roles_are_roles() -> None:
    assert set(AUDIT_READER_ROLES) == {Role.PRIVACY_OFFICER.value, Role.SYSTEM_ADMIN.value}


@pytest.mark.parametrize(("role", "status"), [(Role.PRIVACY_OFFICER, 200), (Role.PRACTITIONER, 404)])
def test_only_readers_see_the_audit(user_client, role, status) -> None:
    client: Client = user_client(UserFactory(roles=[role]))
    assert client.get("/audit/").status_code == status
