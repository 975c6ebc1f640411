"""Fixtures for the geo tests: the real reference files, imported once per test database."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from geo.models import District, PostalCode
from geo.services import import_all


@pytest.fixture(scope="session")
def geo_data(django_db_setup: Any, django_db_blocker: Any) -> None:
    """Make sure the geography is imported (the root conftest normally did it already).

    Imported outside a test transaction, so it stays for the session; tests that flush
    the database must keep ``geo`` out of ``available_apps`` (see core.testing).
    """
    with django_db_blocker.unblock():
        if not District.objects.exists() or not PostalCode.objects.exists():
            import_all()


@pytest.fixture
def geo(geo_data: None, db: None) -> Iterator[None]:
    """The imported geography inside a test transaction (changes are rolled back)."""
    yield
