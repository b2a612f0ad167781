"""Print the current TOTP code of a demo user (demo only: saves reaching for a phone)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice


class Command(BaseCommand):
    help = "Print the current authenticator code for a demo user."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("username")

    def handle(self, *args: Any, username: str, **options: Any) -> None:
        if settings.PRODUCTION:
            raise CommandError("demo_totp is for the demo only.")
        device = TOTPDevice.objects.filter(user__username=username, name="Demo authenticator").first()
        if device is None:
            raise CommandError(f"No demo authenticator for {username!r}. Run seed_demo first.")
        totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
        self.stdout.write(f"{totp.token():06d}")
