"""Scheduled work of the networks (Django Tasks; cron runs the command of the same name)."""

from __future__ import annotations

from django_tasks import task


@task()
def check_network_labels() -> str:
    from .labels import check_labels

    run = check_labels()
    return f"{run.reminded} reminders written, {run.expired} ended labels left the search"


@task()
def read_study(study_id: int) -> str:
    from .studies import read

    status = read(study_id)
    return f"study {study_id}: {status or 'gone'}"
