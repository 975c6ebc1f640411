"""The matching runs on both engines; PostgreSQL's only where the database is."""

from __future__ import annotations

import pytest
from django.db import connection

from search import services


@pytest.fixture(params=["tantivy", "postgres"])
def engine_name(request, settings, tmp_path, db):
    if request.param == "postgres" and connection.vendor != "postgresql":
        pytest.skip("the PostgreSQL engine needs DATABASE_URL to point at PostgreSQL")
    settings.SEARCH_ENGINE = request.param
    settings.SEARCH_INDEX_DIR = tmp_path / "index"
    services.engine().clear()
    return request.param
