"""Finding one API client by name (and organisation code when two share a name) for the commands."""

from __future__ import annotations

from django.core.management.base import CommandError, CommandParser

from ecm.accounts.models import ApiClient


def add_lookup_arguments(parser: CommandParser) -> None:
    parser.add_argument("--name", required=True, help="The API client's name, as given to create_api_client")
    parser.add_argument("--organisation", help="The organisation's code, when two clients share the name")
    parser.add_argument("--reason", default="", help="Why (kept in the audit trail)")


def find_client(name: str, organisation: str | None) -> ApiClient:
    clients = ApiClient.objects.select_related("organisation").filter(name=name)
    if organisation:
        clients = clients.filter(organisation__code=organisation)
    found = list(clients[:10])
    if not found:
        raise CommandError(
            f"No API client named '{name}'" + (f" for organisation {organisation}." if organisation else ".")
        )
    active = [c for c in found if c.is_active]
    if len(found) > 1 and len(active) == 1:
        return active[0]
    if len(found) > 1:
        codes = ", ".join(sorted(c.organisation.code for c in found))
        raise CommandError(f"{len(found)} API clients are named '{name}' ({codes}): add --organisation CODE.")
    return found[0]
