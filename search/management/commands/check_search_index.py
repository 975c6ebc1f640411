"""Compare the search index with the database; with ``--repair`` make them agree.

Exit status 1 when the index differs and ``--repair`` was not given, so that cron or a
monitoring system can alert (docs/operations/scheduled-tasks.md).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from core.progress import TerminalProgress
from search import consistency, content

# Ids named per kind of drift in the report; the rest are counted.
SHOWN_IDS = 20


def _ids(ids: list[int]) -> str:
    shown = ", ".join(str(pk) for pk in ids[:SHOWN_IDS])
    return shown + (" …" if len(ids) > SHOWN_IDS else "")


class Command(BaseCommand):
    help = (
        "Compare the search index and the organisation vectors with the database "
        "(organisations missing from the index, indexed with outdated content, or indexed "
        "though not published; the same for vectors); with --repair, index them anew and "
        "compute their vectors. Exits with status 1 on drift without --repair."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--repair",
            action="store_true",
            help="Re-index missing and outdated organisations (and their vectors) and remove "
            "the others.",
        )
        parser.add_argument("--no-progress", action="store_true", help="Hide the progress bars.")

    def handle(self, *args: Any, **options: Any) -> None:
        progress = TerminalProgress(stream=self.stderr, disable=options["no_progress"])
        try:
            drift = consistency.check(progress=progress)
            self._report(drift)
            content_drift = content.check(progress=progress)
            self._report_content(content_drift)
            content_clean = all(d.clean for d in content_drift)
            if drift.clean and content_clean:
                self.stdout.write(self.style.SUCCESS(_("The search index matches the database.")))
                return
            if not options["repair"]:
                raise CommandError(
                    _(
                        "The search index differs from the database. Run "
                        "`manage.py check_search_index --repair` to repair it."
                    ),
                    returncode=1,
                )
            written = consistency.repair(drift, progress=progress) if not drift.clean else 0
            content_written = content.repair(content_drift, progress=progress)
        finally:
            progress.close()
        self.stdout.write(
            self.style.SUCCESS(
                _("Repaired: %(count)s organisations indexed anew or removed.")
                % {"count": f"{written:,}"}
            )
        )
        if content_written:
            self.stdout.write(
                self.style.SUCCESS(
                    _("Repaired: %(count)s other documents indexed anew or removed.")
                    % {"count": f"{content_written:,}"}
                )
            )

    def _report_content(self, drifts: list[content.TypeDrift]) -> None:
        """Per content type (requests and offers, …): the counts and the ids that differ."""
        for d in drifts:
            self.stdout.write(
                _("%(label)s (%(type)s): %(expected)s visible, %(indexed)s documents.")
                % {
                    "label": d.label,
                    "type": d.type,
                    "expected": f"{d.expected:,}",
                    "indexed": f"{d.indexed:,}",
                }
            )
            self._lines(
                (
                    ("  " + _("Missing (visible, not in the index)"), d.missing),
                    ("  " + _("Outdated (indexed with other content)"), d.stale),
                    ("  " + _("Extra (in the index, not visible)"), d.extra),
                )
            )

    def _report(self, drift: consistency.Drift) -> None:
        for problem in drift.problems:
            self.stdout.write(self.style.ERROR(problem))
        if drift.problems:
            return
        self.stdout.write(
            _(
                "Search index (%(engine)s): %(published)s published organisations, "
                "%(indexed)s documents."
            )
            % {
                "engine": drift.engine,
                "published": f"{drift.published:,}",
                "indexed": f"{drift.indexed:,}",
            }
        )
        lines = (
            (_("Missing (published, not in the index)"), drift.missing),
            (_("Stale (indexed with other content than the database's)"), drift.stale),
            (_("Extra (in the index, not published)"), drift.extra),
        )
        self._lines(lines)
        self.stdout.write(
            _("Vectors: %(vectors)s organisation vectors.") % {"vectors": f"{drift.vectors:,}"}
        )
        self._lines(
            (
                (_("Vectors missing (published, no vector)"), drift.vectors_missing),
                (_("Vectors stale (made of other texts or another model)"), drift.vectors_stale),
                (_("Vectors extra (not published)"), drift.vectors_extra),
            )
        )
        for summary in drift.summaries:
            self.stdout.write(self.style.WARNING(summary))

    def _lines(self, lines: tuple[tuple[str, list[int]], ...]) -> None:
        for label, ids in lines:
            line = f"{label}: {len(ids):,}"
            if ids:
                line += f" ({_ids(ids)})"
            self.stdout.write(self.style.WARNING(line) if ids else line)
