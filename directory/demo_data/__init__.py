"""Word lists and sector profiles for the demo data generator (``directory.demo``).

The lists are written for this project: common German names, Thuringian landscapes
and town adjectives, street names that occur in many towns. No list names a real
company, person or address.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

DIRECTORY = Path(__file__).resolve().parent


@cache
def words(name: str) -> tuple[str, ...]:
    """The entries of ``<name>.txt``, one per line; ``#`` starts a comment line."""
    lines = (DIRECTORY / f"{name}.txt").read_text(encoding="utf-8").splitlines()
    return tuple(line.strip() for line in lines if line.strip() and not line.startswith("#"))
