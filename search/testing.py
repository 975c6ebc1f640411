"""Test fixtures other apps' tests share with the search's own (import them into a
conftest.py): every behaviour test runs on both engines."""

from __future__ import annotations

import pytest
from django.db import connection

from . import services


@pytest.fixture(params=["tantivy", "postgres"])
def engine_name(request, settings, tmp_path, db):  # type: ignore[no-untyped-def]
    """Run the test on each engine; PostgreSQL's only where the database is PostgreSQL."""
    if request.param == "postgres" and connection.vendor != "postgresql":
        pytest.skip("the PostgreSQL engine needs DATABASE_URL to point at PostgreSQL")
    settings.SEARCH_ENGINE = request.param
    settings.SEARCH_INDEX_DIR = tmp_path / "index"
    services.engine().clear()
    return request.param
