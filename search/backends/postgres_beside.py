"""Work of a PostgreSQL search beside its page, on a second connection.

The facet counts (and the exact number of hits of a small result) are one statement
the page does not need: run on a connection of their own in a thread, they take no
time from the page and from reading its organisations. Django gives every thread its
own connection; a thread of this small pool keeps its connection from one search to
the next (``CONN_MAX_AGE`` and the health check apply as at the start of a request).

The work runs in the calling thread instead, in turn, where ``SEARCH_PARALLEL`` is
off, where the caller's connection is inside a transaction (another connection would
not see what it has written but not committed: tests, ``transaction.atomic``), and
where every thread of the pool is busy (a burst of searches does not queue behind
each other's facets).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, TypeVar

from django.conf import settings
from django.db import connection

T = TypeVar("T")

# Threads (each with its own connection) per process.
THREADS = 4

_executor: ThreadPoolExecutor | None = None
_lock = threading.Lock()
_free = threading.BoundedSemaphore(THREADS)


def is_parallel() -> bool:
    """Whether work handed to ``beside`` now would run in a thread of its own."""
    return bool(getattr(settings, "SEARCH_PARALLEL", True)) and not connection.in_atomic_block


def beside(fn: Callable[[], T]) -> Future[T]:
    """Run ``fn`` (database work) in a pool thread on that thread's connection, or at
    once in the calling thread (see the module's docstring); its result or exception
    comes with the future."""
    if is_parallel() and _free.acquire(blocking=False):
        global _executor
        with _lock:
            if _executor is None:
                _executor = ThreadPoolExecutor(THREADS, thread_name_prefix="search-pg")
            executor = _executor
        try:
            return executor.submit(_in_thread, fn)
        except BaseException:
            _free.release()
            raise
    done: Future[T] = Future()
    try:
        done.set_result(fn())
    except BaseException as exc:  # handed to whoever asks for the result
        done.set_exception(exc)
    return done


def _in_thread(fn: Callable[[], T]) -> T:
    try:
        # As at the start of a request: a connection that is broken, too old or failed
        # its health check is replaced.
        connection.close_if_unusable_or_obsolete()
        return fn()
    finally:
        _free.release()


def close_connections() -> None:
    """Close every pool thread's connection and stop the pool (the next search starts
    a new one): before a test database is dropped, or a process's connections reset."""
    global _executor
    with _lock:
        executor, _executor = _executor, None
    if executor is None:
        return
    # One task per thread: each waits at the barrier until every thread holds one.
    barrier = threading.Barrier(THREADS)

    def close() -> None:
        barrier.wait(timeout=30)
        connection.close()

    for future in [executor.submit(close) for _ in range(THREADS)]:
        future.result()
    executor.shutdown(wait=True)


def _forget(*_args: Any) -> None:
    """In a forked child the pool's threads are gone: start a new pool on first use."""
    global _executor, _lock, _free
    _executor = None
    _lock = threading.Lock()
    _free = threading.BoundedSemaphore(THREADS)


os.register_at_fork(after_in_child=_forget)
