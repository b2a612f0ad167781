"""The one way ECM sends e-mail, and the only messages it sends.

E-mail never carries a child's name or any detail of a case: only that there is something to
see in ECM, with an absolute link (``settings.ECM_BASE_URL``) to it behind sign-in. Messages are
built here from ids, inside the background job, so no personal data waits in the queue either.

Transport: GOV.UK Notify when ``ECM_NOTIFY_API_KEY`` is set (one template, ``ECM_NOTIFY_TEMPLATE_ID``,
whose subject is ``((subject))`` and body ``((body))``); otherwise Django's e-mail backend (SMTP when
``EMAIL_HOST`` is set, the console in development). A failure raises, so the job is retried and,
in the end, shown as failed; nothing is silenced.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse

logger = logging.getLogger("ecm.notifications.email")


class EmailNotSent(RuntimeError):
    """The e-mail service did not accept the message."""


@dataclass(frozen=True)
class EmailMessage:
    subject: str
    body: str


def absolute_url(path: str) -> str:
    """``path`` on the service's own address, for a link that works from an e-mail."""
    return settings.ECM_BASE_URL.rstrip("/") + "/" + path.lstrip("/")


FOOTER = (
    "\n\nFor the safety of the children and families we work with, this e-mail does not say what it is about. "
    "If you did not expect it, tell your system administrator."
)


def notification_message(notification: Any) -> EmailMessage:
    """The e-mail copy of an in-service notification: only that there is one, and where."""
    link = absolute_url(reverse("notifications:open", kwargs={"notification_id": notification.pk}))
    return EmailMessage(
        subject=f"You have a new notification in {settings.ECM_SERVICE_NAME}",
        body=f"There is something new for you in {settings.ECM_SERVICE_NAME}.\n\nSign in to see it:\n{link}" + FOOTER,
    )


def set_password_message(link: str) -> EmailMessage:
    return EmailMessage(
        subject=f"Set your password for {settings.ECM_SERVICE_NAME}",
        body=f"Use this link to set your password. It works once.\n\n{link}" + FOOTER,
    )


def email_send(*, to: str, message: EmailMessage) -> None:
    """Send one e-mail now (called inside background jobs only). Raises when it was not sent."""
    if not to:
        raise EmailNotSent("no address")
    if settings.ECM_NOTIFY_API_KEY:
        from notifications_python_client.notifications import NotificationsAPIClient

        client = NotificationsAPIClient(settings.ECM_NOTIFY_API_KEY, base_url=settings.ECM_NOTIFY_BASE_URL, timeout=20)
        client.send_email_notification(
            email_address=to,
            template_id=settings.ECM_NOTIFY_TEMPLATE_ID,
            personalisation={"subject": message.subject, "body": message.body},
        )
        return
    sent = send_mail(message.subject, message.body, None, [to], fail_silently=False)
    if sent != 1:
        raise EmailNotSent("the mail backend accepted no message")
