"""Scheduled work of the funding programmes (Django Tasks; cron runs the command of the
same name, docs/operations/scheduled-tasks.md)."""

from __future__ import annotations

from django_tasks import task


@task()
def send_funding_reminders() -> str:
    from .reminders import send_reminders

    run = send_reminders()
    return f"{run.written} reminders written for {run.calls} calls with a deadline due"
