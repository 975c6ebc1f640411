"""Background work of the outbox (Django Tasks; cron runs ``send_queued_mail`` too)."""

from __future__ import annotations

from django_tasks import task


@task()
def send_queued_mail() -> str:
    from . import services

    report = services.send_due()
    services.schedule_next()
    return str(report)
