from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from ecm.accounts.access import child_data_gaps
from ecm.notifications.access import own_notification
from ecm.notifications.links import link_opens, links_open
from ecm.notifications.models import Notification
from ecm.notifications.selectors import notification_list_for, unread_count_for
from ecm.notifications.services import notification_mark_read


@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    notes = list(notification_list_for(user=request.user)[:100])
    # A message links to its page only while that page opens for the recipient (ecm.notifications.links).
    opening = links_open(request.user, (note.link for note in notes))
    return render(
        request,
        "notifications/list.html",
        {
            "notifications": notes,
            "opens": {note.pk for note in notes if note.link in opening},
            "unread": unread_count_for(user=request.user),
            # A message's details can be about a child: shown only to those who pass the child-data gate.
            "gaps": child_data_gaps(request.user),
        },
    )


def _destination(request: HttpRequest, note: Notification) -> HttpResponse:
    """The notification's own page when it has a safe, local one that opens for the recipient; otherwise the
    list, where the message is shown (a page that would answer 404 is never the destination)."""
    if link_opens(request.user, note.link):
        return redirect(note.link)
    return redirect("notifications:list")


@login_required
def notification_open(request: HttpRequest, notification_id: str) -> HttpResponse:
    """Open a notification (from the list or from the e-mail's link): mark it read and go to its page."""
    note = own_notification(user=request.user, notification_id=notification_id)
    notification_mark_read(actor=request.user, notification=note)
    return _destination(request, note)


@login_required
@require_POST
def notification_read(request: HttpRequest, notification_id: str) -> HttpResponse:
    note = own_notification(user=request.user, notification_id=notification_id)
    notification_mark_read(actor=request.user, notification=note)
    return _destination(request, note)
