"""Warn experts and team leads of inquiries due soon or overdue (docs/inquiries.md)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from inquiries import services


class Command(BaseCommand):
    help = (
        "Mail the assigned expert and the team lead of each unanswered inquiry that is due "
        "soon or overdue, once per case and stage. Run hourly (or daily)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(self.style.SUCCESS(str(services.check_due())))
