"""Public "report a problem with this page" messages, for the directory team."""

from __future__ import annotations

from django.db import transaction

from ecm.audit.services import audit_or_count, audit_record
from ecm.core import clock
from ecm.core.actors import Actor
from ecm.directory.choices import ReportStatus
from ecm.directory.models import ProblemReport, Service


@transaction.atomic
def problem_report_create(
    *, actor: Actor, service: Service, description: str, reporter_email: str = ""
) -> ProblemReport:
    """Record a problem someone found with a service's page and tell the directory team."""
    from ecm.directory.selectors.people import directory_team_users
    from ecm.notifications.services import notification_send

    report = ProblemReport(service=service, description=description.strip(), reporter_email=reporter_email.strip())
    report.stamp(actor, creating=True)
    report.save()
    # From the public page (nobody signed in) the report is counted, not chained.
    audit_or_count(actor=actor, action="directory.problem_reported", target=report, data={"service": str(service.id)})
    for person in directory_team_users():
        notification_send(
            actor=actor,
            recipient=person,
            subject=f"Problem reported: {service.name}",
            body=description[:500],
            link="/directory/team/",
        )
    return report


@transaction.atomic
def problem_report_resolve(*, actor: Actor, report: ProblemReport, note: str) -> ProblemReport:
    """Close a problem report, saying what was done."""
    report.status = ReportStatus.RESOLVED
    report.resolution_note = note
    report.resolved_at = clock.now()
    report.stamp(actor)
    report.save()
    audit_record(actor=actor, action="directory.problem_resolved", target=report, reason=note)
    return report
