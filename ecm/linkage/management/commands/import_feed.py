"""``manage.py import_feed --source <name> <file>``: validate and stage a source's delivery."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ecm.core.actors import SYSTEM_FEED
from ecm.linkage.feeds import FeedFileError
from ecm.linkage.index_bridge import bulk_connection_prepare
from ecm.linkage.models import FeedSource
from ecm.linkage.services import DEFAULT_BATCH_SIZE, LinkageRuleError, deliveries_mark_stopped, feed_import


def progress_bar(done: int, total: int, *, width: int = 40) -> str:
    """A one-line text progress bar: ``[#####-----]  50%  500/1000 lines``."""
    fraction = min(1.0, done / total) if total else 1.0
    filled = int(width * fraction)
    return f"[{'#' * filled}{'-' * (width - filled)}] {fraction:4.0%}  {done}/{total} lines"


class Command(BaseCommand):
    # A batch command run by schedulers and the benchmark: Django's system checks (every URL module
    # imported) would cost a second of start-up each run; ``manage.py check`` and CI run them.
    requires_system_checks: list[str] = []
    help = (
        "Validate and stage a feed file (CSV or JSON Lines, UTF-8). A file that cannot be imported whole is refused "
        "before any row is read. Re-running the same file changes nothing; one that stopped part-way resumes."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--source", required=True, help="The configured source's name, e.g. school_census")
        parser.add_argument("file", help="The feed file (.csv or .jsonl)")
        parser.add_argument("--format", default="", choices=["", "csv", "jsonl"], help="Override the extension")
        parser.add_argument("--batch-size", type=int, default=DEFAULT_BATCH_SIZE, help="Rows per committed batch")
        parser.add_argument("--no-progress", action="store_true", help="No progress bar")
        parser.add_argument("--pause", type=float, default=0.0, help="Seconds between batches (throttling)")

    def handle(self, *args: Any, **options: Any) -> None:
        bulk_connection_prepare()
        source = FeedSource.objects.filter(name=options["source"]).first()
        if source is None:
            names = ", ".join(FeedSource.objects.values_list("name", flat=True))
            raise CommandError(f"Unknown source '{options['source']}'. Configured sources: {names}.")
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"No file at {path}.")
        show = not options["no_progress"] and sys.stderr.isatty()
        for stopped in deliveries_mark_stopped(actor=SYSTEM_FEED):
            self.stderr.write(
                f"Delivery {stopped.pk} ({stopped.file_name}) had stopped part-way: resume or abandon it with "
                f"manage.py feed_delivery --resume {stopped.pk} / --abandon {stopped.pk} --reason '...'."
            )

        def progress(done: int, total: int) -> None:
            sys.stderr.write("\r" + progress_bar(done, total))
            sys.stderr.flush()

        try:
            delivery, already = feed_import(
                actor=SYSTEM_FEED,
                source=source,
                path=path,
                declared_format=options["format"],
                batch_size=max(1, options["batch_size"]),
                progress=progress if show else None,
                pause_between_batches=options["pause"],
            )
        except (FeedFileError, LinkageRuleError) as error:
            raise CommandError(f"{path.name}: {error}")
        if show:
            sys.stderr.write("\n")
        if already:
            when = f"{delivery.completed_at:%Y-%m-%d %H:%M}"
            self.stdout.write(f"{path.name} was already imported on {when}: nothing changed.")
            return
        self.stdout.write(
            f"{delivery.source.name}: {delivery.rows_read} rows, {delivery.rows_staged} staged, "
            f"{delivery.rows_quarantined} quarantined, {delivery.values_set_aside} values set aside."
        )
