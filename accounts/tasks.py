"""Scheduled work of the accounts (Django Tasks; cron runs the command of the same name)."""

from __future__ import annotations

from django_tasks import task


@task()
def apply_retention() -> str:
    from . import privacy

    return str(privacy.apply_retention())
