"""Notifications are not linked to a child by key, but their subject or body may name one: the
retention purge (``ecm.index.retention``) replaces the child's identifiers in any that do."""

from __future__ import annotations

from functools import reduce
from operator import or_
from typing import Any

from django.db.models import Q

from ecm.index.models import Child
from ecm.index.retention import register_holder, scrub_rows
from ecm.notifications.models import Notification


def purge(*, actor: Any, child: Child, identifiers: list[str]) -> int:
    strong = [t for t in identifiers if len(t) >= 4]
    if not strong:
        return 0
    naming = reduce(or_, (Q(subject__icontains=t) | Q(body__icontains=t) for t in strong))
    return scrub_rows(Notification.objects.filter(naming), identifiers)


register_holder(app="notifications", holds="messages whose subject or body names the child", purge=purge)
