"""Load the demo area and print how to sign in. Refuses to run with production settings."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.test.utils import override_settings

from ecm.accounts.demo import DEMO_PASSWORD, seed_accounts_demo


class Command(BaseCommand):
    help = "Create the demo area, organisations, practitioners (and demo data of the other apps), idempotently."

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.PRODUCTION:
            raise CommandError("seed_demo makes demo accounts with a published password: it never runs in production.")
        details = seed_accounts_demo()
        # Demo activity sends notifications; keep their emails out of the terminal.
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
            for name, seeder in demo_seeders():
                self.stdout.write(f"Demo data: {name}... ", ending="")
                self.stdout.write(seeder())
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS("Demo sign-in details (synthetic accounts, demo only)"))
        self.stdout.write(f"Password for every account: {DEMO_PASSWORD}")
        self.stdout.write("Second factor: add the TOTP secret to an authenticator app, or run")
        self.stdout.write("  .venv/bin/python manage.py demo_totp <username>   to print the current code.")
        self.stdout.write("")
        self.stdout.write(f"{'username':<14} {'roles':<34} {'TOTP secret':<34} organisation")
        for row in details:
            self.stdout.write(
                f"{row['username']:<14} {row['roles']:<34} {row['totp_secret']:<34} {row['organisation']}"
            )


def demo_seeders() -> list[tuple[str, Any]]:
    """Demo data from the other apps, each idempotent, each returning a one-line summary."""
    from ecm.accounts.choices import Role
    from ecm.accounts.models import Organisation, User
    from ecm.budgets.demo import seed_budgets_demo
    from ecm.caf.demo import seed_caf_demo
    from ecm.core.actors import SYSTEM_SEED
    from ecm.directory.demo import seed_directory_demo
    from ecm.index.demo import seed_index_demo
    from ecm.monitoring.demo import seed_monitoring_demo
    from ecm.multiagency.demo import seed_multiagency_demo
    from ecm.referrals.demo import seed_referrals_demo
    from ecm.rights.demo import seed_rights_demo
    from ecm.sharing.demo import seed_sharing_demo

    def index() -> str:
        practitioners = User.objects.filter(role_assignments__role=Role.PRACTITIONER, is_active=True).distinct()
        return seed_index_demo(actor=SYSTEM_SEED, organisations=Organisation.objects.all(), practitioners=practitioners)

    def directory() -> str:
        provider = Organisation.objects.filter(code="VOL-BRN").first()
        created = seed_directory_demo(actor=SYSTEM_SEED, provider=provider)
        return f"{created} services added" if created else "already loaded"

    return [
        ("child index", index),
        ("CAF", lambda: seed_caf_demo(actor=SYSTEM_SEED)),
        ("information sharing", lambda: seed_sharing_demo(actor=SYSTEM_SEED)),
        ("service directory", directory),
        ("subject access", lambda: seed_rights_demo(actor=SYSTEM_SEED)),
        ("budgets", lambda: seed_budgets_demo(actor=SYSTEM_SEED)),
        ("multi-agency working", lambda: seed_multiagency_demo(actor=SYSTEM_SEED)),
        ("referrals", lambda: seed_referrals_demo(actor=SYSTEM_SEED)),
        ("monitoring", lambda: seed_monitoring_demo(actor=SYSTEM_SEED)),
    ]
