from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from ecm.notifications.models import Notification


def notification_list_for(*, user: Any) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient=user, archived_child_id__isnull=True).order_by("-created_at")


# Unread and still shown (not of a child since archived): also read with the signed-in user
# (ecm/notifications/apps.py).
UNREAD_WHERE = "read_at IS NULL AND archived_child_id IS NULL"


def unread_count_for(*, user: Any) -> int:
    """Unread notifications, one fixed statement (the navigation reads them with the user instead, apps.py)."""
    from django.db import router

    from ecm.core import rows

    sql = (
        f"SELECT count(*) FROM {rows.table(Notification)} "  # noqa: S608
        f"WHERE recipient_id = %s AND {UNREAD_WHERE}"
    )
    return int(rows.select(sql, [user.pk], using=router.db_for_read(Notification))[0][0])
