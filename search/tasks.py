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
def update_vectors(ids: list[int]) -> int:
    """Compute the vectors of these organisations (``search.vectors``; a worker backend
    runs it, the immediate backend hands the work to a thread instead)."""
    from . import vectors

    return vectors.update(ids).written


@task()
def rebuild_index() -> int:
    from . import content, services

    documents = services.rebuild_index().documents
    content.rebuild()
    return documents


@task()
def check_search_index(repair: bool = True) -> dict[str, int]:
    """Compare the index with the database and repair what differs (scheduled daily;
    cron runs the command of the same name)."""
    from . import consistency, content

    drift = consistency.check()
    if repair and not drift.clean:
        consistency.repair(drift)
    content_drift = content.check()
    if repair:
        content.repair(content_drift)
    return {
        "content_missing": sum(len(d.missing) for d in content_drift),
        "content_stale": sum(len(d.stale) for d in content_drift),
        "content_extra": sum(len(d.extra) for d in content_drift),
        "missing": len(drift.missing),
        "stale": len(drift.stale),
        "extra": len(drift.extra),
        "vectors_missing": len(drift.vectors_missing),
        "vectors_stale": len(drift.vectors_stale),
        "vectors_extra": len(drift.vectors_extra),
    }


@task()
def update_content(type_name: str, ids: list[int]) -> int:
    """Index these objects of a registered content type again (``search.content``)."""
    from . import content, registry

    return content.index_content(registry.get(type_name), ids)
