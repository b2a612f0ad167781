"""What every multi-agency service shares: the rule error, the officer check and notifications after commit."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction

from ecm.core.actors import Actor, SystemActor
from ecm.notifications.services import notification_send


class MultiagencyError(ValueError):
    """A rule of multi-agency working was broken; the message is for the person acting."""


def require(condition: bool, message: str) -> None:
    if not condition:
        raise MultiagencyError(message)


def is_panel_officer(actor: Actor, panel: Any) -> bool:
    """The chair and the administrator run the panel; jobs and the demo seed act as system actors."""
    if isinstance(actor, SystemActor):
        return True
    return getattr(actor, "pk", None) in (panel.chair_id, panel.administrator_id)


def notify(*, actor: Actor, recipients: Iterable[Any], subject: str, body: str = "", link: str = "") -> None:
    """In-service notifications (and email) to each recipient once, after the transaction commits.

    Callers keep children's names out of ``subject`` and ``body``: email leaves the service.
    """
    people = {getattr(r, "pk", None): r for r in recipients if r is not None and getattr(r, "pk", None)}
    people.pop(getattr(actor, "pk", None), None)

    def send() -> None:
        for person in people.values():
            notification_send(actor=actor, recipient=person, subject=subject, body=body, link=link)

    if people:
        transaction.on_commit(send)
