"""Demo profiles of the generated demo networks and clusters (``make run``)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from networks import demo, demo_activities, demo_fields


class Command(BaseCommand):
    help = (
        "Write mission, goals, focus topics and services and partner clusters for the "
        "generated demo networks and clusters, marked as demo data."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--if-empty", action="store_true", help="Do nothing when demo profiles exist."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        profiles_exist = demo.generated_exist()
        if not (options["if_empty"] and demo_fields.generated_exist()):
            pages = demo_fields.generate()
            if pages:
                self.stdout.write(
                    self.style.SUCCESS(f"{pages} demo growth field pages with roadmaps written")
                )
        if not (options["if_empty"] and demo.generated_partners_exist()):
            partners = demo.generate_partners()
            if partners:
                self.stdout.write(self.style.SUCCESS(f"{partners} demo partner clusters written"))
        if options["if_empty"] and profiles_exist and demo_activities.generated_exist():
            self.stdout.write("Demo network profiles exist; nothing to do.")
            return
        # Profiles first: the working groups are named after their focus topics.
        written = 0 if options["if_empty"] and profiles_exist else demo.generate()
        groups = demo_activities.generate()
        if written:
            self.stdout.write(self.style.SUCCESS(f"{written} demo network profiles written"))
        if groups:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Working groups, projects and labels written for {groups} demo networks"
                )
            )
        if not written and not groups:
            self.stdout.write(
                "No generated demo network without a profile: run generate_demo_data first."
            )
