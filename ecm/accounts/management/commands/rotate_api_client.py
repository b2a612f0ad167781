"""Give an API client a new token, printed once; the old token stops working at once."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ecm.accounts.management.commands._api_client_lookup import add_lookup_arguments, find_client
from ecm.accounts.services import AccountsError, api_client_rotate
from ecm.core.actors import SYSTEM_COMMAND


class Command(BaseCommand):
    help = "Rotate an API client's token by name; the new token is printed once, the old one stops working."

    def add_arguments(self, parser: CommandParser) -> None:
        add_lookup_arguments(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        client = find_client(options["name"], options["organisation"])
        try:
            client, token = api_client_rotate(actor=SYSTEM_COMMAND, client=client, reason=options["reason"])
        except AccountsError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"API client '{client.name}' of {client.organisation.name} has a new token.")
        self.stdout.write("Token (shown once, keep it secret; the old token no longer works):")
        self.stdout.write(token)
