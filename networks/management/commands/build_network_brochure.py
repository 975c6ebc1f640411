"""Build the networks' brochure from the command line or cron, as the back office does
(docs/networks.md, "Brochure")."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from core.progress import TerminalProgress
from networks.brochure import build_now
from networks.choices import BrochureLanguage


class Command(BaseCommand):
    help = (
        "Build the networks' brochure (PDF) in German and English, or in the languages "
        "named; visitors get it once it is done. Exits with status 1 when a build fails."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--language",
            action="append",
            choices=BrochureLanguage.values,
            help="A language to build (repeatable); both when left out.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        languages = options.get("language") or list(BrochureLanguage.values)
        failed = False
        for language in languages:
            terminal = TerminalProgress(disable=options["verbosity"] == 0)
            build = build_now(language, also=terminal)
            terminal.close()
            if build is None:
                self.stderr.write(f"{language}: a build is already under way; skipped")
                continue
            if build.error:
                failed = True
                self.stderr.write(f"{language}: the build failed: {build.error}")
            else:
                self.stdout.write(
                    self.style.SUCCESS(
                        f"{language}: {build.page_count} pages, {build.size} bytes "
                        f"({build.file.name})"
                    )
                )
        if failed:
            raise CommandError("A brochure build failed.")
