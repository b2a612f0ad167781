"""Render GOV.UK components through one shared, caching Jinja2 environment.

``govuk-frontend-django`` (0.22) renders each component by building a new Jinja2
``Environment`` and compiling the component's macro file again, on every call: a page with
a header, navigation, footer and a dozen buttons compiled a dozen templates per request,
most of the time spent on any page. The output is the same when the environment is shared
and the compiled templates are kept, so :func:`install` swaps in :func:`render` for
``GovUKComponent.render`` (and its ``__str__``/``__html__`` aliases) at start-up. The
macro sources never change while the process runs, so nothing needs invalidating.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from django.utils.safestring import SafeString, mark_safe
from jinja2 import ChoiceLoader, Environment, PackageLoader, PrefixLoader, Template, select_autoescape


@lru_cache(maxsize=1)
def _environment() -> Environment:
    loader = ChoiceLoader([PrefixLoader({"govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja")})])
    # auto_reload off: the package's macro files do not change under a running process.
    return Environment(loader=loader, autoescape=select_autoescape(), auto_reload=False, cache_size=400)


@lru_cache(maxsize=400)
def _template(source: str) -> Template:
    return _environment().from_string(source)


def _drop_none(data: Any) -> None:
    """The package's own clean-up: remove keys whose value is None, at every level, in place."""
    if isinstance(data, list):
        for item in data:
            _drop_none(item)
    elif isinstance(data, dict):
        for key, value in list(data.items()):
            if value is None:
                del data[key]
            elif isinstance(value, dict | list):
                _drop_none(value)


def render(
    self: Any, template_name: Any = None, context: Any = None, renderer: Any = None, component_data: Any = None
) -> SafeString:
    """Same contract and output as ``GovUKComponent.render``, with the compiled template reused."""
    data = self.__dict__.copy()
    if component_data:
        data.update(component_data)
    _drop_none(data)
    return mark_safe(_template(self.build_jinja_template()).render(data=data))  # noqa: S308 - Jinja autoescapes


def install() -> None:
    from govuk_frontend_django.components.base import GovUKComponent

    GovUKComponent.render = render  # type: ignore[method-assign]
    GovUKComponent.__str__ = render  # type: ignore[assignment,method-assign]
    GovUKComponent.__html__ = render  # type: ignore[attr-defined]
