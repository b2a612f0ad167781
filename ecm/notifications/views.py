from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from ecm.notifications.access import own_notification
from ecm.notifications.selectors import notification_list_for
from ecm.notifications.services import notification_mark_read


@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    return render(request, "notifications/list.html", {"notifications": notification_list_for(user=request.user)[:100]})


@login_required
@require_POST
def notification_read(request: HttpRequest, notification_id: str) -> HttpResponse:
    note = own_notification(user=request.user, notification_id=notification_id)
    notification_mark_read(actor=request.user, notification=note)
    return redirect(note.link or "notifications:list")
