"""A test-only content type: objects kept in a dict, declared like an app's search.py."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from search.registry import ContentDocument, DocumentType, Facet


@dataclass
class Note:
    id: int
    title: str
    text: str = ""
    colour: str = "red"
    tags: list[str] = field(default_factory=list)
    lat: float | None = None
    lon: float | None = None
    day: int = 1
    public: bool = True


class NoteType(DocumentType):
    name = "testnote"
    label = "Test notes"
    order = 50
    facets = (Facet("colour", "Colour"), Facet("tag", "Tag"))

    def __init__(self) -> None:
        self.notes: dict[int, Note] = {}

    def add(self, *notes: Note) -> None:
        for note in notes:
            self.notes[note.id] = note

    def indexable_ids(self) -> Iterable[int]:
        return [pk for pk, n in self.notes.items() if n.public]

    def documents(self, ids: Sequence[int]) -> list[ContentDocument]:
        return [
            ContentDocument(
                type=self.name,
                id=n.id,
                title=n.title,
                text=n.text,
                keywords={"colour": [n.colour], "tag": list(n.tags)},
                lat=n.lat,
                lon=n.lon,
                date=datetime.datetime(2026, 1, n.day, tzinfo=datetime.UTC),
            )
            for pk in ids
            if (n := self.notes.get(pk)) is not None and n.public
        ]

    def load(self, ids: Sequence[int], user: Any = None) -> dict[int, Any]:
        return {pk: self.notes[pk] for pk in ids if pk in self.notes and self.notes[pk].public}

    def url(self, obj: Any) -> str:
        return f"/notes/{obj.id}/"

    def title(self, obj: Any) -> str:
        return str(obj.title)
