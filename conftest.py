"""Shared test fixtures: the clock, signed-in clients, audit triggers around flushes, and a real browser."""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest

# Playwright's sync API runs an event loop in the test thread; Django's ORM is still used
# synchronously beside it (the live server runs in its own thread).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("ECM_CHROMIUM", "/usr/bin/chromium")


@pytest.fixture(autouse=True)
def _clock_reset() -> Iterator[None]:
    from ecm.core import clock

    clock.reset()
    yield
    clock.reset()


IMMEDIATE_TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend", "QUEUES": []}}
DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": []}}


@pytest.fixture(autouse=True)
def _tasks_run_immediately(request: pytest.FixtureRequest) -> Iterator[None]:
    """Background tasks run at once (after commit) unless a test asks for the real queue.

    Tests about queuing use ``@pytest.mark.database_tasks`` (the database backend and its worker).
    """
    from django.test import override_settings

    tasks = DATABASE_TASKS if request.node.get_closest_marker("database_tasks") else IMMEDIATE_TASKS
    with override_settings(TASKS=tasks):
        yield


@pytest.fixture(autouse=True)
def _faker_seeded_per_test(request: pytest.FixtureRequest) -> None:
    """The same generated names for a test on every run, whatever ran before it.

    Tests must still hold for any name (an apostrophe is a real name: compare visible text,
    see ``page_text``); the seed makes a failure reproducible instead of one run in fifty.
    """
    import zlib

    import factory.random

    factory.random.reseed_random(zlib.crc32(request.node.nodeid.encode()))


@pytest.fixture(autouse=True)
def _audit_triggers_around_flush(request: pytest.FixtureRequest) -> Iterator[None]:
    """Transactional tests end with a table flush; lift the append-only triggers for that flush only.

    Ordinary tests roll back and never need this; production never drops the triggers.
    """
    transactional = "transactional_db" in request.fixturenames or "live_server" in request.fixturenames
    marker = request.node.get_closest_marker("django_db")
    if marker and marker.kwargs.get("transaction"):
        transactional = True
    if not transactional:
        yield
        return
    request.getfixturevalue("transactional_db")
    from django.db import connection

    from ecm.audit import triggers
    from ecm.audit.models import AuditChainHead

    triggers.install(connection)
    _restore_reference_data()
    # Rate-limit counters live in the database cache table, which a flush leaves alone.
    from django.core.cache import cache

    cache.clear()
    AuditChainHead.objects.get_or_create(pk=1, defaults={"last_sequence": 0, "last_hash": "0" * 64})
    yield
    triggers.drop(connection)


def _restore_reference_data() -> None:
    """Rows that data migrations create, which a previous transactional test's flush removed."""
    import importlib

    from django.apps import apps

    importlib.import_module("ecm.linkage.migrations.0002_default_sources").add_sources(apps, None)


@pytest.fixture
def sign_in() -> Callable[..., Any]:
    """Sign a Django test client in as ``user`` with a verified second factor, as the real flow leaves it."""

    def _sign_in(client: Any, user: Any) -> Any:
        from django_otp.plugins.otp_totp.models import TOTPDevice

        from ecm.accounts.models import UserSession
        from ecm.core import clock

        device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or TOTPDevice.objects.create(
            user=user, name="Test authenticator", confirmed=True
        )
        client.force_login(user, backend="ecm.accounts.backends.PractitionerBackend")
        session = client.session
        session["otp_device_id"] = device.persistent_id
        session["ecm_signed_in_at"] = clock.now().isoformat()
        session["ecm_last_activity"] = clock.now().isoformat()
        session.save()
        UserSession.objects.create(user=user, session_key=session.session_key)
        return client

    return _sign_in


@pytest.fixture
def user_client(client: Any, sign_in: Callable[..., Any]) -> Callable[..., Any]:
    """``user_client(user)`` → a test client signed in as that user."""

    def _make(user: Any) -> Any:
        from django.test import Client

        return sign_in(Client(), user)

    return _make


# --- Browser ------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def chromium_browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    if not os.path.exists(CHROMIUM):
        pytest.fail(f"Debian's chromium is missing at {CHROMIUM}: run 'make chromium' (apt-get install chromium).")
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(chromium_browser: Any, live_server: Any, request: pytest.FixtureRequest) -> Iterator[Any]:
    """A browser page on the live server; in a test marked ``axe_every_page``, axe checks every page it shows."""
    context = chromium_browser.new_context(base_url=live_server.url, viewport={"width": 1024, "height": 800})
    page = context.new_page()
    page.set_default_timeout(15_000)
    if request.node.get_closest_marker("axe_every_page") is None:
        yield page
        context.close()
        return
    checked = AxeEveryPage(page)
    yield checked
    try:
        checked.finish()
    finally:
        context.close()


