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


CONCURRENT_PAGE = Template(
    "{% load govuk_frontend_django %}"
    "{% gds_phase_banner %}{% gds_component 'tag' text=phase %}Signed in as {{ who }}{% endgds_phase_banner %}"
    "{% for item in items %}{% gds_component 'tag' text=item %}{% endfor %}"
    "{% gds_footer %}{% gds_footer_meta visuallyHiddenTitle='Support links' %}"
    "{% gds_footer_meta_item href=link text=who %}{% endgds_footer_meta %}{% endgds_footer %}"
)


def test_one_compiled_template_renders_correctly_from_many_threads_at_once() -> None:
    """The package's template-tag nodes keep per-render state; one template shared by threads must not mix it up."""
    import sys
    import threading
    from concurrent.futures import ThreadPoolExecutor

    threads, rounds = 16, 60
    start = threading.Barrier(threads)
    old_interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads as often as possible, as a busy server does

    def render_many(n: int) -> list[str]:
        start.wait()
        problems = []
        for r in range(rounds):
            who, phase, item = f"zqwho{n}x{r}", f"zqphase{n}x{r}", f"zqitem{n}x{r}"
            try:
                html = CONCURRENT_PAGE.render(
                    Context({"who": who, "phase": phase, "items": [item, item], "link": f"/p/{n}/{r}"})
                )
            except Exception as exc:  # noqa: BLE001 - every failure is reported below
                problems.append(f"{type(exc).__name__}: {exc}")
                continue
            for mine in (who, phase, item, f"/p/{n}/{r}"):
                if mine not in html:
                    problems.append(f"{mine} missing")
            if html.count("zqwho") != 2 or html.count("zqphase") != 1 or html.count("zqitem") != 2:
                problems.append("another render's data: " + html[:200])
        return problems

    try:
        with ThreadPoolExecutor(max_workers=threads) as pool:
            results = list(pool.map(render_many, range(threads)))
    finally:
        sys.setswitchinterval(old_interval)
    problems = [p for result in results for p in result]
    assert problems == [], f"{len(problems)} bad renders, e.g. {problems[:3]}"


def test_kept_chrome_is_keyed_by_every_value_and_its_type() -> None:
    """A button or tag rendered twice with the same words comes from the memo; different words,
    or the same characters once marked safe and once typed, render afresh and differently."""
    from django.utils.safestring import mark_safe

    govuk_components._rendered.clear()
    page = Template('{% load govuk_frontend_django %}{% gds_component "button" text=words %}')
    first = page.render(Context({"words": "Search"}))
    assert len(govuk_components._rendered) == 1
    assert page.render(Context({"words": "Search"})) == first
    assert len(govuk_components._rendered) == 1
    typed = page.render(Context({"words": "<b>Search</b>"}))
    marked = page.render(Context({"words": mark_safe("<b>Search</b>")}))  # noqa: S308 - the test's own text
    assert "&lt;b&gt;Search&lt;/b&gt;" in typed
    assert "<b>Search</b>" in marked
    assert len(govuk_components._rendered) == 3


def test_components_outside_the_chrome_are_never_kept() -> None:
    govuk_components._rendered.clear()
    Template('{% load govuk_frontend_django %}{% gds_component "inset-text" text=typed %}').render(
        Context({"typed": "A child's details"})
    )
    assert govuk_components._rendered == {}
