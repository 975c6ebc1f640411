"""Demo pages and supporters of the cluster management (``make run``)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from content import demo


class Command(BaseCommand):
    help = (
        "Write demo pages (goals, structure, fields of action, cross-cutting topics) and "
        "supporters of the cluster management, marked as demo data."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing when there are pages or supporters already.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        from content.models import Page, Supporter

        if options["if_empty"] and (Page.objects.exists() or Supporter.objects.exists()):
            # An installation from before the site pages still gets its demo imprint and
            # accessibility statement (none is written where staff wrote one).
            site_pages = demo.generate_site_pages()
            self.stdout.write(
                f"Pages of the cluster management exist; {site_pages} demo site pages written."
            )
            return
        written = demo.generate()
        self.stdout.write(
            self.style.SUCCESS(
                f"{written['pages']} demo pages, {written['supporters']} demo supporters and "
                f"{written['site pages']} demo site pages written"
            )
        )
