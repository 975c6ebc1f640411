"""Shared pieces of the news tests: the images' directory, time control."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import Any

import pytest
from django.utils import timezone


@pytest.fixture(autouse=True)
def _news_images(settings: Any, tmp_path: Any) -> None:
    settings.NEWS_IMAGE_DIR = tmp_path / "news-images"


class Clock:
    """``timezone.now`` under the test's control (every module calls it through
    ``django.utils.timezone``)."""

    def __init__(self, monkeypatch: Any) -> None:
        self.now = timezone.now().replace(microsecond=0)
        monkeypatch.setattr(timezone, "now", lambda: self.now)

    def advance(self, **delta: float) -> datetime.datetime:
        self.now += datetime.timedelta(**delta)
        return self.now


@pytest.fixture
def clock(monkeypatch: Any) -> Iterator[Clock]:
    yield Clock(monkeypatch)
