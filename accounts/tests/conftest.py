import pytest


@pytest.fixture(autouse=True)
def _mail_sent_at_once(mail_sent_at_once: None) -> None:
    """Account flows are tested by the mail that arrives (messaging.testing)."""
