"""Background work of the search index.

Django Tasks: in-process by default, a worker in production.
"""

from __future__ import annotations

from django_tasks import task


@task()
def update_index(ids: list[int]) -> int:
    """Index these organisations again (or remove those no longer published)."""
    from . import services

    return services.index_organisations(ids)


@task()
def rebuild_index() -> int:
    from . import services

    return services.rebuild_index().documents
