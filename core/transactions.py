"""One batch per database transaction, flushed once when it commits: many writes in
one transaction (an import, a bulk action) are handled together, after the commit."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol, TypeVar

from django.db import transaction


class Batch(Protocol):
    flushed: bool

    def flush(self) -> None: ...


B = TypeVar("B", bound=Batch)


def batch_of_transaction(name: str, make: Callable[[], B]) -> B | None:
    """The batch ``name`` of the current transaction (made by ``make`` and flushed on
    commit), or None outside a transaction, where the caller acts at once. A rollback
    drops the commit callback with what its batch held: the next write starts anew."""
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        return None
    attribute = f"_batch_{name}"
    pending: B | None = getattr(connection, attribute, None)
    registered = (
        pending is not None
        and not pending.flushed
        and any(callback == pending.flush for _sids, callback, _robust in connection.run_on_commit)
    )
    if pending is None or not registered:
        pending = make()
        setattr(connection, attribute, pending)
        transaction.on_commit(pending.flush)
    return pending
