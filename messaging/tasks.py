"""Background work of the outbox (Django Tasks; cron runs ``send_queued_mail`` too)."""

from __future__ import annotations

from django_tasks import task


@task()
def send_queued_mail() -> str:
    from . import services

    return str(services.send_due())
