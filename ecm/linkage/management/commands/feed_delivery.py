"""``manage.py feed_delivery``: list deliveries that did not finish, resume or abandon one."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ecm.core.actors import SYSTEM_FEED
from ecm.linkage.choices import DeliveryStatus
from ecm.linkage.feeds import FeedFileError
from ecm.linkage.models import FeedDelivery
from ecm.linkage.services import LinkageRuleError, deliveries_mark_stopped, delivery_abandon, delivery_resume


class Command(BaseCommand):
    help = (
        "Deliveries that stopped part-way: list them (default), --resume ID (from the file they were read from) "
        "or --abandon ID --reason TEXT (their rows are removed; nothing of them was matched)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        action = parser.add_mutually_exclusive_group()
        action.add_argument("--resume", type=int, metavar="ID", help="Finish importing this delivery")
        action.add_argument("--abandon", type=int, metavar="ID", help="Give up this delivery")
        parser.add_argument("--reason", default="", help="Why it is abandoned (needed with --abandon)")

    def handle(self, *args: Any, **options: Any) -> None:
        deliveries_mark_stopped(actor=SYSTEM_FEED)
        wanted = options["resume"] or options["abandon"]
        if not wanted:
            unfinished = FeedDelivery.objects.filter(
                status__in=(DeliveryStatus.IN_PROGRESS, DeliveryStatus.STOPPED)
            ).select_related("source")
            for delivery in unfinished:
                self.stdout.write(
                    f"{delivery.pk}\t{delivery.get_status_display()}\t{delivery.source.name}\t{delivery.file_name}\t"
                    f"{delivery.batches.count()} batches committed\t{delivery.stopped_reason}"
                )
            if not unfinished:
                self.stdout.write("Every delivery is either imported whole or abandoned.")
            return
        found = FeedDelivery.objects.select_related("source").filter(pk=wanted).first()
        if found is None:
            raise CommandError(f"There is no delivery {wanted}.")
        delivery = found
        try:
            if options["resume"]:
                delivery = delivery_resume(actor=SYSTEM_FEED, delivery=delivery)
                self.stdout.write(
                    f"Delivery {delivery.pk} imported: {delivery.rows_read} rows, {delivery.rows_staged} staged, "
                    f"{delivery.rows_quarantined} quarantined."
                )
            else:
                delivery_abandon(actor=SYSTEM_FEED, delivery=delivery, reason=options["reason"])
                self.stdout.write(f"Delivery {delivery.pk} abandoned: its rows were removed.")
        except (LinkageRuleError, FeedFileError) as error:
            raise CommandError(str(error))
