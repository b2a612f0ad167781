"""Daily housekeeping: forget succeeded jobs after 90 days, and the task queue's finished rows after 14."""

from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand

from ecm.core.actors import SYSTEM_JOB_RUNNER
from ecm.jobs.services import jobs_prune


class Command(BaseCommand):
    help = "Delete succeeded background jobs older than --days (90) and finished task-queue rows older than 14 days."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--days", type=int, default=90)

    def handle(self, *args: Any, **options: Any) -> None:
        deleted = jobs_prune(actor=SYSTEM_JOB_RUNNER, older_than_days=options["days"])
        from django_tasks import task_backends
        from django_tasks_db.backend import DatabaseBackend

        if isinstance(task_backends["default"], DatabaseBackend):  # the queue's own rows (the library's command)
            call_command("prune_db_task_results", "--queue-name", "*", verbosity=0)
        self.stdout.write(f"{deleted} succeeded job(s) older than {options['days']} days deleted")
