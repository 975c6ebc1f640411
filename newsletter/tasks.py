"""Background work of the newsletter: composing an issue's mails batch by batch (the
outbox sends them at its rate). Cron runs ``manage.py send_newsletter`` as the safety
net: it continues every issue still being sent, e.g. after a worker died."""

from __future__ import annotations

from django_tasks import task


@task()
def send_issue(issue_id: int) -> str:
    from . import services

    if send_issue.get_backend().supports_defer:
        # A worker: one batch per run, then the next run, so that other tasks (the
        # outbox's sender among them) get their turn between batches.
        written = services.continue_sending(issue_id, batches=1)
        if written:
            send_issue.enqueue(issue_id)
    else:
        written = services.continue_sending(issue_id)
    return f"wrote {written} mail(s) of issue {issue_id}"
