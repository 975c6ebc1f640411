"""What the search index knows of an organisation, read from the database in bulk.

One ``SearchDocument`` per published organisation. The texts are already analysed
(``search.analysis``); the engines store them as they are. Reading goes table by
table for a chunk of organisations (a few queries per thousand), never per object,
so that a rebuild of a million organisations reads the database in minutes.
"""

from __future__ import annotations

import datetime
import hashlib
import math
import multiprocessing
import os
import sys
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import connection

from classification.models import WzCode
from directory.choices import PublicationStatus

from .analysis import Analyser

# Levels of precomputed map clusters: a grid of 2^level × 2^level cells over the
# Web Mercator square (level 8 ≈ 100 km cells, level 18 ≈ 95 m in Germany).
CLUSTER_LEVELS: tuple[int, ...] = (6, 8, 10, 12, 14, 16, 18)
# A profile not confirmed for this long loses the ranking boost of verified profiles.


@dataclass
class SearchDocument:
    id: int
    name: str
    name_sort: str
    kind: str
    size: str
    name_terms: str
    offers_terms: str
    description_terms: str
    place_terms: str
    district: str = ""
    wz: list[str] = field(default_factory=list)  # codes with all their ancestors
    growth: list[str] = field(default_factory=list)
    network: list[str] = field(default_factory=list)
    cert: list[str] = field(default_factory=list)
    quality: list[str] = field(default_factory=list)  # "verified", "complete"
    lat: float | None = None
    lon: float | None = None
    updated: int = 0  # milliseconds since the epoch

    def version(self) -> int:
        """A fingerprint of everything the index holds for this organisation (63 bits,
        stored beside the document), so that ``search.consistency`` finds documents whose
        content differs from the database's, not only missing ones. ``DocumentReader``
        reads related rows in a fixed order, so the same content gives the same texts."""
        payload = repr(tuple(vars(self).values())).encode()
        return int.from_bytes(hashlib.blake2b(payload, digest_size=8).digest(), "big") >> 1

    def cells(self) -> dict[int, int]:
        if self.lat is None or self.lon is None:
            return {}
        return {level: cell_id(self.lat, self.lon, level) for level in CLUSTER_LEVELS}


def mercator(lat: float, lon: float) -> tuple[float, float]:
    """Position in the unit Web Mercator square (x east, y south)."""
    lat = max(min(lat, 85.0511), -85.0511)
    x = (lon + 180.0) / 360.0
    s = math.sin(math.radians(lat))
    y = 0.5 - math.log((1 + s) / (1 - s)) / (4 * math.pi)
    return x, y


def cell_id(lat: float, lon: float, level: int) -> int:
    x, y = mercator(lat, lon)
    n = 1 << level
    return min(int(y * n), n - 1) * n + min(int(x * n), n - 1)


def cell_bounds(cell: int, level: int) -> tuple[float, float, float, float]:
    """(south, west, north, east) of a cell."""
    n = 1 << level
    row, col = divmod(cell, n)

    def lat_of(y: float) -> float:
        return math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * y))))

    return lat_of((row + 1) / n), col / n * 360 - 180, lat_of(row / n), (col + 1) / n * 360 - 180


# The paths last built, with the fingerprint of the codes they were built from.
_paths: tuple[tuple[Any, ...], dict[int, list[str]]] | None = None


def wz_paths() -> dict[int, list[str]]:
    """WZ 2008 code id → the code with all its ancestors (section first); kept per
    process while the codes' fingerprint (one aggregate, 0.6 ms) is the same: building
    them anew took 3.4 ms, on every search page (``search.partial``)."""
    global _paths
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*), sum(id), sum(coalesce(parent_id, 0) * id) "
            "FROM classification_wzcode WHERE version = %s",
            ["2008"],
        )
        fingerprint = tuple(cursor.fetchone())
    kept = _paths
    if kept is not None and kept[0] == fingerprint:
        return kept[1]
    paths = _build_wz_paths()
    _paths = (fingerprint, paths)
    return paths


def _build_wz_paths() -> dict[int, list[str]]:
    rows = WzCode.objects.filter(version="2008").values_list("id", "code", "parent_id")
    by_id = {pk: (code, parent) for pk, code, parent in rows}
    paths: dict[int, list[str]] = {}
    for pk in by_id:
        chain: list[str] = []
        node: int | None = pk
        while node is not None:
            code, parent = by_id[node]
            chain.append(code)
            node = parent
        paths[pk] = list(reversed(chain))
    return paths


# Related rows read in the order the query gives them (main site first).
ORDERED = frozenset({"site", "contact"})


