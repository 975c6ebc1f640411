"""Fill the database with generated demo organisations and the real ones of the reference files."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from core.progress import TerminalProgress
from directory import demo


class Command(BaseCommand):
    help = (
        "Generate a realistic, clearly marked demo landscape of organisations "
        "(deterministic for a given seed) and add the real organisations from the "
        "reference files."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--count",
            type=int,
            default=demo.DEFAULT_COUNT,
            help="Generated organisations, networks included (default %(default)s).",
        )
        parser.add_argument(
            "--seed",
            type=int,
            default=demo.DEFAULT_SEED,
            help="The same seed gives the same organisations (default %(default)s).",
        )
        parser.add_argument(
            "--batch-size",
            type=int,
            default=demo.DEFAULT_BATCH_SIZE,
            help="Organisations per transaction (default %(default)s).",
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing if the database already holds organisations.",
        )
        parser.add_argument(
            "--delete",
            action="store_true",
            help="Delete the generated organisations (only those) instead of generating.",
        )
        parser.add_argument("--no-progress", action="store_true", help="Hide progress bars.")

    def handle(self, *args: Any, **options: Any) -> None:
        progress = TerminalProgress(stream=self.stderr, disable=options["no_progress"])
        try:
            if options["delete"]:
                deleted = demo.delete_generated(progress=progress)
                self.stdout.write(
                    self.style.SUCCESS(
                        _("Deleted %(count)d generated organisations.") % {"count": deleted}
                    )
                )
                return
            if options["if_empty"] and demo.organisations_exist():
                self.stdout.write(_("Organisations exist already; nothing generated."))
                return
            if options["count"] < 0:
                raise CommandError(_("--count must not be negative."))
            try:
                stats = demo.generate(
                    count=options["count"],
                    seed=options["seed"],
                    progress=progress,
                    batch_size=options["batch_size"],
                )
            except demo.DemoDataError as exc:
                raise CommandError(str(exc)) from exc
        finally:
            progress.close()
        self.stdout.write(self.style.SUCCESS(str(stats)))
