"""Background jobs of this app: deliver e-mails (registered in ``apps.py``). Arguments are ids only."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from ecm.notifications.email import absolute_url, email_send, notification_message, set_password_message
from ecm.notifications.models import Notification


def deliver_notification_email(*, notification_id: str) -> str:
    """E-mail the recipient that a notification is waiting (no detail of it)."""
    note = Notification.objects.select_related("recipient").filter(pk=notification_id).first()
    if note is None:
        return "Not sent: the notification no longer exists"
    person = note.recipient
    if not person.is_active or not person.email:
        return "Not sent: the recipient's account is closed or has no e-mail address"
    email_send(to=person.email, message=notification_message(note))
    return "Sent"


def deliver_set_password_email(*, user_id: int) -> str:
    """E-mail a one-time set-password link; the token is made here, so it never waits in the queue."""
    person = get_user_model().objects.filter(pk=user_id).first()
    if person is None or not person.email:
        return "Not sent: no such account or no e-mail address"
    uid = urlsafe_base64_encode(force_bytes(person.pk))
    token = default_token_generator.make_token(person)
    link = absolute_url(reverse("accounts:set_password", kwargs={"uidb64": uid, "token": token}))
    email_send(to=person.email, message=set_password_message(link))
    return "Sent"