class DocumentReader:
    """Builds ``SearchDocument``s for chunks of organisation ids."""

    def __init__(self, analyser: Analyser, today: datetime.date | None = None) -> None:
        self.analyser = analyser
        self.texts: dict[str, tuple[list[str], list[str]]] = {}
        self.paths = wz_paths()
        self.verified_since = (today or datetime.date.today()) - datetime.timedelta(
            days=settings.PROFILE_VERIFICATION_DAYS
        )

    def published_ids(self) -> list[int]:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT id FROM directory_organisation WHERE status = %s ORDER BY id",
                [PublicationStatus.PUBLISHED.value],
            )
            return [row[0] for row in cursor.fetchall()]

    def read(self, ids: list[int]) -> list[SearchDocument]:
        """Documents of those ``ids`` that are published (others are left out)."""
        if not ids:
            return []
        with connection.cursor() as cursor:
            marks = ", ".join(["%s"] * len(ids))
            cursor.execute(
                "SELECT id, name, kind, legal_form, short_description, description, "
                "short_description_en, description_en, employee_size_class, primary_wz_id, "
                "last_verified, website, modified "
                f"FROM directory_organisation WHERE status = %s AND id IN ({marks}) ORDER BY id",
                [PublicationStatus.PUBLISHED.value, *ids],
            )
            orgs = cursor.fetchall()
            if not orgs:
                return []
            found = [row[0] for row in orgs]
            marks = ", ".join(["%s"] * len(found))
            related = self._related(cursor, marks, found)
        return [self._document(row, related) for row in orgs]

    def _related(self, cursor: Any, marks: str, ids: list[int]) -> dict[str, dict[int, list[Any]]]:
        queries = {
            "secondary": "SELECT organisation_id, wzcode_id FROM "
            f"directory_organisation_secondary_wz WHERE organisation_id IN ({marks})",
            "technology": "SELECT t.organisation_id, v.name, v.name_en FROM "
            "directory_organisation_technologies t JOIN classification_technology v "
            f"ON v.id = t.technology_id WHERE t.organisation_id IN ({marks})",
            "tag": "SELECT t.organisation_id, g.name FROM directory_organisation_tags t JOIN "
            f"directory_tag g ON g.id = t.tag_id WHERE t.organisation_id IN ({marks})",
            "growth": "SELECT organisation_id, growthfield_id FROM "
            f"directory_organisation_growth_fields WHERE organisation_id IN ({marks})",
            "network": "SELECT organisation_id, network_id FROM directory_membership "
            f"WHERE organisation_id IN ({marks})",
            "cert": "SELECT organisation_id, standard_id FROM directory_certification "
            f"WHERE organisation_id IN ({marks})",
            "offering": "SELECT organisation_id, name, description FROM directory_offering "
            f"WHERE organisation_id IN ({marks})",
            "site": "SELECT s.organisation_id, s.place, s.latitude, s.longitude, d.ags, d.name, "
            "s.is_primary, s.postal_code FROM directory_site s LEFT JOIN geo_district d "
            f"ON d.id = s.district_id WHERE s.organisation_id IN ({marks}) "
            "ORDER BY s.is_primary DESC, s.id",
            "contact": "SELECT organisation_id, COUNT(*) FROM directory_contactperson "
            f"WHERE organisation_id IN ({marks}) GROUP BY organisation_id",
        }
        related: dict[str, dict[int, list[Any]]] = {}
        for key, sql in queries.items():
            cursor.execute(sql, ids)
            grouped: dict[int, list[Any]] = defaultdict(list)
            for row in cursor.fetchall():
                grouped[row[0]].append(row[1:] if len(row) > 2 else row[1])
            if key not in ORDERED:
                # Rows come in whatever order the plan gives: sorted, the same content
                # makes the same document (and version), whichever chunk it was read in.
                for rows in grouped.values():
                    rows.sort(key=repr)
            related[key] = grouped
        return related

    def _document(
        self, row: tuple[Any, ...], related: dict[str, dict[int, list[Any]]]
    ) -> SearchDocument:
        (
            pk,
            name,
            kind,
            legal_form,
            short,
            long,
            short_en,
            long_en,
            size,
            primary_wz,
            last_verified,
            website,
            modified,
        ) = row

        def analyse(*texts: str) -> str:
            return self.analyser.index_terms(*texts, cache=self.texts)

        codes: set[str] = set()
        for wz_id in (primary_wz, *related["secondary"].get(pk, ())):
            if wz_id is not None:
                codes.update(self.paths.get(wz_id, ()))
        technologies = related["technology"].get(pk, [])
        offerings = related["offering"].get(pk, [])
        sites = related["site"].get(pk, [])
        primary = sites[0] if sites else None
        offers = [o[0] for o in offerings] + [o[1] for o in offerings if o[1]]
        offers += [t[0] for t in technologies] + [t[1] for t in technologies if t[1]]
        offers += related["tag"].get(pk, [])
        places = []
        for place, _lat, _lon, _ags, district_name, _primary, postal_code in sites:
            places += [place, district_name or "", postal_code]
        if isinstance(last_verified, str):
            last_verified = datetime.date.fromisoformat(last_verified)
        if isinstance(modified, str):
            modified = datetime.datetime.fromisoformat(modified)
        quality = []
        if last_verified and last_verified >= self.verified_since:
            quality.append("verified")
        if (short or long) and offerings and website and related["contact"].get(pk):
            quality.append("complete")
        return SearchDocument(
            id=pk,
            name=name,
            name_sort=sort_key(name),
            kind=kind,
            size=size or "",
            name_terms=analyse(name, legal_form or ""),
            offers_terms=analyse(*offers),
            description_terms=analyse(short, long, short_en, long_en),
            place_terms=analyse(*places),
            district=(primary[3] or "") if primary else "",
            wz=sorted(codes),
            growth=[str(g) for g in related["growth"].get(pk, [])],
            network=[str(n) for n in related["network"].get(pk, [])],
            cert=[str(c) for c in related["cert"].get(pk, [])],
            quality=quality,
            lat=primary[1] if primary else None,
            lon=primary[2] if primary else None,
            updated=int(modified.timestamp() * 1000) if modified else 0,
        )

    def iterate(self, ids: Iterable[int], chunk: int = 2000) -> Iterator[list[SearchDocument]]:
        batch: list[int] = []
        for pk in ids:
            batch.append(pk)
            if len(batch) >= chunk:
                yield self.read(batch)
                batch = []
        if batch:
            yield self.read(batch)


