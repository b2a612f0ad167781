"""The shared browser check (conftest.AxeEveryPage): axe-core on every page a journey shows, naming the page."""

from __future__ import annotations

from typing import Any

import pytest

from conftest import AxeEveryPage

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

GOOD = '<!DOCTYPE html><html lang="en"><head><title>Good</title></head><body><main><h1>Fine</h1></main></body></html>'
BAD = '<!DOCTYPE html><html lang="en"><head><title>Bad</title></head><body><main><img src="x.png"></main></body></html>'


@pytest.fixture
def probe(chromium_browser: Any, live_server: Any) -> Any:
    context = chromium_browser.new_context(base_url=live_server.url)
    raw = context.new_page()
    raw.route(
        "**/axe-probe/**",
        lambda route: route.fulfill(
            status=200, content_type="text/html", body=BAD if "/bad/" in route.request.url else GOOD
        ),
    )
    yield AxeEveryPage(raw)
    context.close()


def test_every_page_is_checked_and_a_failure_names_the_page(probe: Any) -> None:
    probe.goto("/axe-probe/good/")
    probe.goto("/axe-probe/good/again/")  # looking at the page (goto) checks the one before
    assert probe.title() == "Good"
    assert [url.split("/axe-probe")[1] for url in probe.checked] == ["/good/", "/good/again/"]
    probe.goto("/axe-probe/bad/")
    with pytest.raises(AssertionError, match=r"axe on http://.*/axe-probe/bad/: image-alt \(critical\)"):
        probe.get_by_role("main")


def test_a_page_left_before_it_was_checked_fails(probe: Any) -> None:
    probe.goto("/axe-probe/good/")
    probe._page.goto("/axe-probe/bad/")  # as a locator kept from an earlier page would, without a look between
    with pytest.raises(
        AssertionError, match=r"Pages left before axe could check them: \['http://.*/axe-probe/good/'\]"
    ):
        _ = probe.url
