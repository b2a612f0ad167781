"""Render GOV.UK components through one shared, caching Jinja2 environment.

``govuk-frontend-django`` (0.22) renders each component by building a new Jinja2
``Environment`` and compiling the component's macro file again, on every call: a page with
a header, navigation, footer and a dozen buttons compiled a dozen templates per request,
most of the time spent on any page. The output is the same when the environment is shared
and the compiled templates are kept, so :func:`install` swaps in :func:`render` for
``GovUKComponent.render`` (and its ``__str__``/``__html__`` aliases) at start-up. The
macro sources never change while the process runs, so nothing needs invalidating.

Thread safety. Django compiles a template once and shares its nodes between every thread of
the process, but the package's template-tag nodes keep each render's state on the node
(``resolved_kwargs``, ``sub_dataclasses``; the phase banner even takes its tag out of its own
``nodelist`` and puts it back). Under threaded serving two renders mixed each other's data or
failed with ``ValueError: list.remove(x)``. :func:`install` therefore also replaces
``GovUKComponentNode.render``: a plain ``{% gds_component %}`` (no body; nearly every use) is
rendered from local variables only, with no lock; the few block tags with a body (phase banner,
footer, pagination) render under one re-entrant lock. The Jinja2 environment and the
``lru_cache``s are safe to share (Jinja2's template cache and ``lru_cache`` lock internally), and
so is the memo of rendered chrome (a dict read and written whole under the interpreter's lock; a
lost entry only means one more render).
"""

from __future__ import annotations

import threading
from dataclasses import is_dataclass
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
    source = self.build_jinja_template()
    key = _memo_key(self, source, data)
    if key is not None and (html := _rendered.get(key)) is not None:
        return html
    html = mark_safe(_template(source).render(data=data))  # noqa: S308 - Jinja autoescapes
    if key is not None:
        if len(_rendered) >= MEMO_SIZE:
            _rendered.clear()
        _rendered[key] = html
    return html


# The page chrome (header, service navigation, phase banner, skip link, footer), buttons and tags
# are rendered with the same values on nearly every request: their output is kept, keyed by the
# component, its template and every value it was given (each value's type too, so that text marked
# safe and plain text never share an entry). Only these components are kept: they carry the
# service's own words and the signed-in user's navigation, never a child's details.
MEMO_COMPONENTS = frozenset(
    {
        "GovUKHeader",
        "GovUKServiceNavigation",
        "GovUKPhaseBanner",
        "GovUKSkipLink",
        "GovUKFooter",
        "GovUKButton",
        "GovUKTag",
    }
)
MEMO_SIZE = 2048
_rendered: dict[tuple[Any, ...], SafeString] = {}
_PLAIN = (str, SafeString, int, float, bool, type(None))


class _NotPlain(Exception):
    pass


def _frozen(value: Any) -> Any:
    kind = type(value)
    if kind in _PLAIN:
        return (kind.__name__, value)
    if kind is dict:
        return ("dict", tuple((key, _frozen(item)) for key, item in value.items()))
    if kind is list or kind is tuple:
        return (kind.__name__, tuple(_frozen(item) for item in value))
    if is_dataclass(value) and not isinstance(value, type):
        return (kind.__qualname__, _frozen(dict(vars(value))))
    raise _NotPlain


def _memo_key(component: Any, source: str, data: dict[str, Any]) -> tuple[Any, ...] | None:
    """The memo key for this render, or None when the component is not kept or holds a value that
    is not plain data (a form field, a lazy object): those are always rendered."""
    if type(component).__name__ not in MEMO_COMPONENTS:
        return None
    try:
        return (type(component).__qualname__, source, _frozen(data))
    except _NotPlain:
        return None


# Serialises the package's stateful block-tag nodes (re-entrant: a footer renders its meta items).
_NODE_LOCK = threading.RLock()
_package_node_render: Any = None


def render_node(self: Any, context: Any) -> str:
    """``GovUKComponentNode.render`` that is safe when one compiled template is rendered by many threads."""
    from govuk_frontend_django.templatetags.govuk_frontend_django import GovUKComponentNode

    if type(self) is GovUKComponentNode and not self.nodelist:
        # What the package does, with the resolved values in locals instead of on the shared node.
        component = self.dataclass_cls(**{key: value.resolve(context) for key, value in self.extra_context.items()})
        return render(component) if hasattr(component, "render") else ""
    with _NODE_LOCK:
        return str(_package_node_render(self, context))


def install() -> None:
    global _package_node_render
    from govuk_frontend_django.components.base import GovUKComponent
    from govuk_frontend_django.templatetags.govuk_frontend_django import GovUKComponentNode

    GovUKComponent.render = render  # type: ignore[method-assign]
    GovUKComponent.__str__ = render  # type: ignore[assignment,method-assign]
    GovUKComponent.__html__ = render  # type: ignore[attr-defined]
    if GovUKComponentNode.render is not render_node:
        _package_node_render = GovUKComponentNode.render
        GovUKComponentNode.render = render_node  # type: ignore[method-assign]
