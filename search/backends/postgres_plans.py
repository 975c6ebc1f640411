"""Planner settings for one statement of the PostgreSQL engine.

PostgreSQL's planner estimates the matches of a tsquery from per-lexeme statistics;
for a query of many alternatives (a need of several sentences, each word with its
synonyms and WZ codes) it adds them up and may expect several times the real number.
Where the engine knows better (it counted the matches on a sample first), it tells
the planner for that one statement, inside a transaction of its own (``SET LOCAL``).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import transaction

# The settings the engine turns off (``enable_<name>``), and nothing else.
KNOWN = frozenset({"seqscan", "bitmapscan"})


@contextmanager
def without(cursor: Any, *plans: str) -> Iterator[None]:
    """Statements run inside the block with the planner's ``enable_<plan>`` off."""
    unknown = set(plans) - KNOWN
    if unknown:
        raise ValueError(f"not a plan the engine turns off: {sorted(unknown)}")
    if not plans:
        yield
        return
    with transaction.atomic():
        for plan in plans:
            cursor.execute(f"SET LOCAL enable_{plan} = off")
        try:
            yield
        finally:
            for plan in plans:
                cursor.execute(f"SET LOCAL enable_{plan} TO DEFAULT")
