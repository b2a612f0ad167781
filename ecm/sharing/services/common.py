"""What every sharing service shares: the rule error and notifications after commit."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction

from ecm.core.actors import Actor


class SharingError(ValueError):
    """A sharing rule was broken; the message is for the practitioner."""


def require(condition: bool, message: str) -> None:
    if not condition:
        raise SharingError(message)


def notify(*, actor: Actor, recipients: Iterable[Any], subject: str, body: str = "", link: str = "") -> None:
    """In-service notifications (and email) to each recipient once the transaction commits.

    The actor is not skipped: a practitioner who parks a question is told it is with the adviser.
    """
    from ecm.notifications.services import notification_send

    people = {getattr(r, "pk", None): r for r in recipients if r is not None and getattr(r, "pk", None)}

    def send() -> None:
        for person in people.values():
            notification_send(actor=actor, recipient=person, subject=subject, body=body, link=link)

    if people:
        transaction.on_commit(send)
