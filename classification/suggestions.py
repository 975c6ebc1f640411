"""WZ 2008 codes suggested for a free text: the interface the lower apps call.

The import (directory) and the profile editor need suggestions, but the implementation
needs the search app's German analyser and the embeddings, and ``directory`` may not
import ``search``. So the search app registers its implementation here when it is ready
(``search.apps.SearchConfig.ready``), and callers ask this module. Without a registered
implementation (a deployment without the search app) there are no suggestions, and
callers say nothing rather than fail.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Suggestion:
    """A WZ 2008 subclass (level 5) suggested for a text.

    ``score`` is in 0..1 (higher is better, comparable between calls only roughly);
    ``reasons`` are the words of the text that matched the code's official texts.
    """

    code: str
    title: str
    title_en: str
    score: float
    reasons: tuple[str, ...] = ()


Suggester = Callable[[str, int], list[Suggestion]]
_implementation: Suggester | None = None


def register(function: Suggester) -> None:
    """Make ``function(text, limit)`` the implementation (the last one registered wins)."""
    global _implementation
    _implementation = function


def registered() -> bool:
    return _implementation is not None


def suggest(text: str, limit: int = 5) -> list[Suggestion]:
    """The most likely WZ 2008 subclasses for ``text``, best first; [] when none is
    registered or the text says nothing."""
    if _implementation is None or not text.strip() or limit < 1:
        return []
    return _implementation(text, limit)
