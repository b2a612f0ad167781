"""Keeping the directory up to date: reviews, and reminders for services not reviewed for 12 months."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from ecm.audit.services import audit_record
from ecm.core import clock
from ecm.core.actors import Actor
from ecm.directory.models import FreshnessReminder, Metadata, Service

# Reminder number → days after the review fell due. Search shows "may be out of date"
# from day 28 (``selectors.records.OUT_OF_DATE_GRACE_DAYS``).
REMINDER_DAYS = {1: 0, 2: 14}


@transaction.atomic
def service_review_confirm(*, actor: Actor, service: Service) -> Service:
    """The provider or the team has checked the details are still right: review date is today."""
    previous = service.last_reviewed_on
    service.last_reviewed_on = clock.today()
    service.stamp(actor)
    service.save(update_fields=["last_reviewed_on", "modified_at", "modified_by", "modified_by_label"])
    row = Metadata(
        resource_id=service.id,
        resource_type="service",
        last_action_date=clock.now(),
        last_action_type="update",
        field_name="assured_date",
        previous_value=previous.isoformat(),
        replacement_value=service.last_reviewed_on.isoformat(),
        updated_by=getattr(actor, "username", str(actor)),
    )
    row.stamp(actor, creating=True)
    row.save()
    audit_record(
        actor=actor, action="directory.service_reviewed", target=service, data={"previous": previous.isoformat()}
    )
    return service


def freshness_reminders_send(*, actor: Actor, today: dt.date | None = None) -> int:
    """Send each reminder that has fallen due and not been sent; returns how many were sent.

    Run daily. Each reminder commits on its own, so a failure part-way loses nothing.
    """
    from ecm.directory.selectors.records import review_due_date, services_due_for_review

    today = today or clock.today()
    sent = 0
    for service in services_due_for_review(today):
        due = review_due_date(service.last_reviewed_on)
        for number, after in REMINDER_DAYS.items():
            if today >= due + dt.timedelta(days=after) and _send_one(actor, service, due, number):
                sent += 1
    return sent


@transaction.atomic
def _send_one(actor: Actor, service: Service, due: dt.date, number: int) -> bool:
    from ecm.directory.selectors.people import directory_team_users, provider_staff
    from ecm.notifications.services import notification_send

    if FreshnessReminder.objects.filter(service=service, review_due_on=due, number=number).exists():
        return False
    recipients = list(provider_staff(service.organization.provider)) or list(directory_team_users())
    reminder = FreshnessReminder(service=service, review_due_on=due, number=number, recipients=len(recipients))
    reminder.stamp(actor, creating=True)
    reminder.save()
    for person in recipients:
        notification_send(
            actor=actor,
            recipient=person,
            subject=f"Please check the directory entry for {service.name}",
            body=(
                f"It was last reviewed on {service.last_reviewed_on:%-d %B %Y}. Check the details and confirm "
                "they are still right, or propose changes. After 28 days searches will say it may be out of date."
            ),
            link=f"/directory/provider/services/{service.id}/",
        )
    audit_record(
        actor=actor,
        action="directory.freshness_reminder",
        target=service,
        data={"number": number, "review_due_on": due.isoformat(), "recipients": len(recipients)},
    )
    return True
