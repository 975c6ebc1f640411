"""Test set-up shared by every app.

The official reference data (WZ, postal codes, districts, vocabularies, synonyms) is
imported once per test database, before any test runs, so tests see what a real
installation sees. Tests that need ``transaction=True`` (live server, browser)
must pass ``available_apps`` without ``classification``, ``geo`` and ``search`` so the
flush after them keeps that data (see ``core.testing.TRANSACTIONAL_APPS``).

The search index of a test run lives in a temporary folder, never in ``var/``.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client

from core.testing import sign_in

pytest_plugins = ["core.testing.browser", "messaging.testing"]


@pytest.fixture(scope="session", autouse=True)
def _search_index_in_tmp(tmp_path_factory):
    settings.SEARCH_INDEX_DIR = tmp_path_factory.mktemp("search-index")


@pytest.fixture(autouse=True)
def _fresh_content_index() -> None:
    """Each test starts with an empty content index (requests and offers, …) in the
    session's index folder, as each starts with an empty database."""
    from search import content

    content.forget()
    shutil.rmtree(Path(settings.SEARCH_INDEX_DIR) / "content", ignore_errors=True)


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> None:
    """Rate-limit counters (core.abuse) live in the cache: each test starts with none, as
    if from a new client, so that tests do not limit each other."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        call_command("import_reference_data", "--no-progress", verbosity=0)
    yield
    # A transactional test's searches may leave connections open in the PostgreSQL
    # engine's threads (search.backends.postgres_beside): closed before the test
    # database is dropped.
    from search.backends import postgres_beside

    postgres_beside.close_connections()


@pytest.fixture
def admin_client(db: Any, admin_user: Any) -> Client:
    """pytest-django's ``admin_client``, signed in with the second factor staff need."""
    client = Client()
    sign_in(client, admin_user)
    return client
