"""A NUL character in any query or form parameter is a plain 400 in the path's own format, never a 500.

Found by fuzzing every page per role on PostgreSQL (7 December 2026): the provider links and the
practitioner list passed ``?q=%00`` to a query, and PostgreSQL refused it with a server error.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from conftest import page_text
from ecm.accounts.choices import Role
from ecm.accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("role", "url_name"),
    [(Role.DIRECTORY_EDITOR, "directory:provider_links"), (Role.SYSTEM_ADMIN, "accounts:practitioner_list")],
)
def test_a_nul_in_a_search_is_a_page_saying_so(user_client: Any, role: str, url_name: str) -> None:
    client = user_client(UserFactory(roles=[role]))
    url = reverse(url_name)
    assert client.get(url, {"q": "Leeds"}).status_code == 200
    response = client.get(url, {"q": "Le\x00eds"})
    assert response.status_code == 400
    text = page_text(response)
    assert "The request could not be read" in text and "A parameter holds a NUL character (byte 0x00)" in text


def test_a_nul_in_a_parameter_name_or_a_form_field_is_refused_too(user_client: Any) -> None:
    client = user_client(UserFactory(roles=[Role.SYSTEM_ADMIN]))
    url = reverse("accounts:practitioner_list")
    assert client.get(url + "?q%00=Leeds").status_code == 400
    response = client.post(reverse("accounts:practitioner_create"), {"first_name": "A\x00my"})
    assert response.status_code == 400 and "NUL character" in page_text(response)


def test_the_apis_answer_a_nul_in_their_own_format(client: Any) -> None:
    directory = client.get("/openreferral/services", {"search": "a\x00b"})
    assert directory.status_code == 400 and "NUL character" in directory.json()["error"]
    fhir = client.get("/fhir/Patient", {"family": "a\x00b"})
    assert fhir.status_code == 400 and fhir["Content-Type"].startswith("application/fhir+json")
    assert "NUL character" in fhir.json()["issue"][0]["diagnostics"]
