"""Every page's content sits in a landmark (axe's "region" rule): the GOV.UK header, service navigation and phase
banner in the one <header>, the page in the one <main>, the GOV.UK footer in the one <footer>."""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

import pytest

from ecm.accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
# Elements that are landmarks as axe counts them (a <section> only with an accessible name).
LANDMARKS = {"header", "main", "footer", "nav", "aside"}


class Page(HTMLParser):
    """The page's elements, each with the elements around it, and every piece of text outside a landmark."""

    def __init__(self) -> None:
        super().__init__()
        self.open: list[tuple[str, dict[str, str]]] = []
        self.elements: list[tuple[str, dict[str, str], list[tuple[str, dict[str, str]]]]] = []
        self.outside: list[str] = []
        self.texts: list[tuple[str, list[str]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name: value or "" for name, value in attrs}
        self.elements.append((tag, attributes, list(self.open)))
        if tag not in VOID:
            self.open.append((tag, attributes))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, {name: value or "" for name, value in attrs}, list(self.open)))

    def handle_endtag(self, tag: str) -> None:
        for i in range(len(self.open) - 1, -1, -1):
            if self.open[i][0] == tag:
                del self.open[i:]
                return

    def handle_data(self, data: str) -> None:
        tags = [tag for tag, _attributes in self.open]
        if not data.strip() or "body" not in tags or {"script", "style"} & set(tags):
            return
        self.texts.append((data.strip(), tags))
        if "govuk-skip-link" in self.open[-1][1].get("class", ""):
            return  # axe leaves skip links out of the rule
        if not any(landmark(tag, attributes) for tag, attributes in self.open):
            self.outside.append(data.strip())

    def within(self, css_class: str) -> list[list[str]]:
        """For each element with the class, the tags of the elements around it."""
        return [
            [tag for tag, _a in around]
            for _tag, attributes, around in self.elements
            if css_class in attributes.get("class", "").split()
        ]

    def count(self, tag: str) -> int:
        return sum(1 for t, _a, _around in self.elements if t == tag)


def landmark(tag: str, attributes: dict[str, str]) -> bool:
    named = bool(attributes.get("aria-label") or attributes.get("aria-labelledby"))
    return tag in LANDMARKS or (tag == "section" and named) or attributes.get("role") in {"region", "banner"}


def parsed(response: Any) -> Page:
    assert response.status_code == 200
    page = Page()
    page.feed(response.content.decode())
    page.close()
    return page


@pytest.mark.parametrize("path", ["/sign-in/", "/directory/families/", "/your-data/"])
def test_a_public_page_has_all_its_content_in_landmarks(client: Any, path: str) -> None:
    assert_landmarks(parsed(client.get(path)))


@pytest.mark.parametrize("path", ["/", "/index/", "/caf/", "/notifications/", "/account/"])
def test_a_signed_in_page_has_all_its_content_in_landmarks(user_client: Any, path: str) -> None:
    page = parsed(user_client(UserFactory()).get(path))
    assert_landmarks(page)
    assert any("Signed in as" in text and "header" in around for text, around in page.texts)


def assert_landmarks(page: Page) -> None:
    assert page.outside == [], f"text outside every landmark: {page.outside}"
    # One of each, none inside another.
    for tag in ("header", "main", "footer"):
        assert page.count(tag) == 1, tag
        [around] = [[t for t, _a in a] for t, _attrs, a in page.elements if t == tag]
        assert not set(around) & {"header", "main", "footer"}, (tag, around)
    [banner] = page.within("govuk-phase-banner")
    assert "header" in banner and "main" not in banner
    [footer] = page.within("govuk-footer")
    assert footer[-1] == "footer"
    for part in ("govuk-footer__inline-list", "govuk-visually-hidden"):
        assert all("footer" in around for around in page.within(part) if "main" not in around), part
    [header] = page.within("govuk-header")
    assert header[-1] == "header"
