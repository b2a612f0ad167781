"""Send and mark notifications. The e-mail copy is a background job queued after commit.

The e-mail says only that there is something to see, with an absolute link to the
notification (``ecm.notifications.email``); the subject and body stay in the service.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from ecm.audit.services import audit_or_count, audit_record
from ecm.core import clock
from ecm.core.actors import Actor
from ecm.jobs.services import job_enqueue
from ecm.notifications.models import Notification


@transaction.atomic
def notification_send(
    *, actor: Actor, recipient: Any, subject: str, body: str = "", link: str = "", email: bool = True
) -> Notification:
    """Create an in-service notification for ``recipient``; email a copy after commit."""
    note = Notification(
        recipient=recipient,
        subject=subject,
        body=body,
        link=link,
        emailed=email and bool(getattr(recipient, "email", "")),
    )
    note.stamp(actor, creating=True)
    note.save()
    audit_or_count(actor=actor, action="notification.sent", target=note, data={"recipient": recipient.pk})
    if email and (getattr(recipient, "email", None) or ""):
        job_enqueue(actor=actor, name="notifications.email", arguments={"notification_id": str(note.pk)})
    return note


@transaction.atomic
def notification_mark_read(*, actor: Actor, notification: Notification) -> Notification:
    """Mark one of the actor's notifications as read."""
    if notification.read_at is None:
        notification.read_at = clock.now()
        notification.stamp(actor)
        notification.save(update_fields=["read_at", "modified_at", "modified_by", "modified_by_label"])
        audit_record(actor=actor, action="notification.read", target=notification)
    return notification
