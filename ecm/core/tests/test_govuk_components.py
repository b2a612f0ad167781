"""The shared-environment component renderer gives exactly the package's own output."""

from __future__ import annotations

import importlib

from django.template import Context, Template

from ecm.core import govuk_components

PAGE = Template(
    "{% load govuk_frontend_django %}"
    '{% gds_component "button" text="Save and continue" href="/next" classes="govuk-button--secondary" %}'
    '{% gds_component "warning-text" text="Do not share these details." iconFallbackText="Warning" %}'
    '{% gds_component "inset-text" text=typed %}'
    '{% gds_component "tag" text="Integrated service" %}'
)


def _package_render():
    """A fresh copy of the package's own render, as it was before ``install``."""
    base = importlib.reload(importlib.import_module("govuk_frontend_django.components.base"))
    return base.GovUKComponent.render


def test_installed_renderer_matches_the_package_and_escapes(monkeypatch) -> None:
    from govuk_frontend_django.components.base import GovUKComponent

    assert GovUKComponent.render is govuk_components.render
    ours = PAGE.render(Context({"typed": "Tom & Jerry <script>"}))
    original = _package_render()
    from govuk_frontend_django.components import base

    monkeypatch.setattr(base.GovUKComponent, "render", original)
    monkeypatch.setattr(base.GovUKComponent, "__str__", original)
    monkeypatch.setattr(base.GovUKComponent, "__html__", original)
    theirs = PAGE.render(Context({"typed": "Tom & Jerry <script>"}))
    govuk_components.install()  # the reload above replaced the class the tags use: put ours back
    assert ours == theirs
    assert "Tom &amp; Jerry &lt;script&gt;" in ours and "govuk-button--secondary" in ours
