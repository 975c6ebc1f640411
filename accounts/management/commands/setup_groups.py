"""Create or update the staff groups from ``accounts.roles`` (``migrate`` does it as well)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from accounts.roles import ROLES
from accounts.services import role_permissions, setup_groups


class Command(BaseCommand):
    help = (
        "Create or update the staff groups (Editor, Expert, Administrator) and their permissions."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--list", action="store_true", help="Also list each group's permissions."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        result = setup_groups()
        self.stdout.write(self.style.SUCCESS(f"Staff groups: {result}."))
        if options["list"]:
            for role_name, role in ROLES.items():
                self.stdout.write(f"\n{role_name} ({role.label})")
                for codename in sorted(
                    f"{p.content_type.app_label}.{p.codename}" for p in role_permissions(role_name)
                ):
                    self.stdout.write(f"  {codename}")
