from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from ecm.notifications.models import Notification


def notification_list_for(*, user: Any) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient=user, archived_child_id__isnull=True).order_by("-created_at")


def unread_count_for(*, user: Any) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True, archived_child_id__isnull=True).count()
