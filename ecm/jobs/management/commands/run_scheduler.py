"""The scheduler process: queues the daily jobs at their times (``ecm.jobs.schedule``); the worker runs them.

Run exactly one scheduler (a second one is harmless: each day's run is keyed, so it is queued once).
On start it queues whatever is already due today and was missed (the scheduler was down).
"""

from __future__ import annotations

import logging
import signal
from typing import Any

from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger
from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import close_old_connections, connection

from ecm.core import clock
from ecm.jobs.schedule import SCHEDULE, schedule_due, scheduled, scheduled_job_enqueue

logger = logging.getLogger("ecm.jobs.schedule")


def _drop_stale_connections() -> None:
    """As Django does around a request: the scheduler sleeps for hours between jobs."""
    if not connection.in_atomic_block:
        close_old_connections()


def fire(command: str) -> None:
    """APScheduler calls this at the job's time: queue today's run (idempotent)."""
    _drop_stale_connections()
    try:
        scheduled_job_enqueue(item=scheduled(command), day=clock.today())
    finally:
        _drop_stale_connections()


class Command(BaseCommand):
    help = "Keep the daily schedule: queue each daily job at its time for the worker (manage.py db_worker)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--once", action="store_true", help="Queue what is due now and exit (no long run).")

    def handle(self, *args: Any, **options: Any) -> None:
        queued = schedule_due(clock.now())
        self.stdout.write(f"Queued {len(queued)} job(s) due today: {', '.join(j.name for j in queued) or 'none'}")
        if options["once"]:
            return
        scheduler = BlockingScheduler(timezone=settings.TIME_ZONE)
        for item in SCHEDULE:
            scheduler.add_job(
                fire,
                CronTrigger(hour=item.at.hour, minute=item.at.minute, timezone=settings.TIME_ZONE),
                args=[item.command],
                id=item.command,
                name=f"manage.py {item.command}",
                misfire_grace_time=6 * 3600,
                coalesce=True,
                max_instances=1,
            )

        def stop(signum: int, frame: Any) -> None:
            logger.info("scheduler stopping (signal %s)", signum)
            scheduler.shutdown(wait=False)

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        for item in SCHEDULE:
            self.stdout.write(f"  {item.at:%H:%M} manage.py {item.command}")
        self.stdout.write("Scheduler running; stop with Ctrl+C or SIGTERM.")
        scheduler.start()
