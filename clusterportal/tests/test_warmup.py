"""The web process's warm-up at start (``WARM_UP_AT_START``)."""

from __future__ import annotations

from typing import Any

import pytest

from clusterportal import warmup
from sourcing.postings import matching

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_matching_is_warmed_up_in_a_thread_of_its_own(monkeypatch: Any) -> None:
    seen: list[str] = []
    monkeypatch.setattr(
        matching, "warm_up", lambda: seen.append(warmup.threading.current_thread().name)
    )
    thread = warmup.start()
    assert thread is not None and thread.daemon
    thread.join(30)
    assert seen == ["warm-up"]


def test_a_failing_warm_up_is_logged_not_raised(monkeypatch: Any, caplog: Any) -> None:
    def broken() -> None:
        raise RuntimeError("model missing")

    monkeypatch.setattr(matching, "warm_up", broken)
    thread = warmup.start()
    assert thread is not None
    thread.join(30)
    assert "Warming up the matching at start failed" in caplog.text


def test_it_can_be_turned_off(settings: Any) -> None:
    settings.WARM_UP_AT_START = False
    assert warmup.start() is None
