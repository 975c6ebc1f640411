"""Read bounce and complaint reports (DSN, ARF) from a Maildir or an mbox file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from ...bounces import read_mailbox


class Command(BaseCommand):
    help = "Record bounces and complaints from the reports in a Maildir folder or mbox file."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("path", help="Maildir folder or mbox file")
        parser.add_argument("--delete", action="store_true", help="Remove the mails read.")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["path"])
        if not path.exists():
            raise CommandError(f"{path} does not exist (a Maildir folder or an mbox file).")
        result = read_mailbox(path, delete=options["delete"])
        self.stdout.write(
            f"read {result.mails} mail(s): {result.reports} report(s) recorded, "
            f"{result.other} mail(s) without a bounce or complaint report"
        )
