"""What the rights services share: the error, the rule check and the note on complaints."""

from __future__ import annotations

import secrets

from ecm.rights.models import AccessRequest

ICO_COMPLAINT = (
    "The requester may complain to the Information Commissioner's Office (ico.org.uk, 0303 123 1113) "
    "if they are unhappy with this answer."
)
REFERENCE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


class RightsError(ValueError):
    """A rule of subject access or rectification was broken; the message is for the data manager."""


def require(condition: bool, message: str) -> None:
    if not condition:
        raise RightsError(message)


def new_reference() -> str:
    while True:
        ref = "SAR-" + "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(6))
        if not AccessRequest.objects.filter(reference=ref).exists():
            return ref
