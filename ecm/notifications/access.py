from __future__ import annotations

from typing import Any

from django.http import Http404

from ecm.notifications.models import Notification


def own_notification(*, user: Any, notification_id: str) -> Notification:
    """One of the user's own notifications; anyone else's is 404."""
    try:
        note = Notification.objects.filter(pk=notification_id, recipient=user, archived_child_id__isnull=True).first()
    except Exception:  # malformed id
        note = None
    if note is None:
        raise Http404
    return note
