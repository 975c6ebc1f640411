"""Progress reporting for long work (imports, index builds, generators).

Commands show a tqdm bar on the terminal; tasks and tests pass their own callback.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Iterator
from typing import Protocol, TypeVar

from tqdm import tqdm

T = TypeVar("T")


class Progress(Protocol):
    def __call__(self, done: int, total: int | None, label: str) -> None: ...


def silent(done: int, total: int | None, label: str) -> None:
    """A progress callback that reports nothing."""


class TerminalProgress:
    """A callback that draws one tqdm bar per label on stderr."""

    def __init__(self, stream=None, disable: bool = False) -> None:
        self.stream = stream or sys.stderr
        self.disable = disable
        self._bars: dict[str, tqdm] = {}

    def __call__(self, done: int, total: int | None, label: str) -> None:
        bar = self._bars.get(label)
        if bar is None:
            bar = tqdm(
                total=total, desc=label, unit=" rows", file=self.stream, disable=self.disable
            )
            self._bars[label] = bar
        bar.update(done - bar.n)
        if total is not None and done >= total:
            bar.close()

    def close(self) -> None:
        for bar in self._bars.values():
            bar.close()


def track(
    items: Iterable[T], total: int | None, label: str, progress: Progress, every: int = 500
) -> Iterator[T]:
    """Yield ``items`` and report every ``every`` items and at the end."""
    done = 0
    progress(0, total, label)
    for item in items:
        yield item
        done += 1
        if done % every == 0:
            progress(done, total, label)
    progress(done, total if total is not None else done, label)


ProgressCallback = Callable[[int, "int | None", str], None]
