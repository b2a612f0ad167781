"""The Content Security Policy header, and no page carries script or style the policy would block."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from ecm.accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def policy(response: Any) -> dict[str, str]:
    header = response["Content-Security-Policy"]
    return {part.split()[0]: part.strip() for part in header.split(";") if part.strip()}


def test_every_page_sends_the_policy(client: Any) -> None:
    response = client.get("/sign-in/")
    directives = policy(response)
    assert directives["default-src"] == "default-src 'self'"
    assert directives["object-src"] == "object-src 'none'"
    assert directives["frame-ancestors"] == "frame-ancestors 'none'"
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert "'unsafe-eval'" not in response["Content-Security-Policy"]


def test_the_inline_script_carries_the_nonce_in_the_header(client: Any) -> None:
    response = client.get("/sign-in/")
    html = response.content.decode()
    nonces = re.findall(r'<script nonce="([^"]+)">', html)
    assert len(nonces) == 1 and nonces[0]
    assert f"'nonce-{nonces[0]}'" in policy(response)["script-src"]
    # A fresh nonce per response.
    assert nonces[0] not in client.get("/sign-in/").content.decode()


def test_pages_have_no_inline_script_or_style_without_a_nonce(user_client: Any) -> None:
    client = user_client(UserFactory())
    for url in ("/", "/sign-in/", "/directory/families/", "/directory/", "/index/", "/caf/"):
        html = client.get(url).content.decode()
        assert not re.search(r"<script(?![^>]*\b(src|nonce)=)[^>]*>", html), url
        assert not re.search(r"<style(?![^>]*\bnonce=)[^>]*>", html), url
        assert " style=" not in html, url
        assert not re.search(r"\son[a-z]+=", html), url


def test_no_template_writes_an_inline_script_or_style_without_a_nonce() -> None:
    """Pages the tests above do not open (the family's easy-read copy was one) are held to the same rule."""
    from django.conf import settings

    roots = [Path(settings.BASE_DIR) / "templates", *(Path(settings.BASE_DIR) / "ecm").glob("*/templates")]
    offending = [
        f"{path.relative_to(settings.BASE_DIR)}: {tag}"
        for root in roots
        for path in root.rglob("*.html")
        for tag in re.findall(r"<(?:script|style)\b[^>]*>", path.read_text())
        if not re.search(r"\b(nonce|src)=", tag) or (tag.startswith("<style") and "nonce=" not in tag)
    ]
    assert not offending, offending
