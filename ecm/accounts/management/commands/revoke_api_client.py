"""Revoke an API client: its token answers 401 ACCESS_DENIED from the next request, on every worker."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ecm.accounts.management.commands._api_client_lookup import add_lookup_arguments, find_client
from ecm.accounts.services import AccountsError, api_client_revoke
from ecm.core.actors import SYSTEM_COMMAND


class Command(BaseCommand):
    help = "Revoke an API client by name; its token stops working at once (audited)."

    def add_arguments(self, parser: CommandParser) -> None:
        add_lookup_arguments(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        client = find_client(options["name"], options["organisation"])
        try:
            api_client_revoke(actor=SYSTEM_COMMAND, client=client, reason=options["reason"])
        except AccountsError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"API client '{client.name}' of {client.organisation.name} is revoked.")
