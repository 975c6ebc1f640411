"""Does the search index hold what the database says it should? If not, make it so.

The database decides: every published organisation has exactly one document in the
index, and that document's version (``SearchDocument.version``, a fingerprint of its
content) equals the version of the document read from the database now; nothing else
is in the index. Every write path keeps it so (model signals, and
``directory.signals.organisations_changed`` for bulk writes); this check finds what
slipped through anyway (a write path that forgot, an index task that failed, a crash
between a commit and its index update, reference data or the lexicon changed since the
documents were written) and repairs it. ``manage.py check_search_index`` runs it.

The organisation vectors beside the index (``search.vectors``) are held to the same
rule: one vector per published organisation, of the version its pieces have now
(``pieces.Pieces.version``, which also names the model), none for anything else.

An organisation changed while the check runs may show as drift until its queued
update has run: drift that a second run does not report again was in flight.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from core.progress import Progress, silent

from . import services, vectors, vocabulary
from .documents import DocumentReader, SearchDocument, read_in_chunks

# Organisations re-indexed per engine update while repairing.
REPAIR_CHUNK = 2000


@dataclass
class Drift:
    """What differs between the database and the index of ``engine``."""

    engine: str
    published: int = 0
    indexed: int = 0
    # Published, not in the index.
    missing: list[int] = field(default_factory=list)
    # In the index with other content than the database's (or more than once).
    stale: list[int] = field(default_factory=list)
    # In the index, not published (hidden, archived, deleted).
    extra: list[int] = field(default_factory=list)
    # Why the index cannot answer at all (an index of an earlier schema version).
    problems: list[str] = field(default_factory=list)
    # The same for the organisation vectors.
    vectors: int = 0
    vectors_missing: list[int] = field(default_factory=list)
    vectors_stale: list[int] = field(default_factory=list)
    vectors_extra: list[int] = field(default_factory=list)
    # What the engine keeps summed up and no longer agrees with its documents.
    summaries: list[str] = field(default_factory=list)

    @property
    def ids(self) -> list[int]:
        """Every organisation whose document must be written or removed."""
        return sorted({*self.missing, *self.stale, *self.extra})

    @property
    def vector_ids(self) -> list[int]:
        """Every organisation whose vector must be computed or removed."""
        return sorted({*self.vectors_missing, *self.vectors_stale, *self.vectors_extra})

    @property
    def clean(self) -> bool:
        return not self.ids and not self.vector_ids and not self.problems and not self.summaries


def _version(doc: SearchDocument) -> tuple[int, int]:
    return doc.id, doc.version()


def check(progress: Progress = silent, chunk: int = 2000) -> Drift:
    """Compare every published organisation's document with the index.

    Reads the documents as a rebuild does (in worker processes for a large database),
    but keeps only their versions.
    """
    engine = services.engine()
    drift = Drift(engine=engine.name, problems=engine.problems())
    if drift.problems:
        return drift
    reader = DocumentReader(vocabulary.analyser())
    ids = reader.published_ids()
    label = _("Reading the organisations")
    progress(0, len(ids), label)
    expected: dict[int, int] = {}
    for batch in read_in_chunks(reader, ids, chunk=chunk, encode=_version):
        expected.update(batch)
        progress(len(expected), len(ids), label)
    if len(expected) < len(ids):  # some were unpublished meanwhile
        progress(len(ids), len(ids), label)
    indexed: dict[int, int] = {}
    twice: set[int] = set()
    for pk, version in engine.versions():
        if pk in indexed:
            twice.add(pk)
        indexed[pk] = version
        drift.indexed += 1
    drift.published = len(expected)
    drift.missing = sorted(pk for pk in expected if pk not in indexed)
    drift.extra = sorted(pk for pk in indexed if pk not in expected)
    drift.stale = sorted(
        pk
        for pk, version in expected.items()
        if pk in indexed and (indexed[pk] != version or pk in twice)
    )
    _check_vectors(drift, sorted(expected), progress, chunk)
    drift.summaries = engine.summary_drift()
    return drift


def _check_vectors(drift: Drift, published: list[int], progress: Progress, chunk: int) -> None:
    label = _("Reading the organisations' vector pieces")
    progress(0, len(published), label)
    expected: dict[int, int] = {}
    for start in range(0, len(published), chunk):
        expected.update(vectors.expected_versions(published[start : start + chunk]))
        progress(min(start + chunk, len(published)), len(published), label)
    held = vectors.vector_store().versions()
    drift.vectors = len(held)
    drift.vectors_missing = sorted(pk for pk in expected if pk not in held)
    drift.vectors_extra = sorted(pk for pk in held if pk not in expected)
    drift.vectors_stale = sorted(
        pk for pk, version in expected.items() if pk in held and held[pk] != version
    )


def repair(drift: Drift, progress: Progress = silent) -> int:
    """Write what ``drift`` found (published documents anew, the others removed); an
    index that cannot answer is rebuilt. Returns how many organisations were written
    or removed."""
    if drift.problems:
        return services.rebuild_index(progress=progress).documents
    ids = drift.ids
    label = _("Repairing the search index")
    progress(0, len(ids), label)
    for start in range(0, len(ids), REPAIR_CHUNK):
        services.index_organisations(ids[start : start + REPAIR_CHUNK])
        progress(min(start + REPAIR_CHUNK, len(ids)), len(ids), label)
    # Vectors here and now (the command waits for them), also those the index update
    # above handed to the background.
    vectors.wait()
    vector_ids = drift.vector_ids
    if vector_ids:
        vectors.update(vector_ids, progress=progress)
    if drift.summaries:
        services.engine().refresh_summaries()
    return len(set(ids) | set(vector_ids))
