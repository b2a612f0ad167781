"""The audit hook that runs the at-the-moment rules (R1, R2, R5, R11) on every access.

It runs inside the transaction of the access. It fails closed: if an access by a
user cannot be checked, the hook raises and the access does not happen.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model

from ecm.audit.models import AuditEvent
from ecm.core.actors import SYSTEM_MISUSE
from ecm.misuse.rules.moment import MOMENT_ACTIONS, evaluate


class MisuseCheckError(RuntimeError):
    """An access could not be checked against the misuse rules, so it must not happen."""


def on_audit_event(event: AuditEvent) -> None:
    """Raise the alerts an access calls for, in the same transaction as the access."""
    if event.action not in MOMENT_ACTIONS or event.actor_type != "user":
        return
    from ecm.misuse.services import alert_raise

    user = get_user_model().objects.filter(pk=event.actor_id).first() if event.actor_id.isdigit() else None
    if user is None:
        raise MisuseCheckError(f"Access by an unknown user ({event.actor_id!r}) cannot be checked for misuse.")
    on_behalf = None
    if event.on_behalf_of:
        on_behalf = get_user_model().objects.filter(username=event.on_behalf_of).exclude(pk=user.pk).first()
    for candidate in evaluate(event, user, on_behalf):
        alert_raise(actor=SYSTEM_MISUSE, candidate=candidate)
