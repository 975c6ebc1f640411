"""Scheduled work of the inquiries (Django Tasks; cron runs the command of the same name)."""

from __future__ import annotations

from django_tasks import task


@task()
def check_inquiries() -> str:
    from . import services

    return str(services.check_due())
