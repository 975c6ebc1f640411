"""Scheduled publishing as a Django task: deferred to an article's time where the task
backend supports it; the command of the same name runs every minute as the fallback."""

from __future__ import annotations

from django_tasks import task


@task()
def publish_scheduled() -> str:
    from . import services

    due = services.publish_due()
    return f"{len(due)} scheduled news articles went live"
