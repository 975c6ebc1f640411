"""Scheduled work of the requests and offers (Django Tasks; cron runs the command of the
same name)."""

from __future__ import annotations

from django_tasks import task


@task()
def expire_postings() -> str:
    from . import services

    expired, reminded = services.expire_postings()
    return f"{expired} postings expired, {reminded} reminded"
