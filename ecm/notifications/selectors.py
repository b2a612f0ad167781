from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from ecm.notifications.models import Notification


def notification_list_for(*, user: Any) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient=user, archived_child_id__isnull=True).order_by("-created_at")


def unread_count_for(*, user: Any) -> int:
    """Unread notifications (in the navigation of every signed-in page: one fixed statement)."""
    from django.db import router

    from ecm.core import rows

    sql = (
        f"SELECT count(*) FROM {rows.table(Notification)} "  # noqa: S608
        "WHERE recipient_id = %s AND read_at IS NULL AND archived_child_id IS NULL"
    )
    return int(rows.select(sql, [user.pk], using=router.db_for_read(Notification))[0][0])