# A rebuild of more organisations than this analyses them in worker processes (one per
# core) while the calling process writes the index.
PARALLEL_ABOVE = 50_000
_worker_reader: DocumentReader | None = None
_worker_encode: list[Callable[[SearchDocument], Any]] = []


def read_in_chunks(
    reader: DocumentReader,
    ids: list[int],
    chunk: int = 2000,
    encode: Callable[[SearchDocument], Any] | None = None,
) -> Iterator[list[Any]]:
    """Documents of ``ids`` in chunks, in order, each passed through ``encode`` (what
    the engine writes: Tantivy's JSON, PostgreSQL's row); in parallel where it pays and
    is safe.

    Reading, analysing and encoding (Python; about 155 µs per organisation) cost several
    times what Tantivy needs to write a document, so on a machine with several cores
    they run in forked worker processes, one per core, each with its own database
    connection, and this process only writes. Encoded documents also travel between
    processes faster (a string unpickles in 0.4 µs, a document in 18). This process's
    connection stays as it is (the PostgreSQL engine writes inside a transaction while
    it reads the chunks). The workers are forked here, at once: before the caller starts
    Tantivy's writer threads.
    """
    workers = parallel_workers(len(ids))
    if not workers:
        return _encoded(reader.iterate(ids, chunk=chunk), encode)
    chunks = [ids[i : i + chunk] for i in range(0, len(ids), chunk)]
    context = multiprocessing.get_context("fork")
    pool = context.Pool(workers, initializer=_start_worker, initargs=(reader, encode))
    return _collect(pool, chunks)


def _encoded(
    batches: Iterator[list[SearchDocument]], encode: Callable[[SearchDocument], Any] | None
) -> Iterator[list[Any]]:
    for batch in batches:
        yield batch if encode is None else [encode(doc) for doc in batch]


def _collect(pool: Any, chunks: list[list[int]]) -> Iterator[list[SearchDocument]]:
    try:
        yield from pool.imap(_read_chunk, chunks)
        pool.close()
    finally:
        pool.terminate()
        pool.join()


MAX_WORKERS = 4


def parallel_workers(count: int) -> int:
    """How many worker processes a rebuild of ``count`` organisations uses (0: none).

    None where workers could not see what this process sees (an in-memory SQLite
    database, rows not yet committed) or where forking is not the way (not Linux);
    otherwise one per core this process may use (it mostly waits for them), at most
    ``MAX_WORKERS`` (each holds a database connection).
    """
    from django.db import connection

    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1
    name = str(connection.settings_dict.get("NAME") or "")
    in_memory = connection.vendor == "sqlite" and (":memory:" in name or "mode=memory" in name)
    if (
        count <= PARALLEL_ABOVE
        or cores < 2
        or in_memory
        or connection.in_atomic_block
        or not sys.platform.startswith("linux")
    ):
        return 0
    return min(cores, MAX_WORKERS)


_inherited: list[Any] = []


def _start_worker(
    reader: DocumentReader, encode: Callable[[SearchDocument], Any] | None = None
) -> None:
    """In a forked worker: new database connections on first use. The parent's stay the
    parent's: they are kept referenced, never used or closed here (closing would end
    the parent's session on the shared socket, or its transaction)."""
    global _worker_reader
    from asgiref.local import Local
    from django.db import connections

    _inherited.append(connections._connections)  # type: ignore[attr-defined]
    connections._connections = Local(connections.thread_critical)  # type: ignore[attr-defined]
    _worker_reader = reader
    _worker_encode[:] = [encode] if encode is not None else []


def _read_chunk(ids: list[int]) -> list[Any]:
    assert _worker_reader is not None
    documents = _worker_reader.read(ids)
    if _worker_encode:
        return [_worker_encode[0](doc) for doc in documents]
    return documents


def sort_key(name: str) -> str:
    """Names sort as a German reader expects: case and umlauts folded."""
    from .analysis import fold

    return " ".join(fold(name).split())[:200]