@pytest.fixture
def another_page(chromium_browser: Any, live_server: Any) -> Iterator[Callable[[], Any]]:
    """Another person's browser in the same journey: each call opens a new context (its own sign-in),
    and axe checks every page it shows, as on ``page``."""
    opened: list[tuple[Any, AxeEveryPage]] = []

    def _open() -> Any:
        context = chromium_browser.new_context(base_url=live_server.url, viewport={"width": 1024, "height": 800})
        raw = context.new_page()
        raw.set_default_timeout(15_000)
        checked = AxeEveryPage(raw)
        opened.append((context, checked))
        return checked

    yield _open
    try:
        for _context, checked in opened:
            checked.finish()
    finally:
        for context, _checked in opened:
            context.close()


# Markup that passed axe in this run, less what changes on every load (CSRF tokens, CSP nonces).
_AXE_PASSED: set[str] = set()
_AXE_VOLATILE = re.compile(r'(name="csrfmiddlewaretoken" value="[^"]*"|nonce="[^"]*")')


class AxeEveryPage:
    """A Playwright page that runs axe-core on every page it shows, and fails naming the URL.

    Every HTML document the main frame receives (``goto``, a link followed, a form sent, the end
    of a redirect, an error page) is checked once, before the test next touches the page (any
    attribute of this wrapper: ``get_by_role``, ``url``, ``goto``...) or at the end of the test.
    Playwright's click returns once the navigation it started has committed, so the check sees
    the new page. A page left before it could be checked (two navigations with no look at the
    page between them) fails the test too: no page goes unchecked. Markup that already passed axe
    in this run at the same size (the sign-in page of every journey) is not checked again.
    """

    def __init__(self, page: Any) -> None:
        self.__dict__.update(_page=page, _pending=[], _checking=False, checked=[])
        page.on("response", self._on_response)

    def _on_response(self, response: Any) -> None:
        request = response.request
        if not request.is_navigation_request() or request.frame != self._page.main_frame:
            return
        headers = response.headers
        if 300 <= response.status < 400 or "text/html" not in headers.get("content-type", ""):
            return
        if "attachment" in headers.get("content-disposition", ""):
            return
        self._pending.append(response.url)

    def __getattr__(self, name: str) -> Any:
        self.check()
        return getattr(self._page, name)

    def check(self) -> None:
        """Run axe on the page now showing if it arrived since the last check."""
        if self._checking or not self._pending:
            return
        self.__dict__["_checking"] = True
        try:
            urls = list(self._pending)
            self._pending.clear()
            page = self._page
            target = urls[-1].split("#")[0]
            page.wait_for_url(lambda url: url.split("#")[0] == target)
            page.wait_for_load_state("load")
            assert len(urls) == 1, f"Pages left before axe could check them: {urls[:-1]}"
            markup = _AXE_VOLATILE.sub("", page.content())
            key = hashlib.sha256(f"{page.viewport_size}{markup}".encode()).hexdigest()
            self.checked.append(page.url)
            if key in _AXE_PASSED:  # the same markup at the same size passed already (the sign-in page...)
                return
            violations = axe_violations(page)
            assert violations == [], f"axe on {page.url}: " + "; ".join(
                f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']]}" for v in violations
            )
            _AXE_PASSED.add(key)
        finally:
            self.__dict__["_checking"] = False

    def finish(self) -> None:
        """At the end of the journey: the last page is checked too."""
        if not self._page.is_closed():
            self.check()
        assert not self._pending, f"Pages closed before axe could check them: {self._pending}"


def totp_now(user: Any) -> str:
    from django_otp.oath import TOTP
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    assert device is not None, "user has no authenticator"
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():06d}"


@pytest.fixture
def browser_sign_in() -> Callable[..., None]:
    """Sign in through the real pages: password, then the current TOTP code."""

    def _sign_in(page: Any, user: Any, password: str) -> None:
        from django_otp.plugins.otp_totp.models import TOTPDevice

        if not TOTPDevice.objects.filter(user=user, confirmed=True).exists():
            TOTPDevice.objects.create(user=user, name="Test authenticator", confirmed=True)
        page.goto("/sign-in/")
        page.get_by_label("Username").fill(user.username)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Sign in").click()
        page.get_by_label("Security code").fill(totp_now(user))
        page.get_by_role("button", name="Continue").click()
        page.wait_for_url("**/")

    return _sign_in


# axe-core's tags for the WCAG 2.0, 2.1 and 2.2 level A and AA success criteria.
WCAG_AA_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa")


def axe_violations(page: Any, tags: tuple[str, ...] = ()) -> list[dict[str, Any]]:
    """Serious and critical axe-core violations on the current page (only rules with ``tags`` if given)."""
    from axe_playwright_python.sync_playwright import Axe

    options = {"runOnly": {"type": "tag", "values": list(tags)}} if tags else None
    results = Axe().run(page, options=options) if options else Axe().run(page)
    return [v for v in results.response["violations"] if v.get("impact") in ("serious", "critical")]


def page_text(response: Any) -> str:
    """A response's visible text: tags removed, entities decoded, white space collapsed."""
    import html
    import re

    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode())))
