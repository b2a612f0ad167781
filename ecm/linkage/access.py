"""Who may reach the linkage pages and objects: data managers only. Forbidden and missing both answer 404."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from django.http import Http404, HttpResponse

from ecm.accounts.access import child_data_required, role_required
from ecm.accounts.choices import Role
from ecm.core.actors import Actor
from ecm.index.models import Child
from ecm.linkage.models import FeedDelivery, MergeRecord, ReviewItem

View = Callable[..., HttpResponse]


def data_manager_required(view: View) -> View:
    """Every linkage page: a data manager who passes the child-data gate."""
    return child_data_required(role_required(Role.DATA_MANAGER)(view))


def _int(raw: Any) -> int | None:
    try:
        return int(str(raw))
    except ValueError:
        return None


def delivery_for(*, actor: Actor, delivery_id: Any) -> FeedDelivery:
    """A delivery by id; 404 when missing."""
    pk = _int(delivery_id)
    delivery = FeedDelivery.objects.select_related("source").filter(pk=pk).first() if pk else None
    if delivery is None:
        raise Http404("No such delivery")
    return delivery


def review_item_for(*, actor: Actor, item_id: Any) -> ReviewItem:
    """A review item by id, with both records; 404 when missing."""
    pk = _int(item_id)
    item = (
        ReviewItem.objects.select_related(
            "record__source",
            "record__delivery",
            "record__child",
            "candidate__source",
            "candidate__delivery",
            "candidate__child",
        )
        .filter(pk=pk)
        .first()
        if pk
        else None
    )
    if item is None:
        raise Http404("No such review item")
    return item


def child_for_linkage(*, actor: Actor, child_id: Any) -> Child:
    """An index child (merged records too: a data manager sees what was merged); 404 when missing or malformed."""
    try:
        pk = uuid.UUID(str(child_id))
    except ValueError:
        raise Http404("No such record")
    child = Child.objects.filter(pk=pk).first()
    if child is None:
        raise Http404("No such record")
    return child


def merge_for(*, actor: Actor, merge_id: Any) -> MergeRecord:
    """A merge by id; 404 when missing."""
    pk = _int(merge_id)
    merge = MergeRecord.objects.select_related("survivor", "duplicate").filter(pk=pk).first() if pk else None
    if merge is None:
        raise Http404("No such merge")
    return merge
