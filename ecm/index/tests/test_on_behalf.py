"""Look-ups on behalf of a colleague without a computer: both named in the audit, both can see them."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from conftest import page_text as text
from ecm.accounts.choices import Role
from ecm.accounts.tests.factories import UserFactory
from ecm.audit.models import AuditEvent
from ecm.index.tests.factories import SEARCH_BIRTH_DATE, ChildFactory
from ecm.index.tests.factories import search_smith as search

pytestmark = pytest.mark.django_db
DOB = SEARCH_BIRTH_DATE


@pytest.fixture
def people(db: Any) -> dict[str, Any]:
    return {
        "helper": UserFactory(roles=[Role.PRACTITIONER], username="helper", first_name="Hana", last_name="Iqbal"),
        "colleague": UserFactory(roles=[Role.PRACTITIONER], username="nocomputer"),
        "child": ChildFactory(given_name="Lily", family_name="Smith", date_of_birth=DOB),
    }


def test_search_and_record_on_behalf_name_both_in_the_audit(people: dict[str, Any], user_client: Any) -> None:
    client = user_client(people["helper"])
    assert "Lily Smith" in text(search(client, on_behalf_of="nocomputer"))
    searched = AuditEvent.objects.filter(action="index.search").latest("sequence")
    assert searched.on_behalf_of == "nocomputer" and searched.actor_id == str(people["helper"].pk)
    assert AuditEvent.objects.filter(action="index.search_match", on_behalf_of="nocomputer").count() == 1
    child = people["child"]
    client.post(
        reverse("index:reason", args=[child.pk]), {"reason_code": "check_identity", "on_behalf_of": "nocomputer"}
    )
    record = text(client.get(reverse("index:record", args=[child.pk])))
    assert "on behalf of a colleague (nocomputer)" in record
    opened = AuditEvent.objects.filter(action="index.record_view").latest("sequence")
    assert opened.on_behalf_of == "nocomputer"
    # Both see it.
    mine = text(client.get(reverse("index:on_behalf")))
    assert "Done by you for colleagues (2)" in mine and "nocomputer" in mine
    theirs = text(user_client(people["colleague"]).get(reverse("index:on_behalf")))
    assert "Done for you by colleagues (2)" in theirs and "helper" in theirs


@pytest.mark.parametrize(
    ("username", "message"),
    [
        ("nobody", "There is no active user called nobody"),
        ("helper", "Leave this empty when the look-up is for yourself"),
        ("unvetted", "is not an authorised index user"),
        ("editor", "is not an authorised index user"),
    ],
)
def test_the_colleague_must_be_an_authorised_index_user(
    people: dict[str, Any], user_client: Any, username: str, message: str
) -> None:
    UserFactory(roles=[Role.PRACTITIONER], username="unvetted", vetting_checked_on=None)
    UserFactory(roles=[Role.DIRECTORY_EDITOR], username="editor")
    client = user_client(people["helper"])
    response = search(client, on_behalf_of=username)
    assert message in text(response)
    assert not AuditEvent.objects.filter(action="index.search").exists()
    reason = client.post(
        reverse("index:reason", args=[people["child"].pk]), {"reason_code": "check_identity", "on_behalf_of": username}
    )
    assert reason.status_code == 200 and message in text(reason)


@pytest.mark.parametrize(
    ("roles", "expected"),
    [
        ([Role.PRACTITIONER], 200),
        ([Role.MANAGER], 200),
        ([Role.INDEX_ADMIN], 200),
        ([Role.DATA_MANAGER], 200),
        ([Role.PRIVACY_OFFICER], 404),
        ([Role.SYSTEM_ADMIN], 404),
        ([Role.DIRECTORY_EDITOR], 404),
    ],
)
def test_on_behalf_page_permission_matrix(user_client: Any, roles: list[str], expected: int) -> None:
    assert user_client(UserFactory(roles=roles)).get(reverse("index:on_behalf")).status_code == expected
