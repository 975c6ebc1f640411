"""What an organisation's vector is made of: the texts that say what it does.

An organisation's vector is the normalised weighted sum of the vectors of its pieces:
its name, its descriptions, its offerings, technologies, tags and the titles of its WZ
codes. Pieces many organisations share (a WZ title, a technology, an offering of
generated data) are embedded once and cached by their text (``core.TextVector``), so
that a rebuild embeds only texts it has not seen before.

Reading goes table by table for a chunk of organisation ids (a few queries per
thousand), like ``search.documents.DocumentReader``.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.db import connection

from classification.models import WzCode
from core.embedding import DIM, MODEL_ID, clean, embed_cached
from directory.choices import PublicationStatus

# Weight of each group of pieces (a group's pieces are averaged first), measured with
# the vectors alone on bench/matching/needs.json over the demo data (docs/search.md).
# Change ``RECIPE`` with them: it is part of every version, so the drift check then
# finds every vector stale.
WEIGHTS: dict[str, float] = {
    "name": 0.5,
    "about": 1.5,  # short description, description (and their English versions)
    "offerings": 1.5,
    "technologies": 0.3,
    "wz": 0.4,  # the primary code's title
    "wz_secondary": 0.4,
    "tags": 0.3,
}
RECIPE = "2"


@dataclass
class Pieces:
    """The texts of one organisation, by group, in a fixed order."""

    id: int
    groups: dict[str, list[str]] = field(default_factory=dict)

    def version(self) -> int:
        """A 63-bit fingerprint of the model and the texts (like
        ``SearchDocument.version``): the drift check compares it with the store's."""
        payload = repr((MODEL_ID, RECIPE, sorted(self.groups.items()))).encode()
        return int.from_bytes(hashlib.blake2b(payload, digest_size=8).digest(), "big") >> 1

    def texts(self) -> list[str]:
        return [t for texts in self.groups.values() for t in texts]


def wz_titles() -> dict[int, str]:
    return dict(WzCode.objects.filter(version="2008").values_list("id", "title"))


class PieceReader:
    """Reads ``Pieces`` of published organisations for chunks of ids."""

    def __init__(self) -> None:
        self.titles = wz_titles()

    def read(self, ids: list[int]) -> list[Pieces]:
        """Pieces of those ``ids`` that are published (others are left out), by id."""
        if not ids:
            return []
        out: list[Pieces] = []
        for start in range(0, len(ids), 2000):
            out += self._read(ids[start : start + 2000])
        return out

    def _read(self, ids: list[int]) -> list[Pieces]:
        with connection.cursor() as cursor:
            marks = ", ".join(["%s"] * len(ids))
            cursor.execute(
                "SELECT id, name, short_description, description, short_description_en, "
                "description_en, primary_wz_id FROM directory_organisation "
                f"WHERE status = %s AND id IN ({marks}) ORDER BY id",
                [PublicationStatus.PUBLISHED.value, *ids],
            )
            orgs = cursor.fetchall()
            if not orgs:
                return []
            found = [row[0] for row in orgs]
            marks = ", ".join(["%s"] * len(found))
            related = self._related(cursor, marks, found)
        return [self._pieces(row, related) for row in orgs]

    def _related(self, cursor: Any, marks: str, ids: list[int]) -> dict[str, dict[int, list[Any]]]:
        queries = {
            "secondary": "SELECT organisation_id, wzcode_id FROM "
            f"directory_organisation_secondary_wz WHERE organisation_id IN ({marks})",
            "technology": "SELECT t.organisation_id, v.name FROM "
            "directory_organisation_technologies t JOIN classification_technology v "
            f"ON v.id = t.technology_id WHERE t.organisation_id IN ({marks})",
            "tag": "SELECT t.organisation_id, g.name FROM directory_organisation_tags t JOIN "
            f"directory_tag g ON g.id = t.tag_id WHERE t.organisation_id IN ({marks})",
            "offering": "SELECT organisation_id, name, description FROM directory_offering "
            f"WHERE organisation_id IN ({marks})",
        }
        related: dict[str, dict[int, list[Any]]] = {}
        for key, sql in queries.items():
            cursor.execute(sql, ids)
            grouped: dict[int, list[Any]] = defaultdict(list)
            for row in cursor.fetchall():
                grouped[row[0]].append(row[1:] if len(row) > 2 else row[1])
            related[key] = grouped
        return related

    def _pieces(self, row: tuple[Any, ...], related: dict[str, dict[int, list[Any]]]) -> Pieces:
        pk, name, short, long, short_en, long_en, primary_wz = row
        offerings = [
            f"{title}: {text}" if text else title for title, text in related["offering"].get(pk, [])
        ]
        secondary = [self.titles.get(w, "") for w in related["secondary"].get(pk, [])]
        groups = {
            "name": [name],
            "about": [short, long, short_en, long_en],
            "offerings": offerings,
            "technologies": related["technology"].get(pk, []),
            "wz": [self.titles.get(primary_wz, "")] if primary_wz else [],
            "wz_secondary": secondary,
            "tags": related["tag"].get(pk, []),
        }
        # Cleaned, without empty or repeated texts, sorted: the same content gives the
        # same pieces (and version) whatever order the database returns rows in.
        return Pieces(
            pk,
            {
                group: sorted({clean(t) for t in texts if t and clean(t)})
                for group, texts in groups.items()
            },
        )


@dataclass
class Composed:
    vectors: np.ndarray  # one unit row per Pieces
    texts: int  # distinct texts the chunk needed
    cached: int  # of those, found in a cache (not embedded now)


def compose(chunk: list[Pieces]) -> Composed:
    """The vectors of a chunk of organisations: their distinct texts embedded (or read
    from the cache) at once, then summed by group weight and normalised."""
    distinct = sorted({t for p in chunk for t in p.texts()})
    vectors, cached = embed_cached(distinct) if distinct else (np.zeros((0, DIM)), 0)
    row = {text: i for i, text in enumerate(distinct)}
    out = np.zeros((len(chunk), DIM), dtype=np.float32)
    for i, pieces in enumerate(chunk):
        for group, texts in pieces.groups.items():
            if texts:
                rows = [row[t] for t in texts]
                out[i] += WEIGHTS[group] * vectors[rows].mean(axis=0)
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return Composed(out / norms, len(distinct), cached)
