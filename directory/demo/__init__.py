"""Demo data: a generated but realistic regional landscape of organisations.

A fresh installation (``make run``) and every benchmark need data that looks like
a real agency's database without being anyone's real data. ``generate`` builds it
from the imported reference data: WZ 2008 subclasses and their explanatory notes
give the descriptions and products, the postal codes and districts give the
addresses, the curated vocabularies give technologies, certifications and growth
fields. Every generated record has ``source = "generated"`` so the portal can say
so, and the same seed gives the same organisations on any database.

The real organisations in the reference files (large-customer postal codes of
organisations, universities) are added with ``source = "reference"`` and nothing
invented about them.

Generated rows are written without change history: history starts when a person
edits a record, and a million historical rows of machine-made data would only
slow the portal and hide the real edits. That, and building plain tuples from
lookups held in memory, is what makes a million organisations take minutes, not
hours (see docs/performance.md). Rows go in without model signals, so each batch names
its organisations to ``directory.signals.organisations_changed`` (and so does
``delete_generated``): the search index follows with one update per batch.

The package: ``common`` (constants, text helpers), ``lookups`` (reference data in
memory), ``planning`` (subclasses, profiles, themes), ``texts`` (descriptions),
``generator`` (the run: lookups, plan, batches) with its mixins ``naming`` (names,
slugs, domains) and ``rows`` (one organisation's rows), ``writing`` (bulk writes,
deletes, indexes), ``reference`` (the real organisations).
"""

from __future__ import annotations

import time

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from core.progress import Progress, silent

from ..models import Organisation
from .common import (
    AGENCY_PREFIX,
    DEFAULT_BATCH_SIZE,
    DEFAULT_COUNT,
    DEFAULT_SEED,
    DEMO_PHONE,
    DEMO_TLD,
    GROSSKUNDEN_FILE,
    NACE_FILE,
    UNIVERSITIES_FILE,
    DemoDataError,
    DemoStats,
    ascii_slug,
    clean_note,
    clean_title,
    fold,
    note_bullets,
    note_sentences,
)
from .generator import _Generator
from .reference import _import_reference, reference_kind, reference_organisations
from .writing import (
    BULK_INDEX_THRESHOLD,
    _drop_bulk_indexes,
    _restore_bulk_indexes,
    _single_column_indexes,
    delete_generated,
    demo_domain,
)

__all__ = [
    "AGENCY_PREFIX",
    "BULK_INDEX_THRESHOLD",
    "DEFAULT_BATCH_SIZE",
    "DEFAULT_COUNT",
    "DEFAULT_SEED",
    "DEMO_PHONE",
    "DEMO_TLD",
    "GROSSKUNDEN_FILE",
    "NACE_FILE",
    "UNIVERSITIES_FILE",
    "DemoDataError",
    "DemoStats",
    "_Generator",
    "_drop_bulk_indexes",
    "_restore_bulk_indexes",
    "_single_column_indexes",
    "ascii_slug",
    "clean_note",
    "clean_title",
    "delete_generated",
    "demo_domain",
    "fold",
    "generate",
    "note_bullets",
    "note_sentences",
    "organisations_exist",
    "reference_kind",
    "reference_organisations",
]

# --- Public API -------------------------------------------------------------------------


def organisations_exist() -> bool:
    return Organisation.objects.exists()


def generate(
    count: int = DEFAULT_COUNT,
    seed: int = DEFAULT_SEED,
    state_ags: str | None = None,
    progress: Progress = silent,
    batch_size: int = DEFAULT_BATCH_SIZE,
    include_reference: bool = True,
) -> DemoStats:
    """Add ``count`` generated organisations (networks included) and the real ones.

    The real organisations are added once; a second run adds generated ones only.
    """
    started = time.perf_counter()
    state_ags = state_ags or settings.PORTAL_STATE_AGS
    generator = _Generator(seed, state_ags, batch_size, progress)
    _restore_bulk_indexes()  # left dropped by a run that was killed
    if count >= BULK_INDEX_THRESHOLD:
        _drop_bulk_indexes()
        try:
            stats = generator.run(count)
        finally:
            progress(0, 1, _("Rebuilding indexes"))
            _restore_bulk_indexes()
            progress(1, 1, _("Rebuilding indexes"))
    else:
        stats = generator.run(count) if count > 0 else generator.stats
    if include_reference:
        with transaction.atomic():
            stats.reference = _import_reference(state_ags)
    stats.seconds = time.perf_counter() - started
    return stats
