"""Scheduled work of the directory (Django Tasks; cron runs the commands of the same name)."""

from __future__ import annotations

from django_tasks import task


@task()
def check_profiles() -> str:
    """Ask for re-verification, drop lapsed boosts, hide the long unconfirmed."""
    from . import freshness

    return str(freshness.check_profiles())
