"""Write each audit chain's head (sequence, hash, count) to a new read-only file, for ``verify_audit --against``."""

from __future__ import annotations

import os
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from ecm.audit.services import audit_heads_export
from ecm.core.actors import SYSTEM_AUDIT_EXPORT


class Command(BaseCommand):
    help = (
        "Export each audit chain's head to a new file in --to (default ECM_AUDIT_HEAD_EXPORT_DIR), "
        "or to standard output with --to -. Run daily; keep the files where the application cannot rewrite them."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--to", default=None, help="A directory, or - for standard output.")

    def handle(self, *args: Any, **options: Any) -> None:
        target = options["to"] or settings.ECM_AUDIT_HEAD_EXPORT_DIR
        if not target:
            raise CommandError(
                "Say where to write the export: --to DIRECTORY (or -), or set ECM_AUDIT_HEAD_EXPORT_DIR."
            )
        if target == "-":
            self.stdout.write(audit_heads_export(actor=SYSTEM_AUDIT_EXPORT, directory=None), ending="")
            return
        if not options["to"] and not settings.PRODUCTION:
            os.makedirs(target, exist_ok=True)  # the development default, in the working copy
        if not os.path.isdir(target):
            raise CommandError(f"The export directory {target} does not exist.")
        path = audit_heads_export(actor=SYSTEM_AUDIT_EXPORT, directory=target)
        self.stdout.write(f"Exported the audit chain heads to {path}")
