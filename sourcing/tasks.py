"""Background work of requests and offers (Django Tasks: in-process by default, a
worker in production)."""

from __future__ import annotations

from django_tasks import task


@task()
def compute_posting_matches(posting_id: int) -> int:
    """Compute and store a published posting's matches (``sourcing.postings.matching``)."""
    from .postings.matching import store_matches

    return store_matches(posting_id)


@task()
def send_offer_alerts_task() -> int:
    """Mail the requests' posters about new fitting offers (at most one mail a day each)."""
    from .postings.notifications import send_offer_alerts

    return send_offer_alerts()


@task()
def send_posting_digests() -> str:
    """The digests that are due, and offer alerts left waiting (scheduled daily; cron runs
    the command of the same name)."""
    from .postings.notifications import send_digests, send_offer_alerts

    report = send_digests()
    alerts = send_offer_alerts()
    return f"{report}; {alerts} offer alert mails"
