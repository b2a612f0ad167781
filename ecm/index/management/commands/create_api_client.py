"""Create an API client for an organisation and print its token once."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ecm.accounts.models import Organisation
from ecm.accounts.services import api_client_create
from ecm.core.actors import SYSTEM_COMMAND


class Command(BaseCommand):
    help = "Create a FHIR API client for an organisation; the bearer token is printed once and never stored."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--organisation", required=True, help="The organisation's code (URN, ODS code...)")
        parser.add_argument("--name", required=True, help="The local system's name")
        parser.add_argument(
            "--person",
            action="store_true",
            help="A client used by a person (search cap 1-50) rather than a system (cap 1)",
        )
        parser.add_argument("--requests-per-minute", type=int, default=120)

    def handle(self, *args: Any, **options: Any) -> None:
        organisation = Organisation.objects.filter(code=options["organisation"]).first()
        if organisation is None:
            raise CommandError(f"No organisation with code {options['organisation']}.")
        client, token = api_client_create(
            actor=SYSTEM_COMMAND,
            organisation=organisation,
            name=options["name"],
            is_system=not options["person"],
            requests_per_minute=options["requests_per_minute"],
        )
        self.stdout.write(
            f"API client '{client.name}' for {organisation.name} ({'person' if options['person'] else 'system'})."
        )
        self.stdout.write("Token (shown once, keep it secret):")
        self.stdout.write(token)
