"""Set (or clear) the day from which an API client's token stops working."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ecm.accounts.management.commands._api_client_lookup import add_lookup_arguments, find_client
from ecm.accounts.services import AccountsError, api_client_set_expiry
from ecm.core.actors import SYSTEM_COMMAND


class Command(BaseCommand):
    help = "Set an API client's expiry date (YYYY-MM-DD), or --never to clear it (audited)."

    def add_arguments(self, parser: CommandParser) -> None:
        add_lookup_arguments(parser)
        group = parser.add_mutually_exclusive_group(required=True)
        group.add_argument("--expires-on", help="YYYY-MM-DD: the token stops working at the start of this day")
        group.add_argument("--never", action="store_true", help="Clear the expiry date")

    def handle(self, *args: Any, **options: Any) -> None:
        client = find_client(options["name"], options["organisation"])
        expires_on = None
        if not options["never"]:
            try:
                expires_on = dt.date.fromisoformat(options["expires_on"])
            except ValueError:
                raise CommandError("--expires-on must be a date, YYYY-MM-DD.") from None
        try:
            api_client_set_expiry(actor=SYSTEM_COMMAND, client=client, expires_on=expires_on)
        except AccountsError as exc:
            raise CommandError(str(exc)) from None
        when = expires_on.isoformat() if expires_on else "never"
        self.stdout.write(f"API client '{client.name}' of {client.organisation.name} expires: {when}.")
