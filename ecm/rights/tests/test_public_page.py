"""The public page on data rights: reachable without signing in, linked from the footer of every page."""

from __future__ import annotations

import pytest
from django.test import Client

from conftest import page_text

pytestmark = pytest.mark.django_db


def test_anyone_can_read_how_to_see_correct_or_remove_their_data(settings) -> None:
    settings.ECM_DATA_PROTECTION_CONTACT = "Write to the Data Protection Officer, Civic Hall, Leeds"
    response = Client().get("/your-data/")
    assert response.status_code == 200
    text = page_text(response)
    for words in (
        "See your information",
        "Correct your information",
        "Have your information removed",
        "If you are a child or young person",
        "within one month",
        "Information Commissioner",
        "0303 123 1113",
        "Write to the Data Protection Officer, Civic Hall, Leeds",
    ):
        assert words in text, words


@pytest.mark.parametrize("path", ["/your-data/", "/directory/families/", "/sign-in/"])
def test_every_public_page_links_to_it_in_the_footer(path: str) -> None:
    page = Client().get(path).content.decode()
    footer = page[page.index('class="govuk-footer"') :]
    assert 'href="/your-data/"' in footer and "Your information: see, correct or remove it" in footer
