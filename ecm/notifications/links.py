"""Whether a notification's link opens for its recipient, asked when the notification is shown or opened.

A notification never leads its recipient to a page that answers them 404. Who may open a page can change
after the message is sent (a case closes, a secondment ends or has not started), and a message about a
person may go to someone who cannot open the page it names (the manager told of a secondment to a team
they neither lead nor belong to). So the link is kept as sent, and each time it is shown the question is
put to the app that owns the page.

Apps whose pages open for some people only register, per URL name, the rule their own view asks
(``register_link_rule`` in ``AppConfig.ready``); notifications sit below those apps and know nothing of
teams or cases. A rule only answers yes or no: it shows nothing and audits nothing, so showing a list
of notifications records no refused attempts. A local link with no rule registered opens (its page decides
by role alone, or shows a page of its own to those it refuses); a link to no page on the site, or to
another site, does not.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any
from urllib.parse import urlsplit

from django.urls import Resolver404, resolve
from django.utils.http import url_has_allowed_host_and_scheme

# (recipient, the URL's keyword arguments as the URL map converted them) -> whether the page opens for them.
LinkRule = Callable[[Any, Mapping[str, Any]], bool]
_rules: dict[str, LinkRule] = {}


def register_link_rule(url_name: str, rule: LinkRule) -> None:
    """``url_name`` as ``reverse`` takes it ("app:name"); the app's own access rule for that page."""
    _rules[url_name] = rule


def local_link(link: str) -> str:
    """The link when it is a path on this site; otherwise ''."""
    if link and link.startswith("/") and url_has_allowed_host_and_scheme(link, allowed_hosts=None):
        return link
    return ""


def link_opens(user: Any, link: str) -> bool:
    """Whether ``link`` leads ``user`` to a page of this site that opens for them."""
    path = local_link(link)
    if not path:
        return False
    try:
        match = resolve(urlsplit(path).path)
    except Resolver404:
        return False
    rule = _rules.get(match.view_name)
    return rule is None or bool(rule(user, match.kwargs))


def links_open(user: Any, links: Iterable[str]) -> set[str]:
    """The links of ``links`` that open for ``user``, each asked once."""
    return {link for link in set(links) if link_opens(user, link)}
